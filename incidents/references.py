"""People-facing references (``RPT-2026-00042``): allocated once, never reused."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from incidents.reports.models import ReferenceCounter


def next_reference(session: Session, prefix: str, year: int) -> str:
    """The next reference for ``prefix`` in ``year``, e.g. ``RPT-2026-00001``.

    An atomic increment in the database: concurrent submissions in other workers never get
    the same number, and a rolled-back transaction hands its number to the next one.
    """
    return next_references(session, prefix, year, 1)[0]


def next_references(session: Session, prefix: str, year: int, count: int) -> list[str]:
    """``count`` consecutive new references, taken with one increment of the counter."""
    if count < 1:
        return []
    last = _increment(session, prefix, year, count)
    if last is None:
        try:
            with session.begin_nested():
                session.add(ReferenceCounter(prefix=prefix, year=year, last_number=count))
            last = count
        except IntegrityError:  # another transaction created the counter first
            last = _increment(session, prefix, year, count)
    assert last is not None
    return [f"{prefix}-{year}-{number:05d}" for number in range(last - count + 1, last + 1)]


def _increment(session: Session, prefix: str, year: int, count: int) -> int | None:
    statement = (
        sa.update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + count)
        .returning(ReferenceCounter.last_number)
    )
    return session.execute(statement).scalar_one_or_none()
