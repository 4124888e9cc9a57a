"""Saved searches: keep, open and delete them, and count their new matches (no Flask).

A saved search is the search page's query string; it is searched again with the rights its
owner has *now*, so a saved search never shows what its owner may no longer read.
:func:`new_matches` is what a notification (in the app or by e-mail) calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlencode

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents import search
from incidents.accounts.models import User
from incidents.db import utcnow
from incidents.paging import MAX_OFFSET
from incidents.refusals import Invalid, NotFound
from incidents.searching.models import SavedSearch

#: The facade pages through this many results at most.
MAX_RESULTS = MAX_OFFSET

MAX_NAME = 100
#: Larger ids are no row's (and would overflow the database's integer).
MAX_ID = 2**31 - 1
MAX_QUERY = 2000
#: A user keeps at most this many saved searches.
MAX_SAVED = 50
#: New matches are counted up to this many (the page shows "1000+").
MAX_NEW = 1000
#: The index orders by the second: hits of the same second may come in any order.
SAME_SECOND = timedelta(seconds=1)
#: Parameters that say how to show a search, not what it finds.
NOT_SAVED = frozenset({"page", "per_page", "group", "sort", "csrf_token", "name"})


def query_string(args: Mapping[str, Sequence[str]]) -> str:
    """The part of a search page's parameters a saved search keeps, as a query string."""
    kept = [
        (name, value)
        for name, values in args.items()
        if name not in NOT_SAVED
        for value in values
        if value
    ]
    return urlencode(kept)


def arguments(saved: SavedSearch) -> dict[str, list[str]]:
    """The saved query string as the search's parameters."""
    return parse_qs(saved.query, keep_blank_values=False)


def saved_searches(session: Session, user: User) -> list[SavedSearch]:
    """The user's saved searches, by name."""
    return list(
        session.scalars(
            sa.select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.name)
        )
    )


def save(session: Session, user: User, name: str, query: str) -> SavedSearch:
    """Keep ``query`` under ``name`` for ``user`` (replacing a search of that name); it counts
    as opened now. Raises Invalid on an empty or long name, a long query, or too many."""
    name = " ".join(name.split())
    problems: dict[str, list[str]] = {}
    if not name or len(name) > MAX_NAME:
        problems["name"] = [f"Give the search a name of 1 to {MAX_NAME} characters."]
    if len(query) > MAX_QUERY:
        problems["query"] = [f"The search is too long to keep (over {MAX_QUERY} characters)."]
    if problems:
        raise Invalid(problems)
    saved = session.scalar(
        sa.select(SavedSearch).where(SavedSearch.user_id == user.id, SavedSearch.name == name)
    )
    if saved is None:
        if len(saved_searches(session, user)) >= MAX_SAVED:
            raise Invalid({"name": [f"You keep {MAX_SAVED} searches already; delete one first."]})
        saved = SavedSearch(user_id=user.id, name=name)
        session.add(saved)
    saved.query = query
    saved.last_opened_at = utcnow()
    session.flush()
    return saved


def own_saved_search(session: Session, user: User, saved_id: int) -> SavedSearch:
    """The user's saved search ``saved_id``; raises NotFound for anybody else's."""
    saved = session.get(SavedSearch, saved_id) if 0 < saved_id <= MAX_ID else None
    if saved is None or saved.user_id != user.id:
        raise NotFound("There is no saved search with this number.")
    return saved


def open_saved(session: Session, saved: SavedSearch) -> dict[str, list[str]]:
    """Mark ``saved`` opened now (its new matches start again from zero); returns its
    parameters."""
    saved.last_opened_at = utcnow()
    session.flush()
    return arguments(saved)


def delete(session: Session, saved: SavedSearch) -> None:
    session.delete(saved)
    session.flush()


def new_matches(
    session: Session, backend: search.Backend, saved_search: SavedSearch, *, limit: int = MAX_NEW
) -> int:
    """How many reports the saved search finds, for its owner now, that were submitted since
    the owner last opened it (at most ``limit``). A search the facade refuses finds none."""
    user = saved_search.user
    since = saved_search.last_opened_at
    args = {**arguments(saved_search), "sort": ["newest"], "per_page": ["100"]}
    args.pop("group", None)
    tier = search.analyst_tier(user)
    count, page = 0, 1
    while count < limit:
        try:
            request = search.request_from_args({**args, "page": [str(page)]}, tier)
            result = search.search(session, backend, user, request)
        except search.SearchInvalid:
            return 0
        for hit in result.hits:
            submitted = _submitted_at(hit)
            if submitted is None:
                continue
            if submitted < since - SAME_SECOND:  # newest first: the rest are older still
                return min(count, limit)
            if submitted > since:
                count += 1
        if len(result.hits) < 100 or page * 100 >= MAX_RESULTS:
            break
        page += 1
    return min(count, limit)


def _submitted_at(hit: object) -> datetime | None:
    value = getattr(hit, "submitted_at", None)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if isinstance(value, datetime) else None
