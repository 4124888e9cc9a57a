"""Saved searches that found something new tell their owners (``flask notify run``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents import search
from incidents.accounts.models import User
from incidents.exchange.notify import notify_saved_search_match
from incidents.searching.models import SavedSearch
from incidents.searching.services import new_matches


def alert_new_matches(session: Session, backend: search.Backend) -> int:
    """Notify each active owner of a saved search with new matches since it last opened it
    (counted with the owner's own access, so a hidden report is never counted). Returns how
    many notifications were created; a search told already today with the same count is not
    told again. Flushes; the caller commits."""
    created = 0
    saved_searches = session.scalars(
        sa.select(SavedSearch).join(User).where(User.is_active).order_by(SavedSearch.id)
    )
    for saved in saved_searches:
        count = new_matches(session, backend, saved)
        if count and notify_saved_search_match(
            session, saved.user, saved.name, count, f"/search/saved/{saved.id}"
        ):
            created += 1
    return created
