"""The console's pages: sign-in, orders (recent and found), one order's preview and results.

An order is named by its OPID in a query parameter (`/order?ref=...`), since OPIDs may hold any
character. Every change is a POST that redirects back to the order page (so a reload never
repeats it) and leaves a short note of what the run did in the session for that page to show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, send_from_directory,
                   session, url_for)

from config.errors import GoldheatError
from config.settings import Settings
from jobs.web import audit
from jobs.web.auth import LETTER, PASSWORD, SYNC, VIEW, Authenticator, current_staff, requires
from jobs.web.guard import InFlight
from jobs.web.service import STEPS, OrderNotFound, OrderService, SyncOutcome

console = Blueprint("console", __name__)
MAX_REF = 80


def _service() -> OrderService:
    return current_app.extensions["goldheat.service"]


def _ref(source: Any) -> str:
    ref = (source.get("ref") or "").strip()
    if not ref or len(ref) > MAX_REF:
        abort(redirect(url_for("console.orders", missing=1)))
    return ref


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return url_for("console.orders")


@console.get("/healthz")
def healthz() -> Any:
    """For the container's health check: the app answers (it reaches nothing else)."""
    return {"status": "ok"}


@console.get("/login")
def login() -> Any:
    if current_staff() is not None:
        return redirect(url_for("console.orders"))
    return render_template("login.html", next=request.args.get("next", ""))


@console.post("/login")
def login_post() -> Any:
    auth: Authenticator = current_app.extensions["goldheat.auth"]
    name = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    address = request.remote_addr or ""
    if auth.limiter.blocked(name, address):
        minutes = max(1, round(auth.limiter.window / 60))
        return render_template("login.html", next=request.form.get("next", ""), username=name,
                               error=f"Too many failed sign-ins for this user. Wait {minutes} minutes and try "
                                     "again, or ask an administrator."), 429
    staff = auth.verify(name, password) if name and password else None
    if staff is None:
        auth.limiter.failed(name, address)
        return render_template("login.html", next=request.form.get("next", ""), username=name,
                               error="Wrong user name or password."), 401
    auth.limiter.succeeded(name, address)
    session.clear()
    session.permanent = True
    session["user"] = staff.name
    return redirect(_safe_next(request.form.get("next")))


@console.post("/logout")
def logout() -> Any:
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("console.login"))


@console.get("/")
@requires(VIEW)
def orders() -> Any:
    query = request.args.get("q", "").strip()[:MAX_REF]
    hits, message = None, None
    if query:
        try:
            hits = _service().find(query)
        except OrderNotFound as exc:
            message = str(exc)
        else:
            if len(hits) == 1:
                return redirect(url_for("console.order", ref=hits[0].opid))
    elif request.args.get("missing"):
        message = "Name an order: its PO number, company or OPID."
    return render_template("orders.html", query=query, hits=hits, message=message, recent=_service().recent())


@console.get("/order")
@requires(VIEW)
def order() -> Any:
    ref = _ref(request.args)
    service = _service()
    try:
        view = service.preview(ref)
    except OrderNotFound as exc:
        return render_template("orders.html", query=ref, hits=None, message=str(exc), recent=service.recent()), 404
    except GoldheatError as exc:
        return render_template("error.html", title="GoldMine or HEAT did not answer",
                               message=f"The preview could not be made: {exc.message}. Nothing was changed; "
                                       "try again in a minute."), 503
    last = session.pop("last_run", None)
    last = last if last and last.get("opid") == view.opid else None
    staff = current_staff()
    assert staff is not None
    inflight: InFlight = current_app.extensions["goldheat.inflight"]
    return render_template(
        "order.html", order=view, last=last, steps=STEPS, busy=inflight.busy(view.opid),
        reminders=service.upcoming_reminders(view.opid),
        password=service.password_source(view.opid) if staff.may(PASSWORD) else None,
        letter=service.letter_path(view.opid) is not None and staff.may(LETTER))


def _remember(outcome: SyncOutcome, action: str) -> None:
    session["last_run"] = {"opid": outcome.opid, "action": action, "performed": outcome.performed,
                           "busy": outcome.busy, "ok": outcome.ok}
    if outcome.busy:
        flash("Another run is onboarding this order right now; nothing more was done. Reload in a moment.",
              "warning")
    elif outcome.error:
        flash(f"{action} stopped: {outcome.error}", "error")
    elif not outcome.ok:
        failed = next(s for s in outcome.steps if s.state == "failed")
        flash(f"{action}: step {failed.step} failed: {failed.error}. Fix the cause, then retry it.", "error")
    elif outcome.performed:
        flash(f"{action} done: {', '.join(outcome.performed)}.", "success")
    else:
        flash(f"{action}: nothing to do, every step was already done.", "info")


def _run(action: str, work: Any) -> Any:
    ref = _ref(request.form)
    inflight: InFlight = current_app.extensions["goldheat.inflight"]
    with inflight.hold(ref) as mine:
        if not mine:
            flash("This order is being synced right now (a second click?); its result will show when it "
                  "finishes. Nothing was started twice.", "warning")
            return redirect(url_for("console.order", ref=ref))
        try:
            _remember(work(ref), action)
        except OrderNotFound as exc:
            flash(str(exc), "error")
            return redirect(url_for("console.orders"))
        except GoldheatError as exc:
            flash(f"{action} could not run: {exc.message}. Nothing was changed; try again later.", "error")
    return redirect(url_for("console.order", ref=ref))


@console.post("/order/sync")
@requires(SYNC)
def sync() -> Any:
    return _run("Sync", _service().sync)


@console.post("/order/retry")
@requires(SYNC)
def retry() -> Any:
    step = request.form.get("step", "").strip() or None
    if step is not None and step not in STEPS:
        flash(f"Unknown step {step!r}; steps are: {', '.join(STEPS)}.", "error")
        return redirect(url_for("console.order", ref=_ref(request.form)))
    return _run("Retry" + (f" of {step}" if step else ""), lambda ref: _service().retry(ref, step))


@console.get("/order/letter")
@requires(LETTER)
def letter() -> Any:
    ref = _ref(request.args)
    try:
        path = _service().letter_path(ref)
    except OrderNotFound:
        abort(404)
    settings: Settings = current_app.extensions["goldheat.settings"]
    folder = Path(settings.letters.output_dir).resolve()
    target = path.resolve() if path is not None else None
    if target is None or target.parent != folder or target.suffix.lower() != ".pdf" or not target.is_file():
        abort(404)
    staff = current_staff()
    assert staff is not None
    audit.record(audit.LETTER_OPENED, user=staff.name, role=staff.role.value, order=ref,
                 address=request.remote_addr, file=target.name)
    return send_from_directory(folder, target.name, mimetype="application/pdf", as_attachment=False)


@console.post("/order/password")
@requires(PASSWORD)
def password() -> Any:
    ref = _ref(request.form)
    try:
        revealed = _service().reveal_password(ref)
    except GoldheatError as exc:
        flash(f"The password cannot be shown: {exc.message}", "error")
        return redirect(url_for("console.order", ref=ref))
    if revealed is None:
        flash("goldheat no longer holds this password: it is in the HEAT ticket's journal note and the "
              "welcome letter.", "info")
        return redirect(url_for("console.order", ref=ref))
    staff = current_staff()
    assert staff is not None
    audit.record(audit.PASSWORD_VIEWED, user=staff.name, role=staff.role.value, order=ref,
                 address=request.remote_addr, login=revealed.login)
    return render_template("password.html", ref=ref, login=revealed.login,
                           password=revealed.password.get_secret_value())
