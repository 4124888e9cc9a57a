"""How deep a list may be paged, the same everywhere: pages, the API and search.

An ``OFFSET`` makes the database read and throw away every row before it, so a deep page is
a slow query whoever asks; lists are narrowed (filters, search), not paged through to the end.
"""

from __future__ import annotations

#: The deepest result any list reaches by paging: a page must start before it.
MAX_OFFSET = 10_000
#: The most results one page holds.
MAX_PER_PAGE = 100
#: The largest page number anyone may ask for (with one result per page).
MAX_PAGE = MAX_OFFSET


def last_page(per_page: int) -> int:
    """The last page number of ``per_page`` results that starts within :data:`MAX_OFFSET`."""
    return max(1, -(-MAX_OFFSET // max(per_page, 1)))


def page_count(total: int, per_page: int) -> int:
    """How many pages of ``per_page`` the list shows: at least one, at most those reachable."""
    return min(max(1, -(-total // per_page)), last_page(per_page))


def offset_problem(page: int, per_page: int) -> str | None:
    """Why ``page`` cannot be served at ``per_page`` results a page, or None."""
    if (page - 1) * per_page >= MAX_OFFSET:
        return (
            f"Only the first {MAX_OFFSET:,} results can be paged through (with {per_page} a "
            f"page, up to page {last_page(per_page):,}): narrow the list instead."
        )
    return None
