"""A tiny raw ISM client for the simulator's tests: just URLs and headers, no goldheat logic."""

from __future__ import annotations

from typing import Any

import requests

BO = "/api/odata/businessobject/"


class Raw:
    def __init__(self, base_url: str, authorization: str | None, prefix: str = ""):
        self.base = base_url + prefix
        self.http = requests.Session()
        if authorization is not None:
            self.http.headers["Authorization"] = authorization

    def url(self, path: str) -> str:
        return self.base + (path if path.startswith("/") else BO + path)

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.http.get(self.url(path), params=params or None, timeout=10)

    def post(self, path: str, body: Any = None, **kw: Any) -> requests.Response:
        return self.http.post(self.url(path), json=body, timeout=10, **kw)

    def patch(self, path: str, body: Any) -> requests.Response:
        return self.http.patch(self.url(path), json=body, timeout=10)

    def put(self, path: str, body: Any) -> requests.Response:
        return self.http.put(self.url(path), json=body, timeout=10)

    def delete(self, path: str) -> requests.Response:
        return self.http.delete(self.url(path), timeout=10)

    def create(self, entity_set: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.post(entity_set, body)
        assert response.status_code == 201, response.text
        return response.json()

    def employee(self, **fields: Any) -> dict[str, Any]:
        return self.create("employees", {"FirstName": "Jane", "LastName": "Doe", **fields})

    def incident(self, **fields: Any) -> dict[str, Any]:
        return self.create("incidents", {"Subject": "Order 1001", "Symptom": "Set up", "Status": "Logged", **fields})


def key_header(key: str) -> str:
    return f"rest_api_key={key}"
