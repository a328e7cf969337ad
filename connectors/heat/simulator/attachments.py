"""`/api/rest/Attachment` (§2.4): multipart upload, download by `?ID=`, delete.

The quirks kept: an upload answers a JSON *list* per file; a refused file type answers **300**
`[{"IsUploaded": false, "Message": "Upload Failed, Invalid attachment type."}]`; `ObjectID` is not
checked and `ParentLink` stays null until a PATCH of `attachments('{RecId}')` sets it; DELETE answers
204 even for an id that does not exist. The bytes live in the record's private metadata (base64).
"""

from __future__ import annotations

import base64
from email import policy
from email.parser import BytesParser
from pathlib import PurePath

from connectors.heat.simulator.errors import INVALID_PAYLOAD, bad_request, not_found
from connectors.heat.simulator.messages import Reply, Request, json_reply
from connectors.heat.simulator.objects import ATTACHMENT
from connectors.heat.simulator.rules import Actor, Rules
from connectors.heat.simulator.store import Store

REFUSED_EXTENSIONS = frozenset({".bat", ".cmd", ".com", ".dll", ".exe", ".js", ".msi", ".ps1", ".scr", ".vbs"})
REFUSED = "Upload Failed, Invalid attachment type."


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], list[tuple[str, bytes]]]:
    """(form fields, [(file name, bytes)]) of a multipart/form-data body."""
    if "multipart/form-data" not in content_type.lower():
        raise bad_request(INVALID_PAYLOAD)
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body)
    fields: dict[str, str] = {}
    files: list[tuple[str, bytes]] = []
    for part in message.iter_parts():
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename:
            files.append((PurePath(filename.replace("\\", "/")).name, data))
        else:
            fields[part.get_param("name", header="content-disposition") or ""] = data.decode("utf-8", "replace")
    return fields, files


class Attachments:
    def __init__(self, store: Store, rules: Rules):
        self.store, self.rules = store, rules

    def handle(self, request: Request, actor: Actor) -> Reply:
        if request.method == "POST":
            return self.upload(request, actor)
        rec_id = request.query.get("ID") or request.query.get("id") or ""
        if request.method == "DELETE":
            with self.store.transaction():
                if self.store.get(ATTACHMENT.entity_set, rec_id):
                    self.store.delete(ATTACHMENT.entity_set, rec_id.upper())
            return Reply(204)
        with self.store.transaction():
            found = self.store.get(ATTACHMENT.entity_set, rec_id)
            if found is None:
                raise not_found("Attachment not found")
            record = found[1]
            content = base64.b64decode(self.store.meta[record["RecId"]].get("content", ""))
        disposition = f'attachment; filename="{record["ATTACHNAME"]}"'
        return Reply(200, content, "application/octet-stream", {"Content-Disposition": disposition})

    def upload(self, request: Request, actor: Actor) -> Reply:
        fields, files = parse_multipart(request.headers.get("Content-Type") or "", request.body)
        if not files:
            raise bad_request(INVALID_PAYLOAD)
        results, refused = [], False
        with self.store.transaction():
            for name, data in files:
                if PurePath(name).suffix.lower() in REFUSED_EXTENSIONS:
                    results.append({"IsUploaded": False, "Message": REFUSED})
                    refused = True
                    continue
                record = self.rules.insert(ATTACHMENT, {"ATTACHNAME": name}, actor)
                record["FileSize"] = len(data)
                self.store.meta[record["RecId"]]["content"] = base64.b64encode(data).decode()
                self.store.meta[record["RecId"]]["object"] = [fields.get("ObjectID"), fields.get("ObjectType")]
                results.append({"FileName": name, "IsUploaded": True, "Message": record["RecId"]})
        return json_reply(300 if refused else 200, results)
