"""A faithful stand-in for the Ivanti Service Manager (HEAT) REST API, on loopback.

Built from the reference (`reference/heat.md` §2–§3), not from goldheat's client, because the demo,
the integration tests and outside evaluations all stand on it. Modules:

- `server`   the HTTP layer, `Simulator` (start/stop/inject/records) and `run_forever`
- `api`      routing of one request to an answer (auth, OData, relationships, REST extras)
- `messages` the request and answer values passed between `server` and `api`
- `attachments` `/api/rest/Attachment` upload, download and delete
- `auth`     API keys, session login/logout and session expiry
- `objects`  business objects: fields, lengths, pick lists, links, relationships, status rules
- `rules`    what the server does to a record on create/update (server-filled fields, validation)
- `odata`    the `$filter`/`$select`/`$top`/`$skip`/`$orderby` subset
- `store`    thread-safe records with optional atomic JSON file persistence
- `metadata` the Edmx `$metadata` document
- `faults`   injected faults (status, slow, drop, expired sessions)
- `errors`   ISM error bodies
"""

from typing import Any

__all__ = ["LoggedRequest", "Simulator", "run_forever"]


def __getattr__(name: str) -> Any:
    """Import the HTTP layer only when asked for, so `objects`/`odata` stay light to import."""
    if name in __all__:
        from connectors.heat.simulator import server

        return getattr(server, name)
    raise AttributeError(name)
