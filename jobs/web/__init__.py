"""The web console for sales admins: find an order, preview it, sync it, see what happened.

`create_app(settings)` (app.py) builds the Flask app; `serve(settings)` (serve.py) runs it under
waitress; the pages talk to an `OrderService` (service.py) bound to the real jobs in live.py.
"""
