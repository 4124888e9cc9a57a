"""Who may read what: one read scope per principal, and its translators.

Everything shown to a person carries a distribution: a report, and every note, title or
classification an analyst writes from reports. An object with a distribution grants *access
keys*; a principal presents the keys of its *scope*; it may read the object when the two
share a key. The Python check (:meth:`ReadScope.can_read`), the SQL filter
(:meth:`ReadScope.sql`) and the search index filter (:attr:`ReadScope.keys` matched against
the keys stored with each document) are thin translations of these two sets, so they cannot
disagree. The keys:

``org:<id>``
    written by organisation ``id`` (a company's reports, drafts included): its reporters and
    org admins read them.
``desk:<id>``
    written by the analysts of institute ``id`` (curation, notes, reasons): that institute's
    analysts and editors read them.
``network``
    shared under AMBER, GREEN or CLEAR: the analysts of every network institute.
``to:<id>``
    addressed to institute ``id`` (RED and AMBER+STRICT name their recipients).
``analysts``
    public-source material (news, public databases): every analyst.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from incidents.security.permissions import Permission
from incidents.security.policy import NETWORK_WIDE_TLP, Principal, has_permission

NETWORK = "network"
ANALYSTS = "analysts"

Column = sa.ColumnElement[Any] | QueryableAttribute[Any]


class Distributed(Protocol):
    """Something shown under a distribution: who wrote it, its TLP label, its recipients."""

    @property
    def organization_id(self) -> int: ...

    @property
    def tlp(self) -> str: ...

    @property
    def recipient_ids(self) -> frozenset[int]: ...

    @property
    def is_draft(self) -> bool: ...


def org_key(organization_id: int) -> str:
    return f"org:{organization_id}"


def desk_key(organization_id: int) -> str:
    return f"desk:{organization_id}"


def to_key(organization_id: int) -> str:
    return f"to:{organization_id}"


def shared_keys(tlp: str, recipient_ids: frozenset[int]) -> frozenset[str]:
    """The keys a distribution grants beyond its author: the network for AMBER, GREEN and
    CLEAR, and each named recipient institute."""
    keys = {to_key(recipient) for recipient in recipient_ids}
    if tlp in NETWORK_WIDE_TLP:
        keys.add(NETWORK)
    return frozenset(keys)


def is_public_source(report: Distributed) -> bool:
    """Whether ``report`` is public-source material (an imported news item or public
    database entry); objects that cannot be (a note, a fake in a test) are not."""
    return getattr(report, "is_public_source", False) is True


def report_keys(report: Distributed, *, public_source: bool | None = None) -> frozenset[str]:
    """The access keys of a report: its organisation's, and once submitted (or withdrawn,
    which leaves a readable tombstone) those of its distribution, or for a public-source
    report (``public_source``, by default the report's own flag) every analyst's."""
    own = frozenset({org_key(report.organization_id)})
    if report.is_draft:
        return own
    if is_public_source(report) if public_source is None else public_source:
        return own | {ANALYSTS}
    return own | shared_keys(report.tlp, report.recipient_ids)


def note_keys(note: Distributed) -> frozenset[str]:
    """The access keys of something an institute's analysts wrote (its desk, and the
    distribution the writer gave it)."""
    return frozenset({desk_key(note.organization_id)}) | shared_keys(note.tlp, note.recipient_ids)


@dataclass(frozen=True)
class ReadScope:
    """The access keys a principal presents; anything granting one of them is readable."""

    keys: frozenset[str]

    def can_read(self, keys: frozenset[str]) -> bool:
        """Whether an object granting ``keys`` is readable in this scope."""
        return not self.keys.isdisjoint(keys)

    def organizations(self, prefix: str) -> list[int]:
        """The organisation ids of this scope's keys of one kind (``org:``, ``desk:``, ``to:``)."""
        return sorted(int(key[len(prefix) :]) for key in self.keys if key.startswith(prefix))

    def sql(
        self,
        *,
        author: Column,
        author_prefix: str,
        tlp: Column,
        is_draft: sa.ColumnElement[bool] | None,
        addressed_to: Callable[[list[int]], sa.ColumnElement[bool]],
        public_source: sa.ColumnElement[bool] | None = None,
    ) -> sa.ColumnElement[bool]:
        """The SQL twin of :meth:`can_read` over rows with the given columns.

        ``author`` is the writing organisation (its key is ``author_prefix`` + id: ``org:``
        for reports, ``desk:`` for notes); ``addressed_to(ids)`` is true for rows naming one of
        ``ids`` as recipient; ``is_draft`` and ``public_source`` may be None where the rows
        have no drafts or no public sources.
        """
        conditions: list[sa.ColumnElement[bool]] = []
        authors = self.organizations(author_prefix)
        if authors:
            conditions.append(author.in_(authors))
        shared: list[sa.ColumnElement[bool]] = []
        if NETWORK in self.keys:
            network: sa.ColumnElement[bool] = tlp.in_(sorted(NETWORK_WIDE_TLP))
            if public_source is not None:
                network = sa.and_(network, sa.not_(public_source))
            shared.append(network)
        recipients = self.organizations("to:")
        if recipients:
            addressed = addressed_to(recipients)
            if public_source is not None:
                addressed = sa.and_(addressed, sa.not_(public_source))
            shared.append(addressed)
        if ANALYSTS in self.keys and public_source is not None:
            shared.append(public_source)
        if shared:
            visible = sa.or_(*shared)
            if is_draft is not None:
                visible = sa.and_(sa.not_(is_draft), visible)
            conditions.append(visible)
        return sa.or_(*conditions) if conditions else sa.false()


EMPTY = ReadScope(frozenset())


def scope_of(principal: Principal | None) -> ReadScope:
    """The read scope of ``principal`` (None: anonymous, who reads nothing confidential).

    Reporters and company org admins read their organisation's reports; analysts and editors
    read what their institute's analysts wrote, public-source material, and, when their
    institute is a network member, what is shared with the network or addressed to it.
    Admins read no report contents.
    """
    if principal is None:
        return EMPTY
    keys: set[str] = set()
    if has_permission(principal, Permission.REPORT_READ_OWN):
        keys.add(org_key(principal.organization_id))
    if has_permission(principal, Permission.INCIDENT_READ):
        keys.add(desk_key(principal.organization_id))
    if has_permission(principal, Permission.REPORT_READ_SHARED):
        keys.add(ANALYSTS)
        if principal.is_network_member:
            keys |= {NETWORK, to_key(principal.organization_id)}
    return ReadScope(frozenset(keys))


def can_read_report(principal: Principal | None, report: Distributed) -> bool:
    """Whether ``principal`` may read ``report`` (callers answer 404 when not).

    The submitting organisation reads its own reports, drafts included. Analysts of network
    institutes read submitted reports labelled AMBER, GREEN or CLEAR, and RED or AMBER+STRICT
    ones only when their institute is a named recipient. Admins never read report contents.
    """
    return scope_of(principal).can_read(report_keys(report))
