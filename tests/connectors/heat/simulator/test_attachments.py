"""`/api/rest/Attachment`: multipart upload, the 300 refusal, download, PATCH the parent, delete."""

from __future__ import annotations

from connectors.heat.simulator import Simulator
from tests.connectors.heat.simulator.client import Raw

URL = "/api/rest/Attachment"


def upload(api: Raw, name: str, data: bytes, object_id: str = "") -> object:
    return api.http.post(api.url(URL), data={"ObjectID": object_id, "ObjectType": "Incident#"},
                         files={"file": (name, data)}, timeout=10)


def test_upload_download_link_and_delete(api: Raw, heat_simulator: Simulator) -> None:
    incident = api.incident()
    response = upload(api, "letter.pdf", b"%PDF-1.4 hello", incident["RecId"])
    assert response.status_code == 200
    [result] = response.json()
    assert result["FileName"] == "letter.pdf" and result["IsUploaded"] is True
    rec_id = result["Message"]
    stored = api.get(f"attachments('{rec_id}')").json()
    assert stored["ParentLink_RecID"] is None and stored["FileSize"] == 14  # the parent is not set by the upload
    download = api.http.get(api.url(URL), params={"ID": rec_id}, timeout=10)
    assert download.status_code == 200 and download.content == b"%PDF-1.4 hello"
    patched = api.patch(f"attachments('{rec_id}')", {"ParentLink_RecID": incident["RecId"],
                                                     "ParentLink_Category": "Incident#"})
    assert patched.status_code == 200
    related = api.get(f"incidents('{incident['RecId']}')/IncidentContainsAttachment").json()["value"]
    assert [r["RecId"] for r in related] == [rec_id]
    assert api.http.delete(api.url(URL), params={"ID": rec_id}, timeout=10).status_code == 204
    assert api.http.delete(api.url(URL), params={"ID": "F" * 32}, timeout=10).status_code == 204
    assert heat_simulator.records("attachments") == []


def test_refused_type_is_300(api: Raw, heat_simulator: Simulator) -> None:
    response = upload(api, "setup.exe", b"MZ")
    assert response.status_code == 300
    assert response.json() == [{"IsUploaded": False, "Message": "Upload Failed, Invalid attachment type."}]
    assert heat_simulator.records("attachments") == []


def test_attachments_cannot_be_created_through_odata(api: Raw) -> None:
    assert api.post("attachments", {"ATTACHNAME": "a.txt"}).status_code == 400


def test_upload_needs_a_file(api: Raw) -> None:
    assert api.post(URL, {"ObjectID": "x"}).status_code == 400
