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
    number = _increment(session, prefix, year)
    if number is None:
        try:
            with session.begin_nested():
                session.add(ReferenceCounter(prefix=prefix, year=year, last_number=1))
            number = 1
        except IntegrityError:  # another transaction created the counter first
            number = _increment(session, prefix, year)
    assert number is not None
    return f"{prefix}-{year}-{number:05d}"


def _increment(session: Session, prefix: str, year: int) -> int | None:
    statement = (
        sa.update(ReferenceCounter)
        .where(ReferenceCounter.prefix == prefix, ReferenceCounter.year == year)
        .values(last_number=ReferenceCounter.last_number + 1)
        .returning(ReferenceCounter.last_number)
    )
    return session.execute(statement).scalar_one_or_none()
