"""PostgreSQL full-text search behind the same protocol: ``tsvector`` + GIN, one table per tier.

The database's text parser never sees what a person typed: the tsvector is written from our
own tokens with their positions (``'word':1,7``), and the tsquery is built from the parsed
query tree (``'a' <-> 'b' & !'c' & 'pre':*``).

A query of very common words must not read every match: the count is exact up to
:data:`COUNT_CAP` and then says "at least" (``Matches.total_exact``), with the facet counts
of the same counted documents taken in the same pass; only the most recent :data:`RANK_CAP`
matches are ranked (ts_rank reads each ranked row's tsvector), and they, like a page sorted by
date, are looked for among the newest documents of the table first (a window that, when it
holds enough matches, gives exactly the page that reading every match would). Statements run
with ``statement_timeout`` set to what is left of the search's time budget, less a reserve
for the caller's re-check.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import OperationalError

from incidents.search.backend import Lookup, Match, Matches, SearchTimedOut
from incidents.search.documents import BREAK, Document
from incidents.search.query import And, Node, Not, Or, Phrase, Prefix, Term
from incidents.search.request import Sort
from incidents.search.tables import analyst_documents, public_documents

#: Most matches ranked by relevance (the most recent ones); the rest follow by date.
RANK_CAP = 500
#: Matches counted exactly; past it a search answers "at least COUNT_CAP", and its facet
#: counts are those of the COUNT_CAP documents counted (lower bounds too). Pages past it are
#: still served, down to :data:`incidents.search.request.MAX_OFFSET`.
COUNT_CAP = 2000
#: From how many matches a date-ordered page is looked for among the newest documents first.
WINDOW_FROM = 2000
WINDOW_SLACK = 200
CAPPED_SHARE = 0.5
#: At most how much wider each further window is.
WINDOW_GROWTH = 8
#: Of the search's time budget, what is left for re-checking and showing the hits (at most
#: a fifth of it).
RESERVE = 0.1
#: Memory for one search's sorts and facet counts (kept in memory, not spilled to disk).
WORK_MEM = "32MB"
#: How late a statement may start after the time budget was last handed to the database.
BUDGET_SLACK = 0.05
_BUDGET_SET_AT = "search_budget_set_at"
BATCH = 1000
EXCERPT = 2000
#: How long the vocabulary for "did you mean" is reused (seconds).
VOCABULARY_SECONDS = 600
#: How many of the most recent documents the vocabulary is read from.
VOCABULARY_DOCS = 5000


def _budget(connection: sa.Connection, deadline: float, **settings: str) -> None:
    """Let the next statements run until ``deadline`` (time.monotonic()) at most, with
    ``settings`` for the rest of the transaction, in one round trip. A statement may overrun
    the deadline by the time passed since the timeout was last set: it is set again once that
    passes :data:`BUDGET_SLACK`."""
    now = time.monotonic()
    remaining = deadline - now
    if remaining <= 0:
        raise SearchTimedOut
    set_at = connection.info.get(_BUDGET_SET_AT)
    if not settings and set_at is not None and now - set_at < BUDGET_SLACK:
        return
    connection.info[_BUDGET_SET_AT] = now
    values = {**settings, "statement_timeout": str(max(1, int(min(remaining, 600.0) * 1000)))}
    calls = ", ".join(f"set_config('{name}', :{name}, true)" for name in values)
    connection.execute(sa.text(f"SELECT {calls}"), values)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_text(words: Sequence[str]) -> str:
    """A tsvector literal of ``words`` with their positions (1-based, as Whoosh counts 0-based
    plus one); the title/body break takes a position but is not stored."""
    positions: dict[str, list[int]] = defaultdict(list)
    for position, word in enumerate(words, start=1):
        if word != BREAK:
            positions[word].append(position)
    return " ".join(
        f"{_lexeme(word)}:{','.join(str(p) for p in spots[:256])}"
        for word, spots in positions.items()
    )


def tsquery_text(node: Node) -> str:
    """The tsquery of a parsed query tree."""
    if isinstance(node, Term):
        return _lexeme(node.word)
    if isinstance(node, Prefix):
        return _lexeme(node.stem) + ":*"
    if isinstance(node, Phrase):
        return "(" + " <-> ".join(_lexeme(word) for word in node.words) + ")"
    if isinstance(node, Not):
        return "!(" + tsquery_text(node.child) + ")"
    joiner = " & " if isinstance(node, And) else " | "
    assert isinstance(node, And | Or)
    return "(" + joiner.join(tsquery_text(child) for child in node.children) + ")"


def _row(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "kind": doc.kind,
        "reference": doc.reference,
        "subject_id": doc.subject_id,
        "incident": doc.incident,
        "title": doc.title,
        "excerpt": doc.body[:EXCERPT],
        "digest": doc.digest,
        "keys": sorted(doc.access),
        "facets": sorted(doc.facets),
        "tsv_text": tsvector_text(doc.words()),
        "day": doc.day,
        "submitted": doc.submitted_epoch,
        "severity": doc.severity,
    }


def _match(row: Any) -> Match:
    return Match(
        id=row.id,
        kind=row.kind,
        reference=row.reference,
        subject_id=row.subject_id,
        incident=row.incident,
        score=float(row.score),
        title=row.title,
        excerpt=row.excerpt,
    )


class PostgresBackend:
    """One tier's table in the application's PostgreSQL database."""

    name = "postgres"

    def __init__(self, engine: sa.Engine, *, public: bool) -> None:
        self.engine = engine
        self.table = public_documents if public else analyst_documents
        self._vocabulary: tuple[float, list[tuple[str, int]]] | None = None
        self._lock = threading.Lock()

    # -- writing -----------------------------------------------------------------------

    def _upsert(self) -> Any:
        table = self.table
        values: dict[str, Any] = {
            column.name: sa.bindparam(column.name) for column in table.columns
        }
        values["tsv"] = sa.cast(sa.bindparam("tsv_text"), postgresql.TSVECTOR)
        statement = postgresql.insert(table).values(values)
        return statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={
                column.name: statement.excluded[column.name]
                for column in table.columns
                if column.name != "id"
            },
        )

    def add(
        self,
        docs: Sequence[Document],
        *,
        remove: Sequence[str] = (),
        clear_incidents: Sequence[str] = (),
    ) -> None:
        with self.engine.begin() as connection:
            if clear_incidents:
                connection.execute(
                    sa.delete(self.table).where(
                        self.table.c.incident.in_(list(clear_incidents)),
                        self.table.c.kind == "incident",
                    )
                )
            if remove:
                connection.execute(sa.delete(self.table).where(self.table.c.id.in_(list(remove))))
            if docs:
                connection.execute(self._upsert(), [_row(doc) for doc in docs])

    def rebuild(self, docs: Iterable[Document]) -> int:
        count = 0
        with self.engine.begin() as connection:
            connection.execute(sa.delete(self.table))
            batch: list[dict[str, Any]] = []
            statement = self._upsert()
            for doc in docs:
                batch.append(_row(doc))
                if len(batch) >= BATCH:
                    connection.execute(statement, batch)
                    count += len(batch)
                    batch = []
            if batch:
                connection.execute(statement, batch)
                count += len(batch)
        # VACUUM too: the visibility map lets the newest documents be found in the index alone.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f"VACUUM ANALYZE {self.table.name}"))
        return count

    def digests(self) -> dict[str, str]:
        with self.engine.connect() as connection:
            return {
                str(row.id): str(row.digest)
                for row in connection.execute(sa.select(self.table.c.id, self.table.c.digest))
            }

    # -- reading -------------------------------------------------------------------------

    def _where(self, lookup: Lookup, query: Any) -> list[sa.ColumnElement[bool]]:
        table = self.table
        conditions: list[sa.ColumnElement[bool]] = [
            table.c["keys"].overlap(sa.cast(sorted(lookup.keys), postgresql.ARRAY(sa.Text)))
        ]
        if query is not None:
            conditions.append(table.c.tsv.op("@@")(query))
        for facet, values in sorted(lookup.filters.items()):
            chosen = [f"{facet}={value}" for value in values]
            conditions.append(table.c.facets.overlap(sa.cast(chosen, postgresql.ARRAY(sa.Text))))
        if lookup.date_from is not None:
            conditions.append(table.c.day >= lookup.date_from.toordinal())
        if lookup.date_to is not None:
            conditions.append(table.c.day <= lookup.date_to.toordinal())
            conditions.append(table.c.day > 0)
        return conditions

    def _order(self, sort: Sort, rank: Any, source: Any) -> list[Any]:
        if sort is Sort.RELEVANCE and rank is not None:
            return [rank.desc(), source.c.submitted.desc(), source.c.id]
        if sort is Sort.OLDEST:
            return [source.c.submitted.asc(), source.c.id]
        if sort is Sort.SEVERITY:
            return [source.c.severity.desc(), source.c.submitted.desc(), source.c.id]
        return [source.c.submitted.desc(), source.c.id]

    def lookup(self, lookup: Lookup) -> Matches:
        # The statements stop early enough for the caller to re-check and show the hits
        # within the search's own budget.
        deadline = lookup.deadline - min(RESERVE, max(0.0, lookup.deadline - time.monotonic()) / 5)
        if deadline - time.monotonic() <= 0:
            raise SearchTimedOut
        query = (
            sa.cast(sa.literal(tsquery_text(lookup.root)), postgresql.TSQUERY)
            if lookup.root is not None
            else None
        )
        conditions = self._where(lookup, query)
        try:
            with self.engine.begin() as connection:
                # The GIN index answers a query of plain words without reading a single
                # tsvector; a sequential scan (chosen when the words are common) reads the
                # tsvector of every row it passes.
                seqscan = {"enable_seqscan": "off"} if query is not None else {}
                _budget(connection, deadline, work_mem=WORK_MEM, **seqscan)
                total, exact, facets = self._count(connection, conditions, lookup, deadline)
                if not total:
                    return Matches(total=0, hits=[], facets={facet: {} for facet in lookup.facets})
                if lookup.group:
                    _budget(connection, deadline)
                    groups, hits = self._grouped(connection, conditions, query, lookup)
                    return Matches(total=groups, hits=hits, facets=facets, total_exact=exact)
                hits = self._page(connection, conditions, query, lookup, (total, exact), deadline)
        except OperationalError as error:
            if "statement timeout" in str(error) or "canceling statement" in str(error):
                raise SearchTimedOut from None
            raise
        return Matches(total=total, hits=hits, facets=facets, total_exact=exact)

    def _count(
        self, connection: sa.Connection, conditions: list[Any], lookup: Lookup, deadline: float
    ) -> tuple[int, bool, dict[str, dict[str, int]]]:
        """How many documents match, counted exactly up to :data:`COUNT_CAP` (then "at least
        COUNT_CAP"), and the facet values of the same counted documents, in one pass: a query
        of very common words reads a bounded number of rows, never every match."""
        table = self.table
        matched = sa.select(table.c.facets).where(*conditions).limit(COUNT_CAP + 1).cte("matched")
        counted = sa.select(sa.literal("", sa.Text).label("value"), sa.func.count().label("n"))
        statement: Any = counted.select_from(matched)
        if lookup.facets:
            # The facets of the counted documents only (at most COUNT_CAP of them).
            kept = sa.select(matched.c.facets).limit(COUNT_CAP).subquery()
            values = sa.select(sa.func.unnest(kept.c.facets).label("value")).subquery()
            per_value = sa.select(values.c.value, sa.func.count()).group_by(values.c.value)
            statement = sa.union_all(statement, per_value)
        _budget(connection, deadline)
        found: dict[str, dict[str, int]] = {facet: {} for facet in lookup.facets}
        total = 0
        for text, count in connection.execute(statement):
            if text == "":
                total = int(count)
                continue
            facet, _, name = str(text).partition("=")
            if facet in found:
                found[facet][name] = int(count)
        if total > COUNT_CAP:
            return COUNT_CAP, False, found
        return total, True, found

    def _columns(self, source: Any) -> list[Any]:
        return [
            source.c.id,
            source.c.kind,
            source.c.reference,
            source.c.subject_id,
            source.c.incident,
            source.c.title,
            source.c.excerpt,
        ]

    def _first_span(
        self, connection: sa.Connection, lookup: Lookup, counted: tuple[int, bool], wanted: int
    ) -> tuple[int, int, list[int]] | None:
        """For a result ordered by date that matches many documents: how many of the newest
        (sorted oldest first: the oldest) documents of the table to look among first, the
        table's size and the planner's histogram of submission times (empty before the
        first ANALYZE); None when the matches are few (reading them all is cheap)."""
        total, exact = counted
        if lookup.sort not in (Sort.RELEVANCE, Sort.NEWEST, Sort.OLDEST) or total < WINDOW_FROM:
            return None
        row = connection.execute(
            sa.text(
                "SELECT greatest(c.reltuples, 0)::bigint,"
                " (SELECT s.histogram_bounds::text::bigint[] FROM pg_stats s"
                "  WHERE s.tablename = :name AND s.attname = 'submitted' LIMIT 1)"
                " FROM pg_class c WHERE c.oid = CAST(:name AS regclass)"
            ),
            {"name": self.table.name},
        ).one()
        size, bounds = int(row[0] or 0), [int(each) for each in row[1] or []]
        # Twice as many as should hold ``wanted`` at the share that matches (when the count
        # stopped: as if half of the further documents matched).
        share = (total / max(size, total)) if exact else CAPPED_SHARE
        return int(2 * wanted / share) + WINDOW_SLACK, size, bounds

    def _window(
        self, connection: sa.Connection, lookup: Lookup, span: int, size: int, bounds: list[int]
    ) -> sa.ColumnElement[bool]:
        """About the ``span`` newest (sorted oldest first: oldest) documents of the table,
        read off the planner's histogram of submission times (reading the index to the
        exact edge costs as much as the search itself); exactly, when there is none yet."""
        submitted = self.table.c.submitted
        newest_first = lookup.sort is not Sort.OLDEST
        if len(bounds) > 1:
            share = min(span / max(size, 1), 1.0)
            at = (1 - share if newest_first else share) * (len(bounds) - 1)
            low = bounds[int(at)]
            high = bounds[min(int(at) + 1, len(bounds) - 1)]
            edge = int(low + (high - low) * (at - int(at)))
        else:
            edge = int(
                connection.scalar(
                    sa.select(submitted)
                    .order_by(submitted.desc() if newest_first else submitted.asc())
                    .offset(min(span, size) - 1)
                    .limit(1)
                )
                or 0
            )
        return submitted >= edge if newest_first else submitted <= edge

    def _page(
        self,
        connection: sa.Connection,
        conditions: list[Any],
        query: Any,
        lookup: Lookup,
        counted: tuple[int, bool],
        deadline: float,
    ) -> list[Match]:
        ranked = lookup.sort is Sort.RELEVANCE and query is not None
        # Ranked: only the most recent matches (ts_rank reads every ranked row's tsvector).
        needed = max(RANK_CAP, lookup.offset + lookup.limit) if ranked else None
        enough = needed or lookup.offset + lookup.limit
        _budget(connection, deadline)
        first = self._first_span(connection, lookup, counted, enough)
        span, size, bounds = first or (0, 0, [])
        # A window is the newest (oldest) part of the table: when it holds enough matches,
        # they are exactly the newest (oldest) matches of all, so the page is the one that
        # reading every match gives. Else a window as much wider as the matches found in
        # this one suggest, while under half the table; then every match.
        while 0 < span * 2 <= size:
            window = self._window(connection, lookup, span, size, bounds)
            _budget(connection, deadline)
            rows = list(
                connection.execute(
                    self._statement([*conditions, window], query, lookup, needed, found=True)
                )
            )
            found = rows[0].found if rows else 0
            if found >= enough:
                return [_match(row) for row in rows]
            span = int(span * min(WINDOW_GROWTH, 2 * enough / max(found, 1)))
        _budget(connection, deadline)
        return [
            _match(row)
            for row in connection.execute(self._statement(conditions, query, lookup, needed))
        ]

    def _statement(
        self, where: list[Any], query: Any, lookup: Lookup, cap: int | None, *, found: bool = False
    ) -> Any:
        """One page of the documents matching ``where``; with ``cap``, of the ``cap`` most
        recent ones ranked by relevance. ``found``: with the number of matches (ranked: up to
        ``cap``) in a column ``found``."""
        table = self.table
        counted = [sa.func.count().over().label("found")] if found else []
        if cap is not None:
            # The most recent matches by their narrow columns alone (the wide ones, read and
            # decompressed for every match, cost more than the search), then the rest of
            # those ``cap`` rows by their key.
            recent = (
                sa.select(table.c.id, table.c.submitted)
                .where(*where)
                .order_by(table.c.submitted.desc(), table.c.id)
                .limit(cap)
                .subquery()
            )
            rank = sa.func.ts_rank(table.c.tsv, query)
            return (
                sa.select(*self._columns(table), rank.label("score"), *counted)
                .join_from(recent, table, table.c.id == recent.c.id)
                .order_by(*self._order(lookup.sort, rank, recent))
                .offset(lookup.offset)
                .limit(lookup.limit)
            )
        return (
            sa.select(*self._columns(table), sa.literal(0.0).label("score"), *counted)
            .where(*where)
            .order_by(*self._order(lookup.sort, None, table))
            .offset(lookup.offset)
            .limit(lookup.limit)
        )

    def _grouped(
        self, connection: sa.Connection, conditions: list[Any], query: Any, lookup: Lookup
    ) -> tuple[int, list[Match]]:
        table = self.table
        key = sa.case((table.c.incident == "", table.c.id), else_=table.c.incident)
        score = (
            sa.func.ts_rank(table.c.tsv, query)
            if lookup.sort is Sort.RELEVANCE and query is not None
            else sa.literal(0.0)
        )
        matched = (
            sa.select(
                *self._columns(table),
                table.c.submitted,
                table.c.severity,
                key.label("gkey"),
                score.label("score"),
            )
            .where(*conditions)
            .cte("matched")
        )
        order = self._order(lookup.sort, matched.c.score, matched)
        best = (
            sa.select(matched)
            .ext(postgresql.distinct_on(matched.c.gkey))
            .order_by(matched.c.gkey, *order)
            .subquery("best")
        )
        sizes = (
            sa.select(matched.c.gkey, sa.func.count().label("size"))
            .group_by(matched.c.gkey)
            .subquery("sizes")
        )
        groups = int(connection.scalar(sa.select(sa.func.count()).select_from(sizes)) or 0)
        statement = (
            sa.select(best, sizes.c.size)
            .join(sizes, sizes.c.gkey == best.c.gkey)
            .order_by(*self._order(lookup.sort, best.c.score, best))
            .offset(lookup.offset)
            .limit(lookup.limit)
        )
        hits = [
            Match(
                id=row.id,
                kind=row.kind,
                reference=row.reference,
                subject_id=row.subject_id,
                incident=row.incident,
                score=float(row.score),
                group_size=int(row.size),
                title=row.title,
                excerpt=row.excerpt,
            )
            for row in connection.execute(statement)
        ]
        return groups, hits

    def doc_freq(self, word: str) -> int:
        """1 when ``word`` occurs in some document, else 0 (an existence check is enough for
        "did you mean" and never counts a very common word's rows)."""
        query = sa.cast(sa.literal(_lexeme(word)), postgresql.TSQUERY)
        with self.engine.connect() as connection:
            found = connection.scalar(
                sa.select(sa.literal(1)).where(self.table.c.tsv.op("@@")(query)).limit(1)
            )
        return 1 if found else 0

    def vocabulary(self) -> Sequence[tuple[str, int]]:
        with self._lock:
            cached = self._vocabulary
            if cached is not None and time.monotonic() - cached[0] < VOCABULARY_SECONDS:
                return cached[1]
        # The words of the most recent documents: ts_stat over the whole table would take
        # seconds at scale; a suggestion is only offered when it finds something anyway.
        statement = sa.text(
            "SELECT word, ndoc FROM ts_stat("  # noqa: S608 - our own table name, no user text
            f"'SELECT tsv FROM {self.table.name} ORDER BY submitted DESC LIMIT {VOCABULARY_DOCS}')"
        )
        try:
            with self.engine.begin() as connection:
                connection.execute(sa.text("SET LOCAL statement_timeout = 2000"))
                words = [(str(word), int(count)) for word, count in connection.execute(statement)]
        except OperationalError:
            return []
        with self._lock:
            self._vocabulary = (time.monotonic(), words)
        return words
