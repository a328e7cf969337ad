"""Serve the console with waitress: a maintained, pure-Python production WSGI server.

Waitress serves plain HTTP; put it behind the site's TLS proxy and set
`GOLDHEAT_WEB__SECURE_COOKIES=true` there. It trusts no proxy headers, so addresses in the audit
lines and the sign-in limiter are the proxy's unless the proxy is on the same host.
"""

from __future__ import annotations

import structlog

from config.errors import ConfigurationError
from config.settings import Settings

log = structlog.get_logger("goldheat.web")


def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> int:
    from waitress import serve as waitress_serve

    from jobs.web.app import create_app

    if not settings.web.users:
        raise ConfigurationError("no console users: add GOLDHEAT_WEB__USERS (make a hash with "
                                 "`goldheat web hash-password`)", setting="GOLDHEAT_WEB__USERS")
    app = create_app(settings)
    host, port = host or settings.web.host, port or settings.web.port
    log.info("web console listening", address=f"http://{host}:{port}/", count=len(settings.web.users))
    waitress_serve(app, host=host, port=port, threads=settings.web.threads, ident="goldheat")
    return 0
