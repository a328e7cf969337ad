"""The console's pages over an in-memory order service: sign-in, roles, CSRF, results, secrets."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import structlog
from flask.testing import FlaskClient

from jobs.web.app import create_app
from tests.jobs.web.conftest import PASSWORDS, csrf, sign_in, web_settings
from tests.jobs.web.fake_service import FAKE_PASSWORD, FakeOrderService

OPID = "OP0000000000001"


def order_page(client: FlaskClient, opid: str = OPID) -> str:
    response = client.get("/order", query_string={"ref": opid})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def post(client: FlaskClient, path: str, **data: str):  # noqa: ANN201
    return client.post(path, data={"csrf_token": csrf(client, f"/order?ref={data.get('ref', OPID)}"), **data})


def test_pages_need_sign_in(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_refused_with_a_message(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "sam", "password": "nope", "csrf_token": csrf(client)})
    assert response.status_code == 401
    assert "Wrong user name or password" in response.get_data(as_text=True)


def test_unknown_user_is_refused_like_a_wrong_password(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "mallory", "password": "x" * 12, "csrf_token": csrf(client)})
    assert response.status_code == 401


def test_sign_in_sets_a_session_cookie_that_scripts_cannot_read(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "sam", "password": PASSWORDS["sam"],
                                           "csrf_token": csrf(client)})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "sam" in client.get("/").get_data(as_text=True)


def test_cookies_are_secure_behind_tls(tmp_path: Path, fake: FakeOrderService) -> None:
    client = create_app(web_settings(tmp_path, secure_cookies=True), fake).test_client()
    site = "https://console.example"
    page = client.get("/login", base_url=site).get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    data = {"username": "sam", "password": PASSWORDS["sam"], "csrf_token": token}
    assert client.post("/login", data=data, base_url=site).status_code == 400  # no Referer over HTTPS
    response = client.post("/login", data=data, base_url=site, headers={"Referer": site + "/login"})
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]


def test_repeated_failures_lock_the_user_out_for_a_while(client: FlaskClient) -> None:
    token = csrf(client)
    for _ in range(5):
        client.post("/login", data={"username": "sam", "password": "wrong", "csrf_token": token})
    response = client.post("/login", data={"username": "sam", "password": PASSWORDS["sam"], "csrf_token": token})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_sign_out_needs_the_form_token_and_ends_the_session(client: FlaskClient) -> None:
    sign_in(client, "sam")
    assert client.post("/logout").status_code == 400
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    assert client.get("/").status_code == 302


def test_sign_in_form_without_its_token_is_refused(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "sam", "password": PASSWORDS["sam"]})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_sync_without_the_csrf_token_is_refused_and_changes_nothing(client: FlaskClient,
                                                                     fake: FakeOrderService) -> None:
    sign_in(client, "sam")
    response = client.post("/order/sync", data={"ref": OPID})
    assert response.status_code == 400
    assert "Nothing was changed" in response.get_data(as_text=True)
    forged = client.post("/order/sync", data={"ref": OPID, "csrf_token": "forged"})
    assert forged.status_code == 400
    assert fake.effects == []


def test_unknown_po_gets_a_clear_message(client: FlaskClient) -> None:
    sign_in(client, "vic")
    page = client.get("/", query_string={"q": "PO-9999"}).get_data(as_text=True)
    assert "No order has the PO number, OPID or company &#39;PO-9999&#39;" in page
    response = client.get("/order", query_string={"ref": "PO-9999"})
    assert response.status_code == 404 and "No order has" in response.get_data(as_text=True)


def test_a_search_with_one_hit_opens_the_order(client: FlaskClient) -> None:
    sign_in(client, "vic")
    response = client.get("/", query_string={"q": "PO-1001"})
    assert response.status_code == 302 and "ref=OP0000000000001" in response.headers["Location"]
    page = client.get("/", query_string={"q": "o"}).get_data(as_text=True)  # company part: both orders
    assert "Acme Optics Ltd" in page and "Borealis Labs" in page


def test_order_page_shows_the_preview_before_anything_changes(client: FlaskClient, fake: FakeOrderService) -> None:
    sign_in(client, "sam")
    page = order_page(client)
    assert "What “Sync now” would do" in page and "do customer" in page and 'id="sync-now"' in page
    assert "distributor_email" in page and "earlier" in page  # reminders and GoldMine history
    assert fake.effects == []


def test_sync_runs_each_step_once_and_shows_the_result(client: FlaskClient, fake: FakeOrderService) -> None:
    sign_in(client, "sam")
    response = post(client, "/order/sync", ref=OPID)
    assert response.status_code == 302
    page = order_page(client)
    assert "Sync done: customer, login, ticket, letter, history." in page
    assert page.count("this run") == 5
    post(client, "/order/sync", ref=OPID)
    assert "nothing to do" in order_page(client)
    assert fake.effects == [(OPID, s) for s in ("customer", "login", "ticket", "letter", "history")]


def test_a_double_click_runs_the_order_once(tmp_path: Path, fake: FakeOrderService) -> None:
    """Two POSTs at once: the second is refused by the in-flight guard while the first runs."""
    fake.sync_delay = 0.5
    app = create_app(web_settings(tmp_path), fake)
    first, second = app.test_client(), app.test_client()
    sign_in(first, "sam")
    sign_in(second, "sam")
    tokens = [csrf(c, f"/order?ref={OPID}") for c in (first, second)]
    thread = threading.Thread(target=lambda: first.post("/order/sync", data={"ref": OPID, "csrf_token": tokens[0]}))
    thread.start()
    assert fake.started.wait(5)
    second.post("/order/sync", data={"ref": OPID, "csrf_token": tokens[1]})
    thread.join(10)
    assert "being synced right now" in order_page(second)
    assert len(fake.effects) == 5 and len(set(fake.effects)) == 5


def test_a_failed_step_is_shown_first_and_can_be_retried(client: FlaskClient, fake: FakeOrderService) -> None:
    sign_in(client, "sam")
    post(client, "/order/sync", ref="OP0000000000002")
    page = order_page(client, "OP0000000000002")
    assert "step ticket failed" in page and 'id="retry-ticket"' in page
    recent = client.get("/").get_data(as_text=True)
    assert recent.index("Borealis Labs") < recent.index("Acme Optics Ltd")
    post(client, "/order/retry", ref="OP0000000000002", step="ticket")
    assert "Retry of ticket done: ticket, letter, history." in order_page(client, "OP0000000000002")
    assert [s for o, s in fake.effects if o == "OP0000000000002"] == ["customer", "login", "ticket", "letter",
                                                                      "history"]


def test_retry_of_an_unknown_step_is_refused(client: FlaskClient, fake: FakeOrderService) -> None:
    sign_in(client, "sam")
    post(client, "/order/retry", ref=OPID, step="everything")
    assert "Unknown step" in order_page(client)
    assert fake.effects == []


@pytest.mark.parametrize("name", ["vic", "sue"])
def test_only_sales_admins_may_sync(client: FlaskClient, fake: FakeOrderService, name: str) -> None:
    sign_in(client, name)
    assert 'id="sync-now"' not in order_page(client)
    assert post(client, "/order/sync", ref=OPID).status_code == 403
    assert post(client, "/order/retry", ref=OPID).status_code == 403
    assert fake.effects == []


def test_letter_opens_as_a_pdf_and_the_view_is_audited(client: FlaskClient, fake: FakeOrderService) -> None:
    sign_in(client, "sam")
    post(client, "/order/sync", ref=OPID)
    with structlog.testing.capture_logs() as logs:
        response = client.get("/order/letter", query_string={"ref": OPID})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert [(e["event"], e["user"], e["order"]) for e in logs] == [("letter opened", "sam", OPID)]


def test_viewers_cannot_open_letters(client: FlaskClient, fake: FakeOrderService) -> None:
    sign_in(client, "sam")
    post(client, "/order/sync", ref=OPID)
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    sign_in(client, "vic")
    assert "letter-link" not in order_page(client)
    assert client.get("/order/letter", query_string={"ref": OPID}).status_code == 403


@pytest.mark.parametrize("outside", ["../../../etc/passwd", "/etc/passwd", "letters/../../secret.pdf"])
def test_a_letter_outside_the_letters_folder_is_never_served(client: FlaskClient, fake: FakeOrderService,
                                                             tmp_path: Path, outside: str) -> None:
    (tmp_path / "secret.pdf").write_bytes(b"%PDF secret")
    fake.orders[OPID].letter = fake.letters_dir / outside
    sign_in(client, "sam")
    assert client.get("/order/letter", query_string={"ref": OPID}).status_code == 404
    fake.orders[OPID].letter = tmp_path / "secret.pdf"
    assert client.get("/order/letter", query_string={"ref": OPID}).status_code == 404


def test_a_path_as_the_order_reference_serves_nothing(client: FlaskClient) -> None:
    sign_in(client, "sam")
    for ref in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd"):
        assert client.get("/order/letter", query_string={"ref": ref}).status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_support_sees_the_password_once_logged_without_it(client: FlaskClient, fake: FakeOrderService) -> None:
    fake.orders[OPID].states.update(customer="done", login="done")
    fake.orders[OPID].sealed = True
    sign_in(client, "sue")
    assert FAKE_PASSWORD not in order_page(client)
    with structlog.testing.capture_logs() as logs:
        response = post(client, "/order/password", ref=OPID)
    assert FAKE_PASSWORD in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert [(e["event"], e["user"], e["role"], e["order"]) for e in logs] == [
        ("password viewed", "sue", "support", OPID)]
    assert "at" in logs[0] and FAKE_PASSWORD not in repr(logs)


def test_a_handed_over_password_is_shown_only_as_where_it_is(client: FlaskClient, fake: FakeOrderService) -> None:
    fake.orders[OPID].states.update(customer="done", login="done", ticket="done")
    sign_in(client, "sue")
    page = order_page(client)
    assert "journal note of HEAT ticket <strong class=\"mono\">10042</strong>" in page
    assert 'id="show-password"' not in page


@pytest.mark.parametrize("name", ["sam", "vic"])
def test_other_roles_never_see_the_password(client: FlaskClient, fake: FakeOrderService, name: str) -> None:
    fake.orders[OPID].states.update(customer="done", login="done")
    fake.orders[OPID].sealed = True
    sign_in(client, name)
    assert "show-password" not in order_page(client)
    with structlog.testing.capture_logs() as logs:
        response = post(client, "/order/password", ref=OPID)
    assert response.status_code == 403 and FAKE_PASSWORD not in response.get_data(as_text=True)
    assert logs == []


def test_sign_in_returns_only_to_a_local_page(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "sam", "password": PASSWORDS["sam"],
                                           "next": "//evil.example/", "csrf_token": csrf(client)})
    assert response.headers["Location"] == "/"


def test_pages_forbid_framing_and_caching(client: FlaskClient) -> None:
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path: Path, fake: FakeOrderService) -> None:
    first = create_app(web_settings(tmp_path), fake).config["SECRET_KEY"]
    again = create_app(web_settings(tmp_path), fake).config["SECRET_KEY"]
    key_file = tmp_path / "var" / "web-secret.key"
    assert first == again and len(first) >= 32
    assert key_file.stat().st_mode & 0o077 == 0


def test_the_health_check_answers_without_sign_in(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
