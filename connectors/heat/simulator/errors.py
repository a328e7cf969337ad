"""ISM error answers: `{"code": "ISM_4000", "description": "...", "message": ["..."]}` (§2.5).

An `IsmError` raised anywhere while answering a request becomes exactly that body with its status,
so the rules read like the reference ("400 ISM_4000 Invalid key") rather than like HTTP plumbing.
"""

from __future__ import annotations

from typing import Any

DESCRIPTIONS = {
    200: "Ok",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
}
CODES = {200: "ISM_2000", 400: "ISM_4000", 401: "ISM_4001", 403: "ISM_4003", 404: "ISM_4004",
         500: "ISM_5000"}

NO_SERVICE = "No service for the resource is registered"
INVALID_PAYLOAD = "Invalid Request Payload"
INVALID_KEY = "Invalid key"
BAD_LOGIN = "Tenant Not Found or wrong Password or OpenID not Configured Properly."
INVALID_AUTH = "Invalid Session key or Authentication token or Host"
AUTH_REQUIRED = "Authentication required"


def ism_body(status: int, *messages: str) -> dict[str, Any]:
    return {"code": CODES.get(status, f"ISM_{status}0"), "description": DESCRIPTIONS.get(status, ""),
            "message": list(messages)}


class IsmError(Exception):
    """Answer the current request with an ISM error body (or no body, for the 204 quirks)."""

    def __init__(self, status: int, message: str = "", *, body: Any = ..., headers: dict[str, str] | None = None):
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.body = ism_body(status, message) if body is ... else body
        self.headers = headers or {}


def bad_request(message: str) -> IsmError:
    return IsmError(400, message)


def not_found(message: str = NO_SERVICE) -> IsmError:
    return IsmError(404, message)
