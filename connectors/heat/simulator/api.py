"""One request in, one answer out: the ISM REST surface the simulator serves (§2).

Paths (after an optional `/HEAT` prefix, matched case-insensitively):
  POST /api/rest/authentication/login | logout
  POST|GET|DELETE /api/rest/Attachment                          (multipart upload; ?ID= to read/delete)
  POST /api/rest/ServiceRequest/new                             (always refused, with a 200: avoid it)
  POST /api/rest/search/fulltext                                {"Text","ObjectType","Top","Skip"}
  GET  /api/odata/{set}/$metadata                               (Accept: application/xml)
  GET|POST /api/odata/businessobject/{set}
  GET|PATCH|PUT|DELETE /api/odata/businessobject/{set}('{RecId}')
  GET  /api/odata/businessobject/{set}('{RecId}')/{Relationship}
  PATCH|PUT|POST|DELETE /api/odata/businessobject/{set}('{RecId}')/{Relationship}('{RecId}')/$Ref
Choices where the reference is silent: `$top` defaults to 25; a single GET of an unknown RecId is
404 ISM_4004; DELETE answers 204; logout answers 200 ISM_2000.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from connectors.heat.simulator import odata
from connectors.heat.simulator.attachments import Attachments
from connectors.heat.simulator.auth import Auth, Principal
from connectors.heat.simulator.errors import INVALID_KEY, IsmError, bad_request, ism_body, not_found
from connectors.heat.simulator.faults import Fault, gateway_page, retry_after_header
from connectors.heat.simulator.messages import Reply, Request, json_reply
from connectors.heat.simulator.metadata import edmx
from connectors.heat.simulator.objects import OBJECTS, BusinessObject, Relationship, find_object
from connectors.heat.simulator.rules import Rules
from connectors.heat.simulator.store import Store

NO_INSTANCES = "No instances found."
_LOGIN = re.compile(r"^/api/rest/authentication/login/?$", re.IGNORECASE)
_LOGOUT = re.compile(r"^/api/rest/authentication/logout/?$", re.IGNORECASE)
_ATTACHMENT = re.compile(r"^/api/rest/attachment/?$", re.IGNORECASE)
_SERVICE_REQUEST_NEW = re.compile(r"^/api/rest/servicerequest/new/?$", re.IGNORECASE)
_FULLTEXT = re.compile(r"^/api/rest/search/fulltext/?$", re.IGNORECASE)
_ROOT_METADATA = re.compile(r"^/api/odata/\$metadata/?$", re.IGNORECASE)
_METADATA = re.compile(r"^/api/odata/(?P<set>[^/]+)/\$metadata/?$", re.IGNORECASE)
_OBJECT = re.compile(r"^/api/odata/businessobject/(?P<set>[^/(]+)(?:\((?P<key>[^)]*)\))?"
                     r"(?:/(?P<rel>[^/(]+)(?:\((?P<tkey>[^)]*)\))?(?:/(?P<ref>\$ref))?)?/?$", re.IGNORECASE)


def parse_key(raw: str | None) -> str:
    """`'085867F4…'` -> the RecId; anything else is the API's "Invalid key"."""
    if raw is None or len(raw) < 2 or raw[0] != "'" or raw[-1] != "'":
        raise bad_request(INVALID_KEY)
    return raw[1:-1]


class Api:
    def __init__(self, store: Store, auth: Auth, rules: Rules, *, exact_count: bool = False):
        self.store, self.auth, self.rules, self.exact_count = store, auth, rules, exact_count
        self.attachments = Attachments(store, rules)

    def handle(self, request: Request) -> Reply:
        principal: Principal | None = None
        try:
            if _LOGIN.match(request.path):
                return self.login(request)
            principal = self.auth.identify(request.headers.get("Authorization"))
            reply = self.route(request, principal)
        except IsmError as error:
            reply = Reply(error.status, b"", headers=dict(error.headers)) if error.body is None \
                else json_reply(error.status, error.body, headers=dict(error.headers))
        reply.auth = principal.kind if principal else None
        return reply

    def route(self, request: Request, principal: Principal) -> Reply:
        path, method = request.path, request.method
        if _LOGOUT.match(path):
            self._allow(method, "POST")
            self.auth.logout(request.headers.get("Authorization") or "")
            return json_reply(200, ism_body(200, "Logged out"))
        if _ATTACHMENT.match(path):
            self._allow(method, "POST", "GET", "DELETE")
            return self.attachments.handle(request, principal.actor)
        if _SERVICE_REQUEST_NEW.match(path):
            self._allow(method, "POST")  # request offerings are not modelled: refused, with a 200 (§3.3)
            return json_reply(200, {"IsSuccess": False, "ErrorMessage": "Subscription not found",
                                    "ServiceRequests": None})
        if _FULLTEXT.match(path):
            self._allow(method, "POST")
            return self.fulltext(request.json())
        if _ROOT_METADATA.match(path):
            raise not_found()
        if match := _METADATA.match(path):
            self._allow(method, "GET")
            return self.metadata(request, match["set"])
        match = _OBJECT.match(path)
        if not match:
            raise not_found()
        obj = find_object(match["set"])
        if obj is None:
            raise not_found()
        if match["key"] is None:
            if match["rel"] is not None:
                raise not_found()
            return self.collection(request, obj, principal)
        rec_id = parse_key(match["key"])
        if match["rel"] is None:
            return self.single(request, obj, rec_id, principal)
        relationship = obj.relationship(match["rel"])
        if relationship is None:
            raise not_found()
        if match["ref"] is None:
            self._allow(method, "GET")
            return self.related(request, obj, rec_id, relationship)
        return self.link(request, obj, rec_id, relationship, parse_key(match["tkey"]), principal)

    @staticmethod
    def _allow(method: str, *allowed: str) -> None:
        if method not in allowed:
            raise IsmError(405, body={"Message": f"The requested resource does not support http method '{method}'."})

    # --- authentication ------------------------------------------------------------------------------
    def login(self, request: Request) -> Reply:
        self._allow(request.method, "POST")
        key = self.auth.login(request.json(), request.host, self.store)
        return json_reply(200, key)

    def fulltext(self, body: Any) -> Reply:
        """Full-text search: the `$search` word-prefix match, in the REST search's own envelope."""
        if not isinstance(body, dict) or not isinstance(body.get("Text"), str):
            raise bad_request("Invalid Request Payload")
        wanted = str(body.get("ObjectType") or "").rstrip("#").split("#")[-1].lower()
        obj = next((o for o in OBJECTS.values() if o.name.split("#")[-1].lower() == wanted and not o.subtypes), None)
        if obj is None:
            raise bad_request(f"Invalid ObjectType {body.get('ObjectType')!r}")
        try:
            top, skip = int(body.get("Top") or 20), int(body.get("Skip") or 0)
        except (TypeError, ValueError):
            raise bad_request("Invalid Request Payload") from None
        test = odata.parse_search(body["Text"], obj)
        with self.store.transaction():
            rows = [self.rules.present(obj, r) for r in self.store.all(obj.entity_set) if test(r)]
        meta = [{"Name": f.name, "Type": f.type} for f in obj.fields if not f.write_only]
        return json_reply(200, {"data": rows[skip:skip + top], "metaData": meta, "totalRows": len(rows),
                                "keyRef": "RecId", "searchText": body["Text"]})

    # --- metadata --------------------------------------------------------------------------------------
    def metadata(self, request: Request, entity_set: str) -> Reply:
        if "json" in (request.headers.get("Accept") or "").lower():
            return json_reply(500, ism_body(500, ""))
        obj = find_object(entity_set)
        return Reply(200, edmx(entity_set, obj).encode(), "application/xml; charset=utf-8")

    # --- collections and records -------------------------------------------------------------------
    def context(self, request: Request, suffix: str) -> str:
        return f"http://{request.host}{request.prefix}/api/odata/$metadata#{suffix}"

    def collection(self, request: Request, obj: BusinessObject, principal: Principal) -> Reply:
        if request.method == "POST":
            with self.store.transaction():
                record = self.rules.create(obj, request.json(), principal.actor)
                body = {"@odata.context": self.context(request, f"{obj.entity_set}/$entity"),
                        **self.rules.present(obj, record)}
            location = f"http://{request.host}{request.prefix}/api/odata/businessobject/{obj.entity_set}('{record['RecId']}')"
            return json_reply(201, body, headers={"Location": location})
        self._allow(request.method, "GET", "POST")
        query = {k.lower(): v for k, v in request.query.items()}
        top = odata.parse_count(query.get("$top"), odata.DEFAULT_TOP, odata.MAX_TOP)
        skip = odata.parse_count(query.get("$skip"), 0)
        tests = [odata.parse_filter(query["$filter"], obj)] if (query.get("$filter") or "").strip() else []
        if (query.get("$search") or "").strip():
            tests.append(odata.parse_search(query["$search"], obj))
        select = odata.parse_select(query["$select"], obj) if (query.get("$select") or "").strip() else None
        try:
            order = odata.parse_orderby(query["$orderby"], obj) if (query.get("$orderby") or "").strip() else []
        except odata.BadOrderBy:
            return Reply(204)
        with self.store.transaction():
            matches = [r for r in self.store.all(obj.entity_set) if all(t(r) for t in tests)]
            count = len(matches) if self.exact_count else self.store.counted(obj.entity_set, matches)
            page = [self.rules.present(OBJECTS[self._set_of(r, obj)], r)
                    for r in odata.sort_records(list(matches), order)[skip:skip + top]]
        if not page:
            return Reply(200)
        if select:
            page = [{name: row.get(name) for name in select} for row in page]
        return json_reply(200, {"@odata.context": self.context(request, obj.entity_set),
                                "@odata.count": count, "value": page})

    def _set_of(self, record: dict[str, Any], obj: BusinessObject) -> str:
        return next((s for s in obj.subtypes if record["RecId"] in self.store.sets[s]), obj.entity_set)

    def _find(self, obj: BusinessObject, rec_id: str) -> tuple[BusinessObject, dict[str, Any]]:
        found = self.store.get(obj.entity_set, rec_id)
        if found is None:
            raise bad_request(INVALID_KEY)
        return OBJECTS[found[0]], found[1]

    def single(self, request: Request, obj: BusinessObject, rec_id: str, principal: Principal) -> Reply:
        method = request.method
        self._allow(method, "GET", "PATCH", "PUT", "DELETE")
        with self.store.transaction():
            if method == "GET" and self.store.get(obj.entity_set, rec_id) is None:
                raise IsmError(404, f"{obj.short_name} with RecId {rec_id} was not found")
            concrete, record = self._find(obj, rec_id)
            if method == "DELETE":
                self.rules.check_delete(concrete, record)
                self.store.delete(concrete.entity_set, record["RecId"])
                return Reply(204)
            if method in ("PATCH", "PUT"):
                self.rules.update(concrete, record, request.json(), principal.actor)
            body = {"@odata.context": self.context(request, f"{obj.entity_set}/$entity")}
            if method != "GET" or not (request.query.get("$select") or "").strip():
                body.update(self.rules.present(concrete, record))  # a single GET with $select: no fields
        return json_reply(200, body)

    # --- relationships -------------------------------------------------------------------------------
    def _targets(self, relationship: Relationship, source: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        found: list[tuple[str, dict[str, Any]]] = []
        for entity_set in relationship.target_sets:
            for record in self.store.all(entity_set):
                if relationship.kind == "child":
                    hit = record.get(f"{relationship.link}_RecID") == source["RecId"]
                elif relationship.kind == "reference":
                    hit = source.get(f"{relationship.link}_RecID") == record["RecId"]
                else:
                    hit = record["RecId"] in self.store.linked(relationship.name, source["RecId"])
                if hit:
                    found.append((entity_set, record))
        return found

    def related(self, request: Request, obj: BusinessObject, rec_id: str, relationship: Relationship) -> Reply:
        with self.store.transaction():
            _, source = self._find(obj, rec_id)
            rows = [self.rules.present(OBJECTS[s], r) for s, r in self._targets(relationship, source)]
        if not rows:
            return json_reply(200, {"value": NO_INSTANCES})
        return json_reply(200, {"@odata.context": self.context(request, relationship.target_sets[0]),
                                "@odata.count": len(rows), "value": rows})

    def link(self, request: Request, obj: BusinessObject, rec_id: str, relationship: Relationship,
             target_id: str, principal: Principal) -> Reply:
        self._allow(request.method, "PATCH", "PUT", "POST", "DELETE")
        unlink = request.method == "DELETE"
        with self.store.transaction():
            source_obj, source = self._find(obj, rec_id)
            target = next((OBJECTS[s].entity_set for s in relationship.target_sets
                           if self.store.get(s, target_id) is not None), None)
            if target is None:
                raise bad_request(INVALID_KEY)
            target_obj, target_record = self._find(OBJECTS[target], target_id)
            link_body = {f"{relationship.link}_RecID": None if unlink else source["RecId"],
                         f"{relationship.link}_Category": None if unlink else relationship.category}
            if relationship.kind == "child":
                if not unlink or target_record.get(f"{relationship.link}_RecID") == source["RecId"]:
                    self.rules.update(target_obj, target_record, link_body, principal.actor)
            elif relationship.kind == "reference":
                if unlink:
                    link_body = {f"{relationship.link}_RecID": None}
                else:
                    link_body[f"{relationship.link}_RecID"] = target_record["RecId"]
                self.rules.update(source_obj, source, link_body, principal.actor)
            elif unlink:
                self.store.unlink(relationship.name, source["RecId"], target_record["RecId"])
            else:
                self.store.link(relationship.name, source["RecId"], target_record["RecId"])
        done = "Successfully Deleted the link" if unlink else "Successfully Created the link"
        return json_reply(200, ism_body(200, done))

    # --- injected faults -------------------------------------------------------------------------------
    def fault_reply(self, fault: Fault, request: Request) -> Reply:
        headers = {"Retry-After": retry_after_header(fault.retry_after)} if fault.retry_after is not None else {}
        status = fault.status
        if status in (403, 429, 502, 503, 504):
            return Reply(status, gateway_page(status), "text/html", headers)
        if status >= 500:
            authorization = request.headers.get("Authorization") or ""
            session = authorization if "#" in authorization else f"{self.auth.tenant}#{secrets.token_hex(16).upper()}#2"
            detail = {"Message": "An error has occurred.", "ExceptionMessage": "Object reference not set to an "
                      "instance of an object.", "SessionId": session, "TenantId": self.auth.tenant,
                      "LoginId": "InternalServices", "ClientIpAddress": request.client_ip,
                      "Hostname": request.host.split(":")[0], "ServiceName": "HEAT.RestApi"}
            return json_reply(status, ism_body(status, json.dumps(detail)), headers=headers)
        messages = {400: "Invalid Request Payload", 401: "Invalid Session key or Authentication token or Host",
                    404: "No service for the resource is registered"}
        return json_reply(status, ism_body(status, messages.get(status, "")), headers=headers)
