"""SMTP sending against a real server on loopback (aiosmtpd): plain, STARTTLS with login, refusals."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from config.errors import AuthenticationError, ConfigurationError, RecordError, RetriableError
from config.settings import SmtpSettings
from jobs import mail
from tests.jobs.smtp import SmtpSink, free_port, smtp_sink  # noqa: F401 - fixture

NOW = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)
PASSWORD = "s3cret-smtp-pass"


def _mail(to: str = "dan@northern.example.co.uk") -> mail.Mail:
    return mail.Mail(to=to, subject="Everything received?", body="Dear Dan,\n\nAll well?\n", key="OP1:email")


def test_plain_smtp_delivers_with_a_message_id_from_the_key(smtp_sink: SmtpSink) -> None:
    smtp = SmtpSettings(host="127.0.0.1", port=smtp_sink.port, sender="sales@example.co.uk")
    mail.send(mail.build(_mail(), smtp, NOW), smtp)
    (envelope,) = smtp_sink.messages
    message = message_from_bytes(envelope.content)
    assert envelope.mail_from == "sales@example.co.uk" and envelope.rcpt_tos == ["dan@northern.example.co.uk"]
    assert message["Message-ID"] == mail.message_id("OP1:email", "sales@example.co.uk")
    assert message["Message-ID"].endswith("@example.co.uk>") and "All well?" in message.get_payload()


def test_message_id_is_stable_per_key() -> None:
    assert mail.message_id("OP1:email", "a@x.com") == mail.message_id("OP1:email", "a@x.com")
    assert mail.message_id("OP1:email", "a@x.com") != mail.message_id("OP2:email", "a@x.com")


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(NOW - dt.timedelta(days=1))
            .not_valid_after(dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture
def tls_server(tls_files: tuple[Path, Path]) -> Iterator[SmtpSink]:
    cert_file, key_file = tls_files
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, key_file)
    sink = SmtpSink(port=free_port())

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        sink.logins.append((data.login.decode(), mechanism))
        ok = data.login == b"salesadmin" and data.password == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)

    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, tls_context=server_context,
                            require_starttls=True, authenticator=authenticate, auth_require_tls=True)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def _tls_settings(sink: SmtpSink, password: str = PASSWORD) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=sink.port, starttls=True, username="salesadmin",
                        password=SecretStr(password), sender="sales@example.co.uk")


def test_starttls_and_login(tls_server: SmtpSink, tls_files: tuple[Path, Path]) -> None:
    smtp = _tls_settings(tls_server)
    mail.send(mail.build(_mail(), smtp, NOW), smtp, ssl_context=ssl.create_default_context(cafile=tls_files[0]))
    assert len(tls_server.messages) == 1 and tls_server.logins[0][0] == "salesadmin"


def test_a_refused_login_is_an_authentication_error_without_the_password(
        tls_server: SmtpSink, tls_files: tuple[Path, Path]) -> None:
    smtp = _tls_settings(tls_server, password="wrong-password-xyz")
    with pytest.raises(AuthenticationError) as caught:
        mail.send(mail.build(_mail(), smtp, NOW), smtp, ssl_context=ssl.create_default_context(cafile=tls_files[0]))
    assert "wrong-password-xyz" not in str(caught.value) and tls_server.messages == []


def test_an_untrusted_certificate_is_refused(tls_server: SmtpSink) -> None:
    smtp = _tls_settings(tls_server)
    with pytest.raises(RetriableError):
        mail.send(mail.build(_mail(), smtp, NOW), smtp)
    assert tls_server.messages == []


@pytest.mark.parametrize(("reply", "error"), [
    ("550 5.1.1 no such mailbox", RecordError),
    ("450 4.2.1 mailbox busy, try later", RetriableError),
])
def test_a_refused_recipient(smtp_sink: SmtpSink, reply: str, error: type[Exception]) -> None:
    smtp_sink.refuse = {"gone@example.com": reply}
    smtp = SmtpSettings(host="127.0.0.1", port=smtp_sink.port)
    with pytest.raises(error) as caught:
        mail.send(mail.build(_mail("gone@example.com"), smtp, NOW), smtp)
    assert caught.value.field == "E-mail Address"


def test_no_server_listening_is_retriable() -> None:
    smtp = SmtpSettings(host="127.0.0.1", port=free_port(), timeout_seconds=5)
    with pytest.raises(RetriableError):
        mail.send(mail.build(_mail(), smtp, NOW), smtp)


def test_no_host_configured_names_the_setting() -> None:
    with pytest.raises(ConfigurationError) as caught:
        mail.send(mail.build(_mail(), SmtpSettings(), NOW), SmtpSettings())
    assert caught.value.setting == "GOLDHEAT_SMTP__HOST"


def test_template_default_site_override_and_missing(tmp_path: Path) -> None:
    assert mail.template_path("shipped_email.txt") == mail.TEMPLATES_DIR / "shipped_email.txt"
    (tmp_path / "shipped_email.txt").write_text("Hi {distributor}")
    assert mail.template_path("shipped_email.txt", tmp_path) == tmp_path / "shipped_email.txt"
    with pytest.raises(ConfigurationError):
        mail.template_path("nope.txt", tmp_path)


def test_render_names_an_unknown_placeholder() -> None:
    assert mail.render("Order {po}", {"po": "PO-1"}) == "Order PO-1"
    with pytest.raises(ConfigurationError) as caught:
        mail.render("Order {pO}", {"po": "PO-1"}, name="shipped_email.txt")
    assert "pO" in caught.value.message and "shipped_email.txt" in caught.value.message


def test_the_default_template_renders_with_the_jobs_fields() -> None:
    fields = {"distributor": "Northern", "po": "PO-1", "company": "Acme", "ship_date": "2 November 2026",
              "sm_name": "Bina Patel", "sender_company": "Example Instruments Ltd", "order": "PO-1", "contact": "Dan"}
    body = mail.render(mail.template_path("shipped_email.txt").read_text(), fields)
    assert "Northern" in body and "PO-1" in body and "Bina Patel" in body
