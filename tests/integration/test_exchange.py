"""Requests for information and notifications through the services, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.db import utcnow
from incidents.exchange import events, notify, services
from incidents.exchange.models import (
    Delivery,
    InformationRequest,
    Notification,
    NotificationKind,
    RequestState,
)
from incidents.exchange.reminders import run
from incidents.mail.models import OutgoingMail
from incidents.outbox.models import OutboxEntry
from incidents.refusals import Conflict, Invalid, NotFound
from incidents.reports.content import ReportContent
from incidents.reports.models import Report, ReportDeadline, ReportStage
from incidents.reports.services import file_follow_up, file_report
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests import factories
from tests.conftest import MakeUser
from tests.reports_data import INITIAL

CANARY = "CANARY-7f3e-never-in-mail"
SETTINGS = notify.NotifySettings(base_url="https://exchange.example", secret_key="k" * 40)


@pytest.fixture
def red_report(db: Session, make_user: MakeUser, institute: Organization) -> Report:
    reporter = make_user(Role.REPORTER, name="Rita Reporter")
    content = ReportContent(
        title=f"Red report {CANARY}",
        description=f"Confidential {CANARY}",
        tlp="red",
        recipients=(institute.name,),
        withhold_identity=True,
        classification=INITIAL,
    )
    report = file_report(db, Caller(reporter, "web"), content)
    db.flush()
    return report


def _drain_notify(db: Session) -> None:
    handle = events.handler(SETTINGS)
    while True:
        entries = list(
            db.scalars(
                sa.select(OutboxEntry).where(
                    OutboxEntry.consumer == notify.CONSUMER, OutboxEntry.done_at.is_(None)
                )
            )
        )
        if not entries:
            return
        for entry in entries:
            handle(db, entry)
            entry.done_at = utcnow()
        db.flush()


def test_thread_is_readable_by_exactly_its_two_sides(
    db: Session, make_user: MakeUser, institute: Organization, company: Organization
) -> None:
    other = factories.InstituteFactory(name="Safety Institute Two")
    reporter = make_user(Role.REPORTER)
    content = ReportContent(
        title="Amber", description="x", tlp="amber", withhold_identity=True, classification=INITIAL
    )
    report = file_report(db, Caller(reporter, "web"), content)
    asker = make_user(Role.ANALYST)
    colleague = make_user(Role.EDITOR)
    stranger = make_user(Role.ANALYST, organization=other)
    request = services.ask(
        db, Caller(asker, "web"), report, subject="When?", question="Which model?", answer_by=None
    )
    assert request.reference.startswith("RFI-")
    for reader in (reporter, asker, colleague, make_user(Role.ORG_ADMIN)):
        assert services.request_for(db, reader, request.reference) is request
    # Another institute reads the AMBER report, but never the thread.
    assert services.may_ask(stranger, report)
    for outsider in (
        stranger,
        make_user(Role.ADMIN),
        make_user(Role.REPORTER, factories.OrganizationFactory()),
    ):
        with pytest.raises(NotFound):
            services.request_for(db, outsider, request.reference)
    assert services.requests_of(db, stranger)[1] == 0
    # Withheld identity: the institute sees "the reporter"; the company sees names.
    answer = services.reply(db, Caller(reporter, "web"), request, services.Reply("GPT-x"))
    assert services.author_label(asker, request, answer) == "the reporter"
    assert services.organization_label(asker, request) == "the reporter"
    assert company.name in services.author_label(reporter, request, answer)
    assert request.state is RequestState.ANSWERED


def test_states_overdue_linked_answer_and_append_only(
    db: Session, make_user: MakeUser, red_report: Report
) -> None:
    analyst = make_user(Role.ANALYST)
    reporter = make_user(Role.REPORTER)
    today = utcnow().date()
    with pytest.raises(Invalid):
        services.ask(
            db, Caller(analyst, "web"), red_report, subject="", question="", answer_by=None
        )
    with pytest.raises(NotFound):  # nobody asks about their own report
        services.ask(
            db, Caller(reporter, "web"), red_report, subject="s", question="q", answer_by=None
        )
    request = services.ask(
        db, Caller(analyst, "web"), red_report, subject="s", question="q", answer_by=today
    )
    request.answer_by = today - timedelta(days=1)  # time passes
    assert request.is_overdue(today)
    follow_up = file_follow_up(
        db, Caller(reporter, "web"), red_report, _final_content(red_report), stage=ReportStage.FINAL
    )
    services.reply(
        db,
        Caller(reporter, "web"),
        request,
        services.Reply("See the final report.", follow_up.reference),
    )
    assert request.messages[-1].linked_report is follow_up
    assert not request.is_overdue(today)
    other = file_report(
        db,
        Caller(reporter, "web"),
        ReportContent(title="o", description="o", tlp="green", classification=INITIAL),
    )
    with pytest.raises(Invalid):
        services.reply(db, Caller(reporter, "web"), request, services.Reply("x", other.reference))
    services.reply(db, Caller(analyst, "web"), request, services.Reply("And when?"))
    assert request.state is RequestState.OPEN
    services.close(db, Caller(analyst, "web"), request, "Thanks.")
    with pytest.raises(Conflict):
        services.reply(db, Caller(reporter, "web"), request, services.Reply("late"))
    kinds = [m.kind.value for m in request.messages]
    assert kinds == ["question", "answer", "question", "close"]


def _final_content(report: Report) -> ReportContent:
    from tests.reports_data import FINAL_ADDITIONS

    return ReportContent(
        title=report.title,
        description="Final.",
        tlp=report.tlp.value,
        recipients=tuple(o.name for o in report.recipients),
        withhold_identity=report.withhold_identity,
        classification={**INITIAL, **FINAL_ADDITIONS},
    )


def test_red_report_notifies_its_institute_at_once_and_mail_holds_no_canary(
    db: Session, make_user: MakeUser, red_report: Report
) -> None:
    analyst = make_user(Role.ANALYST)
    notify.set_preference(db, analyst.id, NotificationKind.REPORT_ADDRESSED, Delivery.OFF)
    reporter = make_user(Role.REPORTER)
    # A second report so the consumer sees a submission after the users exist.
    events.report_submitted(db, red_report.id)
    _drain_notify(db)
    told = db.scalars(sa.select(Notification).where(Notification.user_id == analyst.id)).all()
    assert [n.kind for n in told] == [NotificationKind.REPORT_ADDRESSED]
    assert told[0].delivery is Delivery.IMMEDIATE  # RED: always, whatever the preference
    request = services.ask(
        db, Caller(analyst, "web"), red_report, subject="s", question=CANARY, answer_by=None
    )
    services.reply(db, Caller(reporter, "web"), request, services.Reply(f"answer {CANARY}"))
    _drain_notify(db)
    mails = db.scalars(sa.select(OutgoingMail)).all()
    recipients = {m.recipient for m in mails}
    assert analyst.email in recipients
    assert reporter.email in recipients
    for mail in mails:
        assert CANARY not in mail.subject
        assert CANARY not in mail.body
        assert "Rita" not in mail.body  # withheld identity holds in e-mail
        assert "/notifications/unsubscribe/" in mail.body
    # Telling the same thing again changes nothing.
    before = db.scalar(sa.select(sa.func.count()).select_from(Notification))
    events.report_submitted(db, red_report.id)
    assert db.scalar(sa.select(sa.func.count()).select_from(Notification)) == before


def test_notify_run_reminds_once_and_sends_one_digest_a_day(
    db: Session, make_user: MakeUser, red_report: Report
) -> None:
    reporter = make_user(Role.REPORTER)
    analyst = make_user(Role.ANALYST)
    request = services.ask(
        db, Caller(analyst, "web"), red_report, subject="s", question="q", answer_by=utcnow().date()
    )
    notify.set_preference(db, reporter.id, NotificationKind.DEADLINE_DUE, Delivery.DIGEST)
    red_report.deadlines.append(
        ReportDeadline(
            regime="eu_ai_act_art73",
            regime_label="EU AI Act Art. 73",
            rule="final_report",
            obligation="final",
            citation="Art. 73",
            due_at=utcnow() + timedelta(days=30),
            binding=True,
        )
    )
    db.flush()
    later = utcnow() + timedelta(days=400)  # every deadline and the answer-by date passed
    first = run(db, SETTINGS, later)
    assert first.created["request_due"] >= 1
    assert first.created["deadline_due"] >= 1
    assert first.digests >= 1
    keys = set(db.scalars(sa.select(Notification.key).where(Notification.user_id == reporter.id)))
    assert f"request-due:{request.id}:passed" in keys
    mails = db.scalar(sa.select(sa.func.count()).select_from(OutgoingMail))
    second = run(db, SETTINGS, later)
    assert second.total_created == 0
    assert second.mailed == 0
    assert second.digests == 0
    assert db.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == mails
    for mail in db.scalars(sa.select(OutgoingMail)):
        assert CANARY not in mail.body + mail.subject


def test_unsubscribe_token_and_saved_search_seam(db: Session, make_user: MakeUser) -> None:
    analyst: User = make_user(Role.ANALYST)
    token = notify.unsubscribe_token(SETTINGS.secret_key, analyst.id, NotificationKind.SAVED_SEARCH)
    assert notify.read_unsubscribe_token(SETTINGS.secret_key, token) == (
        analyst.id,
        NotificationKind.SAVED_SEARCH,
    )
    assert notify.read_unsubscribe_token(SETTINGS.secret_key, token + "x") is None
    assert notify.read_unsubscribe_token("o" * 40, token) is None
    first = notify.notify_saved_search_match(db, analyst, "RED in health", 3, "/search?q=x")
    assert first is not None
    assert first.delivery is Delivery.DIGEST
    assert notify.notify_saved_search_match(db, analyst, "RED in health", 3, "/search?q=x") is None
    assert notify.unread_count(db, analyst.id) == 1
    notify.mark_read(db, analyst.id)
    assert notify.unread_count(db, analyst.id) == 0


def test_request_list_per_side(db: Session, make_user: MakeUser, red_report: Report) -> None:
    analyst = make_user(Role.ANALYST)
    services.ask(db, Caller(analyst, "web"), red_report, subject="s", question="q", answer_by=None)
    rows, total = services.requests_of(db, make_user(Role.REPORTER))
    assert total == 1
    assert isinstance(rows[0], InformationRequest)
    assert services.requests_of(db, analyst)[1] == 1


def test_followers_and_contributors_are_told_of_a_publication_without_its_content(
    db: Session, make_user: MakeUser, red_report: Report
) -> None:
    from incidents.dedup import Thresholds
    from incidents.exchange.queries import toggle_follow
    from incidents.placement.services import drain
    from incidents.public import services as publications
    from incidents.registry.queries import primary_incident

    reporter = make_user(Role.REPORTER)
    analyst = make_user(Role.ANALYST)
    db.commit()
    drain(db, Thresholds())
    incident = primary_incident(db, red_report)
    assert incident is not None
    assert toggle_follow(db, analyst, incident)
    draft = publications.save_draft(
        db,
        Caller(make_user(Role.ANALYST), "web"),
        incident,
        title="Public title",
        summary="What the public may read.",
        classification={},
        month="2026-01",
        countries=["DE"],
    )
    publications.approve(
        db, Caller(make_user(Role.EDITOR), "web"), incident, version=draft.lock_version
    )
    _drain_notify(db)
    kinds = {
        (n.user_id, n.kind)
        for n in db.scalars(sa.select(Notification).where(Notification.reference != ""))
    }
    assert (analyst.id, NotificationKind.INCIDENT_FOLLOWED) in kinds
    assert (reporter.id, NotificationKind.REPORT_PUBLISHED) in kinds
    run(db, SETTINGS, utcnow())  # the digests of both
    mails = db.scalars(sa.select(OutgoingMail)).all()
    assert {reporter.email, analyst.email} <= {m.recipient for m in mails}
    for mail in mails:
        assert CANARY not in mail.subject + mail.body
