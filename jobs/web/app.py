"""The web console's Flask application, built from settings.

Server-rendered pages (Jinja2) and one small script that disables a form's button once it is
submitted; nothing to build. Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure
behind TLS, expiring after `session_hours`) holding only the user name. Every POST carries a CSRF
token (Flask-WTF's `CSRFProtect`: a maintained, session-bound, time-limited token checked before
any view runs, so a new form cannot forget it; on HTTPS it also checks the Referer). Responses
forbid framing and third-party content, and are never cached, since some show secrets.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

from config.settings import Settings
from jobs.web import auth, views
from jobs.web.guard import InFlight
from jobs.web.keys import secret_key
from jobs.web.service import OrderService

HERE = Path(__file__).resolve().parent
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def create_app(settings: Settings, service: OrderService | None = None, *,
               authenticator: auth.Authenticator | None = None) -> Flask:
    """The console for these settings; `service` defaults to the real order onboarding."""
    app = Flask("goldheat.web", template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    web = settings.web
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_NAME="goldheat_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=web.secure_cookies,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=web.session_hours),
        WTF_CSRF_TIME_LIMIT=int(web.session_hours * 3600),
        WTF_CSRF_SSL_STRICT=web.secure_cookies,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    if service is None:
        from jobs.web.live import LiveOrderService

        service = LiveOrderService(settings)
    app.extensions["goldheat.service"] = service
    app.extensions["goldheat.auth"] = authenticator or auth.Authenticator(web)
    app.extensions["goldheat.inflight"] = InFlight()
    app.extensions["goldheat.settings"] = settings
    CSRFProtect(app)
    app.before_request(auth.load_staff)
    app.register_blueprint(views.console)
    app.context_processor(lambda: {"staff": auth.current_staff()})

    @app.errorhandler(CSRFError)
    def csrf_refused(exc: CSRFError):  # noqa: ANN202
        return render_template("error.html", title="Form refused",
                               message="This form was refused because its security token is missing or has "
                                       "expired (" + exc.description.rstrip(".") + "). Nothing was changed. "
                                       "Go back, reload the page and try again."), 400

    @app.errorhandler(403)
    def forbidden(_exc: Exception):  # noqa: ANN202
        return render_template("error.html", title="Not allowed",
                               message="Your role does not allow this. Ask an administrator if you need it."), 403

    @app.errorhandler(404)
    def not_found(_exc: Exception):  # noqa: ANN202
        return render_template("error.html", title="Not found", message="There is nothing at this address."), 404

    @app.after_request
    def headers(response):  # noqa: ANN001, ANN202
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    return app
