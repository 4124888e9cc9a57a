"""Pages: requests for information (lists, threads, on the report), notifications and
their preferences, the unsubscribe link, the institute's desk, following an incident."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from incidents.accounts.authentication import require_user
from incidents.config import Settings
from incidents.db import utcnow
from incidents.exchange import notify, queries, services
from incidents.exchange.forms import AskForm, CloseForm, ReplyForm, preference_form
from incidents.exchange.models import Delivery, RequestState
from incidents.exchange.present import request_view, thread_view
from incidents.extensions import db_session
from incidents.forms import ConfirmForm
from incidents.pages import page_number
from incidents.paging import page_count
from incidents.refusals import Conflict, Forbidden, Invalid
from incidents.registry import access as registry_access
from incidents.registry.queries import triage_queue
from incidents.reports.access import submitted_report
from incidents.security.decorators import current_caller, current_principal, public, require
from incidents.security.permissions import Permission
from incidents.security.policy import has_permission

exchange = Blueprint("exchange", __name__)

PER_PAGE = 25
Page = Response | str | tuple[str, int]


def _settings() -> notify.NotifySettings:
    config: Settings = current_app.config["INCIDENTS_SETTINGS"]
    return notify.settings_from(config)


@exchange.app_context_processor
def unread_notifications() -> dict[str, Any]:
    """The header's unread count (computed only when a page asks for it)."""

    def unread() -> int:
        principal = current_principal()
        return notify.unread_count(db_session(), principal.id) if principal else 0

    return {"unread_notifications": unread}


@exchange.app_template_global()
def open_requests() -> list[dict[str, Any]]:
    """The open requests on the caller's company's reports, earliest answer-by date first
    (for the reporters' dashboard)."""
    principal = current_principal()
    if principal is None or not has_permission(principal, Permission.REPORT_READ_OWN):
        return []
    rows, _ = services.requests_of(db_session(), principal, state=RequestState.OPEN, limit=50)
    views = [request_view(principal, row) for row in rows]
    return sorted(views, key=lambda row: (row["answer_by"] is None, row["answer_by"] or 0))


# --- requests for information ----------------------------------------------------------------


@exchange.route("/requests")
@require(Permission.ACCOUNT_READ)
def request_list() -> str:
    user = require_user()
    state = request.args.get("state") or None
    chosen = RequestState(state) if state in {s.value for s in RequestState} else None
    page = page_number(PER_PAGE)
    try:
        rows, total = services.requests_of(
            db_session(), user, state=chosen, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
        )
    except Forbidden:
        abort(403)
    return render_template(
        "exchange/requests.html",
        rows=[request_view(user, row) for row in rows],
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
        state=chosen.value if chosen else "",
        is_company=has_permission(user, Permission.REPORT_READ_OWN),
    )


@exchange.route("/reports/<key>/requests", methods=["GET", "POST"])
@require(Permission.ACCOUNT_READ)
def report_requests(key: str) -> Page:
    """The requests on one report the caller's side holds, and (for analysts) the form."""
    user = require_user()
    session = db_session()
    report = submitted_report(session, user, key)
    if not (
        has_permission(user, Permission.REPORT_READ_OWN)
        or has_permission(user, Permission.REPORT_READ_SHARED)
    ):
        abort(403)
    may_ask = services.may_ask(user, report)
    form = AskForm() if may_ask else None
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            try:
                asked = services.ask(
                    session,
                    current_caller(),
                    report,
                    subject=form.subject.data or "",
                    question=form.question.data or "",
                    answer_by=form.answer_by.data,
                )
            except Invalid as error:
                session.rollback()
                for name, messages in error.problems.items():
                    getattr(form, name).errors = [*getattr(form, name).errors, *messages]
            else:
                session.commit()
                flash(f"{asked.reference} sent to the filing organisation.", "success")
                return redirect(url_for("exchange.thread", request_ref=asked.reference))
    rows, _ = services.requests_of(session, user, report=report, limit=100)
    return render_template(
        "exchange/report_requests.html",
        report=report,
        rows=[request_view(user, row) for row in rows],
        form=form,
    )


@exchange.route("/requests/<request_ref>", methods=["GET", "POST"])
@require(Permission.ACCOUNT_READ)
def thread(request_ref: str) -> Page:
    user = require_user()
    session = db_session()
    found = services.request_for(session, user, request_ref)
    side = services.side_of(user, found)
    form = ReplyForm()
    if side != "company":
        del form.linked_report
    if request.method == "POST" and form.validate_on_submit():
        linked = form.linked_report.data if side == "company" else None
        try:
            services.reply(
                session, current_caller(), found, services.Reply(form.body.data or "", linked)
            )
        except Invalid as error:
            session.rollback()
            found = services.request_for(session, user, request_ref)
            for name, messages in error.problems.items():
                field = getattr(form, name, form.body)
                field.errors = [*field.errors, *messages]
        except Conflict as error:
            session.rollback()
            flash(str(error), "error")
            return redirect(url_for("exchange.thread", request_ref=request_ref))
        else:
            session.commit()
            flash("Your message is in the thread.", "success")
            return redirect(url_for("exchange.thread", request_ref=request_ref))
    return render_template(
        "exchange/thread.html",
        view=thread_view(user, found),
        found=found,
        side=side,
        form=form if found.state is not RequestState.CLOSED else None,
        close_form=CloseForm() if found.state is not RequestState.CLOSED else None,
    )


@exchange.route("/requests/<request_ref>/close", methods=["POST"])
@require(Permission.ACCOUNT_READ)
def close(request_ref: str) -> Response:
    user = require_user()
    session = db_session()
    found = services.request_for(session, user, request_ref)
    form = CloseForm()
    if not form.validate_on_submit():
        flash("The request could not be closed; try again.", "error")
    else:
        try:
            services.close(session, current_caller(), found, form.note.data or "")
        except Conflict as error:
            session.rollback()
            flash(str(error), "error")
        else:
            session.commit()
            flash(f"{found.reference} is closed.", "success")
    return redirect(url_for("exchange.thread", request_ref=request_ref))


# --- notifications ---------------------------------------------------------------------------


@exchange.route("/notifications", methods=["GET", "POST"])
@require(Permission.ACCOUNT_READ)
def notifications() -> Page:
    user = require_user()
    session = db_session()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        notify.mark_read(session, user.id)
        session.commit()
        return redirect(url_for("exchange.notifications"))
    page = page_number(PER_PAGE)
    total = notify.count_of(session, user.id)
    return render_template(
        "exchange/notifications.html",
        rows=notify.recent(session, user.id, limit=PER_PAGE, offset=(page - 1) * PER_PAGE),
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
        form=form,
    )


@exchange.route("/notifications/preferences", methods=["GET", "POST"])
@require(Permission.ACCOUNT_READ)
def preferences() -> Page:
    user = require_user()
    session = db_session()
    kinds = notify.kinds_for(user)
    current = notify.preferences_of(session, user.id)
    form = preference_form(kinds)(data={kind.value: current[kind].value for kind in kinds})
    if request.method == "POST":
        form = preference_form(kinds)()
        if form.validate_on_submit():
            for kind in kinds:
                notify.set_preference(session, user.id, kind, Delivery(form[kind.value].data))
            session.commit()
            flash("Your notification preferences are saved.", "success")
            return redirect(url_for("exchange.preferences"))
    return render_template("exchange/preferences.html", form=form)


@exchange.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str) -> Page:
    """From an e-mail, without signing in: stop e-mail of one kind (the token is signed)."""
    found = notify.read_unsubscribe_token(_settings().secret_key, token)
    if found is None:
        abort(404)
    user_id, kind = found
    session = db_session()
    form = ConfirmForm()
    done = False
    if request.method == "POST" and form.validate_on_submit():
        notify.set_preference(session, user_id, kind, Delivery.OFF)
        session.commit()
        done = True
    body = render_template(
        "exchange/unsubscribe.html", label=notify.KIND_LABELS[kind], form=form, done=done
    )
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the desk and following incidents --------------------------------------------------------


@exchange.route("/desk")
@require(Permission.INCIDENT_READ)
def desk() -> str:
    user = require_user()
    session = db_session()
    now = utcnow()
    since = queries.last_visit(session, user.id)
    new, new_total = queries.new_reports(session, user, since)
    open_rows, open_total = services.requests_of(session, user, limit=50)
    candidates, waiting = triage_queue(session, user, per_page=10)
    late, late_counts = queries.overdue_followups(session, user, now)
    flow = queries.week_flow(session, user, now.date())
    page = render_template(
        "exchange/desk.html",
        since=since,
        new=new,
        new_total=new_total,
        requests=[request_view(user, row) for row in open_rows if row.state.value != "closed"],
        request_total=open_total,
        candidates=candidates,
        waiting=waiting,
        followed=queries.followed(session, user.id),
        late=late,
        late_counts=sorted(late_counts.items()),
        flow=flow,
        flow_max=max([count for _, count in flow] + [1]),
    )
    queries.mark_visit(session, user.id, now)
    session.commit()
    return page


@exchange.route("/incidents/<incident>/follow", methods=["POST"])
@require(Permission.INCIDENT_READ)
def follow(incident: str) -> Response:
    user = require_user()
    session = db_session()
    found = registry_access.visible_incident(session, user, incident).incident
    form = ConfirmForm()
    if form.validate_on_submit():
        following = queries.toggle_follow(session, user, found)
        session.commit()
        flash(
            f"You follow {found.reference}."
            if following
            else f"You no longer follow {found.reference}.",
            "success",
        )
    return redirect(url_for("registry.incident", incident=found.reference))
