"""Notifications: what a user is told, in the app and by e-mail (no Flask).

Every notification has a ``key`` unique per user, so the same thing is never told twice,
whoever computes it and however often. Its text names references only (RPT-…, RFI-…, INC-…)
and its link points into the site: an e-mail leaves the system's access control, so it never
carries confidential content.

Delivery by e-mail follows the user's preference for the kind (immediately, in the daily
digest, or not at all); a report in RED or AMBER+STRICT addressed to an institute is always
mailed immediately. Immediate mail is written by the ``notify`` outbox consumer after the
change commits; :func:`run` (``flask notify run``) computes due reminders and digests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.config import Settings
from incidents.db import utcnow
from incidents.exchange.models import (
    Delivery,
    DigestSent,
    IncidentFollow,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from incidents.mail.services import Message, enqueue_many
from incidents.outbox.services import Event, publish
from incidents.security.permissions import Role

#: The outbox consumer that turns events into notifications and mails immediate ones.
CONSUMER = "notify"
SUBJECT_TYPE = "notification"

KIND_LABELS: dict[NotificationKind, str] = {
    NotificationKind.REPORT_ADDRESSED: "A report addressed to my institute",
    NotificationKind.TRIAGE_WAITING: "A triage candidate waiting longer than it should",
    NotificationKind.REQUEST_ANSWERED: "An answer to our request for information",
    NotificationKind.SAVED_SEARCH: "New matches of a saved search",
    NotificationKind.INCIDENT_FOLLOWED: "A change to an incident I follow",
    NotificationKind.REQUEST_RECEIVED: "A request for information on our report",
    NotificationKind.REQUEST_DUE: "A request's answer-by date approaching or passed",
    NotificationKind.DEADLINE_DUE: "A report deadline approaching or passed",
    NotificationKind.REPORT_PUBLISHED: "Our report contributed to a published incident",
}
INSTITUTE_KINDS = (
    NotificationKind.REPORT_ADDRESSED,
    NotificationKind.TRIAGE_WAITING,
    NotificationKind.REQUEST_ANSWERED,
    NotificationKind.SAVED_SEARCH,
    NotificationKind.INCIDENT_FOLLOWED,
)
COMPANY_KINDS = (
    NotificationKind.REQUEST_RECEIVED,
    NotificationKind.REQUEST_DUE,
    NotificationKind.DEADLINE_DUE,
    NotificationKind.REPORT_PUBLISHED,
)
#: Without a preference: what needs an answer comes at once, the rest in the digest.
DEFAULT_DELIVERY: dict[NotificationKind, Delivery] = {
    NotificationKind.REPORT_ADDRESSED: Delivery.IMMEDIATE,
    NotificationKind.TRIAGE_WAITING: Delivery.DIGEST,
    NotificationKind.REQUEST_ANSWERED: Delivery.IMMEDIATE,
    NotificationKind.SAVED_SEARCH: Delivery.DIGEST,
    NotificationKind.INCIDENT_FOLLOWED: Delivery.DIGEST,
    NotificationKind.REQUEST_RECEIVED: Delivery.IMMEDIATE,
    NotificationKind.REQUEST_DUE: Delivery.IMMEDIATE,
    NotificationKind.DEADLINE_DUE: Delivery.IMMEDIATE,
    NotificationKind.REPORT_PUBLISHED: Delivery.DIGEST,
}
COMPANY_ROLES = (Role.REPORTER, Role.ORG_ADMIN)
ANALYST_ROLES = (Role.ANALYST, Role.EDITOR)
SUBJECT_PREFIX = "[AI Incident Exchange] "
_UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@dataclass(frozen=True)
class NotifySettings:
    """What mailing and the reminders need from the configuration."""

    base_url: str
    secret_key: str
    soon_days: int = 2  # INCIDENTS_NOTIFY_SOON_DAYS: "approaching" means within this many days
    triage_wait_hours: int = 24  # INCIDENTS_NOTIFY_TRIAGE_HOURS


# --- preferences and the unsubscribe token -------------------------------------------------


def kinds_for(user: User) -> tuple[NotificationKind, ...]:
    """The kinds of notification a user of this organisation kind can receive."""
    return COMPANY_KINDS if user.role in COMPANY_ROLES and _is_company(user) else INSTITUTE_KINDS


def _is_company(user: User) -> bool:
    return user.organization.kind.value == "company"


def preferences_of(session: Session, user_id: int) -> dict[NotificationKind, Delivery]:
    """Every kind's delivery for ``user_id`` (its preference, else the default)."""
    rows = session.execute(
        sa.select(NotificationPreference.kind, NotificationPreference.delivery).where(
            NotificationPreference.user_id == user_id
        )
    )
    chosen = {row[0]: row[1] for row in rows}
    return {kind: chosen.get(kind, default) for kind, default in DEFAULT_DELIVERY.items()}


def set_preference(
    session: Session, user_id: int, kind: NotificationKind, delivery: Delivery
) -> None:
    """Record how ``user_id`` wants ``kind`` delivered by e-mail. Flushes."""
    found = session.get(NotificationPreference, (user_id, kind))
    if found is None:
        session.add(NotificationPreference(user_id=user_id, kind=kind, delivery=delivery))
    else:
        found.delivery = delivery
    session.flush()


def unsubscribe_token(secret_key: str, user_id: int, kind: NotificationKind) -> str:
    """A signed token that turns e-mail of ``kind`` off for ``user_id`` without signing in."""
    return str(URLSafeSerializer(secret_key, salt=_UNSUBSCRIBE_SALT).dumps([user_id, kind.value]))


def read_unsubscribe_token(secret_key: str, token: str) -> tuple[int, NotificationKind] | None:
    """The user id and kind of a token made by :func:`unsubscribe_token`; None if forged."""
    try:
        loaded = URLSafeSerializer(secret_key, salt=_UNSUBSCRIBE_SALT).loads(token)
        user_id, kind = loaded
        return int(user_id), NotificationKind(kind)
    except (BadSignature, ValueError, TypeError):
        return None


# --- telling ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One thing to tell one user: no confidential content, only references and a link."""

    user_id: int
    kind: NotificationKind
    key: str
    reference: str
    text: str
    link: str
    always_immediate: bool = False


def notify(
    session: Session, notices: Iterable[Notice], *, announce: bool = True
) -> list[Notification]:
    """Store the notices not told before (by user and key) and, with ``announce``, queue
    immediate ones for e-mail (the ``notify`` consumer mails them after commit; without it
    the caller mails them itself). Returns the new ones. Flushes."""
    created = _store(session, list(notices))
    if announce:
        immediate = [n.id for n in created if n.delivery is Delivery.IMMEDIATE]
        publish(session, Event.NOTIFICATION_CREATED, SUBJECT_TYPE, immediate)
    return created


def _store(session: Session, notices: Sequence[Notice]) -> list[Notification]:
    notices = list({(n.user_id, n.key): n for n in notices}.values())
    if not notices:
        return []
    known = _known_keys(session, {n.user_id for n in notices}, {n.key for n in notices})
    fresh = [n for n in notices if (n.user_id, n.key) not in known]
    deliveries = _deliveries(session, fresh)
    created = [
        Notification(
            user_id=n.user_id,
            kind=n.kind,
            key=n.key,
            reference=n.reference,
            text=n.text[:300],
            link=n.link,
            delivery=Delivery.IMMEDIATE if n.always_immediate else deliveries[(n.user_id, n.kind)],
        )
        for n in fresh
    ]
    session.add_all(created)
    session.flush()
    return created


def _known_keys(session: Session, users: set[int], keys: set[str]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    user_list, key_list = sorted(users), sorted(keys)
    for start in range(0, len(key_list), 500):
        chunk = key_list[start : start + 500]
        query = sa.select(Notification.user_id, Notification.key).where(Notification.key.in_(chunk))
        if len(user_list) <= 500:
            query = query.where(Notification.user_id.in_(user_list))
        found.update((row[0], row[1]) for row in session.execute(query))
    return found


def _deliveries(
    session: Session, notices: Sequence[Notice]
) -> dict[tuple[int, NotificationKind], Delivery]:
    users = sorted({n.user_id for n in notices})
    chosen: dict[tuple[int, NotificationKind], Delivery] = {}
    for start in range(0, len(users), 500):
        rows = session.execute(
            sa.select(
                NotificationPreference.user_id,
                NotificationPreference.kind,
                NotificationPreference.delivery,
            ).where(NotificationPreference.user_id.in_(users[start : start + 500]))
        )
        chosen.update({(row[0], row[1]): row[2] for row in rows})
    return {
        (n.user_id, n.kind): chosen.get((n.user_id, n.kind), DEFAULT_DELIVERY[n.kind])
        for n in notices
    }


def notify_saved_search_match(
    session: Session, user: User, saved_search_name: str, count: int, link: str
) -> Notification | None:
    """Tell ``user`` that the saved search ``saved_search_name`` has ``count`` new matches,
    linking to ``link`` (the search's results page). Once per search, day and count.

    The name is the user's own words for the search, shown only to them. Returns the new
    notification, or None when this was told already. Flushes.
    """
    today = utcnow().date().isoformat()
    name = " ".join(saved_search_name.split())[:80]
    notice = Notice(
        user_id=user.id,
        kind=NotificationKind.SAVED_SEARCH,
        key=f"saved-search:{name}:{today}:{count}",
        reference="search",
        text=f"{count} new match{'es' if count != 1 else ''} for your saved search “{name}”",
        link=link,
    )
    created = notify(session, [notice])
    return created[0] if created else None


# --- the people told -------------------------------------------------------------------------


def members(session: Session, organization_ids: Iterable[int], roles: Sequence[Role]) -> list[int]:
    """The active users of these organisations holding one of ``roles``."""
    ids = sorted(set(organization_ids))
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(User.id)
            .where(User.organization_id.in_(ids), User.role.in_(roles), User.is_active)
            .order_by(User.id)
        )
    )


def members_by_org(
    session: Session, organization_ids: Iterable[int], roles: Sequence[Role]
) -> dict[int, list[int]]:
    """The active users holding ``roles`` of each organisation (all at once)."""
    ids = sorted(set(organization_ids))
    found: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            sa.select(User.organization_id, User.id)
            .where(
                User.organization_id.in_(ids[start : start + 500]),
                User.role.in_(roles),
                User.is_active,
            )
            .order_by(User.id)
        )
        for organization_id, user_id in rows:
            found[organization_id].append(user_id)
    return found


def network_institutes(session: Session) -> list[int]:
    return list(
        session.scalars(
            sa.select(Organization.id).where(
                Organization.kind == "institute",
                Organization.is_network_member,
                Organization.is_active,
            )
        )
    )


def followers(session: Session, incident_ids: Iterable[int]) -> dict[int, list[int]]:
    """The users following each incident."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = session.execute(
        sa.select(IncidentFollow.incident_id, IncidentFollow.user_id)
        .join(User, User.id == IncidentFollow.user_id)
        .where(IncidentFollow.incident_id.in_(sorted(set(incident_ids))), User.is_active)
    )
    for incident_id, user_id in rows:
        found[incident_id].append(user_id)
    return found


# --- e-mail ----------------------------------------------------------------------------------


def mail_one(session: Session, settings: NotifySettings, notification_id: int) -> bool:
    """Mail one immediate notification unless it was mailed already; returns whether it
    was mailed now."""
    return mail_many(session, settings, [notification_id]) == 1


def mail_many(session: Session, settings: NotifySettings, ids: Sequence[int]) -> int:
    """Mail these notifications, each unless it was mailed already: it is claimed in the
    database first (``mailed_at`` set where still empty), so two workers never both send
    it. Returns how many were mailed now. Flushes."""
    mailed = 0
    for start in range(0, len(ids), 500):
        claimed = list(
            session.scalars(
                sa.update(Notification)
                .where(
                    Notification.id.in_(ids[start : start + 500]), Notification.mailed_at.is_(None)
                )
                .values(mailed_at=utcnow())
                .returning(Notification.id),
                execution_options={"synchronize_session": False},
            )
        )
        if not claimed:
            continue
        rows = session.execute(
            sa.select(Notification, User)
            .join(User, User.id == Notification.user_id)
            .where(Notification.id.in_(claimed), User.is_active)
            .order_by(Notification.id)
        ).all()
        messages = [
            Message(
                user.email,
                SUBJECT_PREFIX + _subject(notification),
                "\n".join(
                    [
                        f"{notification.text}.",
                        "",
                        "Sign in to read it: this message carries no confidential content.",
                        "",
                        _footer(settings, user.id, notification.kind),
                    ]
                ),
                notification.link,
            )
            for notification, user in rows
        ]
        enqueue_many(session, messages)
        mailed += len(messages)
    return mailed


def _subject(notification: Notification) -> str:
    return " ".join(notification.text.split())[: 200 - len(SUBJECT_PREFIX)]


def _footer(settings: NotifySettings, user_id: int, kind: NotificationKind) -> str:
    token = unsubscribe_token(settings.secret_key, user_id, kind)
    url = f"{settings.base_url.rstrip('/')}/notifications/unsubscribe/{token}"
    return (
        f"You receive this for “{KIND_LABELS[kind]}”. Stop these e-mails "
        f"(no sign-in needed): {url}\nChoose how you are told: "
        f"{settings.base_url.rstrip('/')}/notifications/preferences"
    )


@dataclass
class RunResult:
    """What one ``notify run`` did."""

    created: dict[str, int] = field(default_factory=dict)
    mailed: int = 0
    digests: int = 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def mail_waiting(session: Session, settings: NotifySettings) -> int:
    """Mail every immediate notification not mailed yet (those the consumer has not reached,
    or whose user's e-mail failed to queue). Returns how many."""
    waiting = list(
        session.scalars(
            sa.select(Notification.id)
            .where(Notification.delivery == Delivery.IMMEDIATE, Notification.mailed_at.is_(None))
            .order_by(Notification.id)
        )
    )
    return mail_many(session, settings, waiting)


def send_digests(session: Session, settings: NotifySettings, now: datetime) -> int:
    """One digest e-mail per user with digest notifications waiting, at most one a day.
    Returns how many digests were queued. Flushes."""
    today = now.date()
    waiting: dict[int, list[Notification]] = defaultdict(list)
    query = (
        sa.select(Notification)
        .where(Notification.delivery == Delivery.DIGEST, Notification.mailed_at.is_(None))
        .order_by(Notification.user_id, Notification.id)
    )
    for notification in session.scalars(query):
        waiting[notification.user_id].append(notification)
    sent_today = set(
        session.scalars(sa.select(DigestSent.user_id).where(DigestSent.sent_on == today))
    )
    users = {u.id: u for u in _users(session, set(waiting) - sent_today)}
    messages = [
        _digest(session, settings, users[user_id], notifications, today)
        for user_id, notifications in waiting.items()
        if user_id in users and users[user_id].is_active
    ]
    enqueue_many(session, messages)
    return len(messages)


def _users(session: Session, ids: set[int]) -> list[User]:
    found: list[User] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        found.extend(
            session.scalars(sa.select(User).where(User.id.in_(ordered[start : start + 500])))
        )
    return found


def _digest(
    session: Session,
    settings: NotifySettings,
    user: User,
    notifications: Sequence[Notification],
    today: date,
) -> Message:
    base = settings.base_url.rstrip("/")
    lines = [f"{len(notifications)} notification(s) since your last digest:", ""]
    for notification in notifications[:200]:
        link = base + notification.link if notification.link.startswith("/") else notification.link
        lines.append(f"- {notification.text}: {link}")
    if len(notifications) > 200:
        lines.append(f"- … and {len(notifications) - 200} more on {base}/notifications")
    lines += ["", "Sign in to read them: this message carries no confidential content.", ""]
    kinds = sorted({n.kind for n in notifications})
    lines += [_footer(settings, user.id, kind) for kind in kinds]
    now = utcnow()
    for notification in notifications:
        notification.mailed_at = now
    session.add(DigestSent(user_id=user.id, sent_on=today, count=len(notifications)))
    subject = f"{SUBJECT_PREFIX}Your daily digest: {len(notifications)} notification(s)"
    return Message(user.email, subject, "\n".join(lines), "/notifications")


def unread_count(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def recent(
    session: Session, user_id: int, *, limit: int = 100, offset: int = 0
) -> list[Notification]:
    return list(
        session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def mark_read(session: Session, user_id: int) -> int:
    """Mark every notification of ``user_id`` read; returns how many were unread."""
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def as_dict(notification: Notification) -> dict[str, Any]:
    return {
        "kind": notification.kind.value,
        "reference": notification.reference,
        "text": notification.text,
        "link": notification.link,
        "created_at": notification.created_at,
        "read": notification.read_at is not None,
    }


def count_of(session: Session, user_id: int) -> int:
    return int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id)
        )
        or 0
    )


def settings_from(config: Settings) -> NotifySettings:
    """The notification settings of the application's configuration."""
    return NotifySettings(
        base_url=config.base_url,
        secret_key=config.secret_key,
        soon_days=config.notify_soon_days,
        triage_wait_hours=config.notify_triage_hours,
    )
