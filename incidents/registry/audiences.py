"""Who may read what analysts (and the engine) write about incidents.

A curated title, a narrative, a classification, a link's or a decision's reason is derived
from the reports its writer read, so it carries an :class:`Audience` like a report's
distribution: by default the most restrictive distribution among those reports (a RED report
addressed to Meridian makes the text Meridian-only), widened only deliberately. The policy is
:mod:`incidents.security.scope`: :func:`can_read` and its SQL twin :func:`readable` are thin
translations of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization
from incidents.refusals import Invalid
from incidents.registry.models import Audience, audience_recipients
from incidents.reports.models import Tlp
from incidents.reports.services import recipient_institutes
from incidents.security.policy import Principal
from incidents.security.scope import Distributed, note_keys, scope_of

#: TLP labels from the widest audience to the narrowest.
ORDER = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)


class Distribution:
    """A TLP label and its recipients, before it is stored as an :class:`Audience`."""

    def __init__(self, tlp: Tlp, recipient_ids: Iterable[int] = ()) -> None:
        self.tlp = tlp
        self.recipient_ids = frozenset(recipient_ids) if tlp.needs_recipients else frozenset()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Distribution) and (self.tlp, self.recipient_ids) == (
            other.tlp,
            other.recipient_ids,
        )

    def __hash__(self) -> int:
        return hash((self.tlp, self.recipient_ids))

    def __repr__(self) -> str:
        return f"Distribution({self.tlp.value}, {sorted(self.recipient_ids)})"

    def narrowed(self, other: Distribution) -> Distribution:
        """The narrower of the two: readable only by who may read both."""
        tlp = max(self.tlp, other.tlp, key=ORDER.index)
        if self.tlp.needs_recipients and other.tlp.needs_recipients:
            return Distribution(tlp, self.recipient_ids & other.recipient_ids)
        if self.tlp.needs_recipients or other.tlp.needs_recipients:
            return Distribution(tlp, (self if self.tlp.needs_recipients else other).recipient_ids)
        return Distribution(tlp)

    def is_wider_than(self, other: Distribution) -> bool:
        """Whether someone may read this who may not read ``other``."""
        return self.narrowed(other) != self


WIDEST = Distribution(Tlp.CLEAR)


def distribution_of(shared: Distributed) -> Distribution:
    """The distribution of a report or a stored audience (its recipients are read only for
    a label that has them)."""
    tlp = Tlp(shared.tlp)
    return Distribution(tlp, shared.recipient_ids if tlp.needs_recipients else ())


def derived_from(sources: Iterable[Distributed]) -> Distribution:
    """The distribution of text derived from ``sources`` (reports, or earlier text): the
    most restrictive among them, so only who may read every one of them may read it."""
    found = WIDEST
    for source in sources:
        found = found.narrowed(distribution_of(source))
    return found


def audience(session: Session, writer_id: int, distribution: Distribution) -> Audience:
    """A new audience: the writing organisation, and ``distribution`` (added to the session;
    what refers to it through its relationship is flushed with it)."""
    recipients = (
        list(
            session.scalars(
                sa.select(Organization).where(Organization.id.in_(distribution.recipient_ids))
            )
        )
        if distribution.recipient_ids
        else []
    )
    created = Audience(organization_id=writer_id, tlp=distribution.tlp, recipients=recipients)
    session.add(created)
    return created


def named(session: Session, tlp: str, names: Sequence[str], field: str) -> Distribution:
    """The distribution a person chose by TLP label and institute names; raises Invalid
    (on ``field``) for a name that is not an institute of the network."""
    institutes = {each.name: each.id for each in recipient_institutes(session)}
    unknown = [name for name in names if name not in institutes]
    if unknown:
        raise Invalid(
            {f"{field}.recipients": [f"{', '.join(unknown)}: not an institute of the network."]}
        )
    return Distribution(Tlp(tlp), (institutes[name] for name in names))


def can_read(principal: Principal | None, audience: Audience | None) -> bool:
    """Whether ``principal`` may read text under ``audience`` (None: text of the platform's
    own that derives from no report, which every reader of its subject may read)."""
    return audience is None or scope_of(principal).can_read(note_keys(audience))


def readable(
    principal: Principal | None, table: type[Audience] = Audience
) -> sa.ColumnElement[bool]:
    """The SQL twin of :func:`can_read` over rows of ``table`` (the model or an alias)."""

    def addressed_to(institutes: list[int]) -> sa.ColumnElement[bool]:
        return sa.exists().where(
            audience_recipients.c.audience_id == table.id,
            audience_recipients.c.organization_id.in_(institutes),
        )

    return scope_of(principal).sql(
        author=table.organization_id,
        author_prefix="desk:",
        tlp=table.tlp,
        is_draft=None,
        addressed_to=addressed_to,
    )


def readable_ids(
    session: Session, principal: Principal | None, audience_ids: Sequence[int | None]
) -> set[int]:
    """Which of ``audience_ids`` ``principal`` may read, in one query."""
    wanted = {each for each in audience_ids if each is not None}
    if not wanted:
        return set()
    query = sa.select(Audience.id).where(Audience.id.in_(wanted), readable(principal))
    return set(session.scalars(query))
