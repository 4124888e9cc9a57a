"""PostgreSQL full-text search behind the same protocol: ``tsvector`` + GIN, one table per tier.

The database's text parser never sees what a person typed: the tsvector is written from our
own tokens with their positions (``'word':1,7``), and the tsquery is built from the parsed
query tree (``'a' <-> 'b' & !'c' & 'pre':*``). Ranking reads each match's tsvector, so only
the most recent :data:`RANK_CAP` matches are ranked (a query of very common words stays
cheap); counting and facets need no ranking. Every lookup runs with ``statement_timeout`` set
to what is left of the search's time budget.
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
RANK_CAP = 1000
BATCH = 1000
EXCERPT = 2000
#: How long the vocabulary for "did you mean" is reused (seconds).
VOCABULARY_SECONDS = 600
#: How many of the most recent documents the vocabulary is read from.
VOCABULARY_DOCS = 5000


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

    def add(self, docs: Sequence[Document], *, remove: Sequence[str] = ()) -> None:
        with self.engine.begin() as connection:
            if remove:
                connection.execute(sa.delete(self.table).where(self.table.c.id.in_(list(remove))))
            if docs:
                connection.execute(self._upsert(), [_row(doc) for doc in docs])

    def remove_incident(self, reference: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                sa.delete(self.table).where(
                    self.table.c.incident == reference, self.table.c.kind == "incident"
                )
            )

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
        with self.engine.connect() as connection:
            connection.execute(sa.text(f"ANALYZE {self.table.name}"))
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
        remaining = lookup.deadline - time.monotonic()
        if remaining <= 0:
            raise SearchTimedOut
        query = (
            sa.cast(sa.literal(tsquery_text(lookup.root)), postgresql.TSQUERY)
            if lookup.root is not None
            else None
        )
        conditions = self._where(lookup, query)
        try:
            with self.engine.begin() as connection:
                milliseconds = max(1, int(min(remaining, 600.0) * 1000))
                connection.execute(sa.text(f"SET LOCAL statement_timeout = {milliseconds}"))
                total = int(
                    connection.scalar(
                        sa.select(sa.func.count()).select_from(self.table).where(*conditions)
                    )
                    or 0
                )
                facets = self._facets(connection, conditions, lookup.facets) if total else {}
                if not total:
                    return Matches(total=0, hits=[], facets={facet: {} for facet in lookup.facets})
                if lookup.group:
                    groups, hits = self._grouped(connection, conditions, query, lookup)
                    return Matches(total=groups, hits=hits, facets=facets)
                hits = self._page(connection, conditions, query, lookup)
        except OperationalError as error:
            if "statement timeout" in str(error) or "canceling statement" in str(error):
                raise SearchTimedOut from None
            raise
        return Matches(total=total, hits=hits, facets=facets)

    def _facets(
        self, connection: sa.Connection, conditions: list[Any], wanted: Sequence[str]
    ) -> dict[str, dict[str, int]]:
        if not wanted:
            return {}
        value = sa.func.unnest(self.table.c.facets).label("value")
        inner = sa.select(value).where(*conditions).subquery()
        rows = connection.execute(sa.select(inner.c.value, sa.func.count()).group_by(inner.c.value))
        found: dict[str, dict[str, int]] = {facet: {} for facet in wanted}
        for text, count in rows:
            facet, _, name = str(text).partition("=")
            if facet in found:
                found[facet][name] = int(count)
        return found

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

    def _page(
        self, connection: sa.Connection, conditions: list[Any], query: Any, lookup: Lookup
    ) -> list[Match]:
        table = self.table
        wanted = lookup.offset + lookup.limit
        if lookup.sort is Sort.RELEVANCE and query is not None:
            # Rank only the most recent matches: ts_rank reads every ranked row's tsvector.
            cap = max(RANK_CAP, wanted)
            recent = (
                sa.select(table)
                .where(*conditions)
                .order_by(table.c.submitted.desc(), table.c.id)
                .limit(cap)
                .subquery()
            )
            rank = sa.func.ts_rank(recent.c.tsv, query)
            statement = (
                sa.select(*self._columns(recent), rank.label("score"))
                .order_by(*self._order(lookup.sort, rank, recent))
                .offset(lookup.offset)
                .limit(lookup.limit)
            )
        else:
            statement = (
                sa.select(*self._columns(table), sa.literal(0.0).label("score"))
                .where(*conditions)
                .order_by(*self._order(lookup.sort, None, table))
                .offset(lookup.offset)
                .limit(lookup.limit)
            )
        return [
            Match(
                id=row.id,
                kind=row.kind,
                reference=row.reference,
                subject_id=row.subject_id,
                incident=row.incident,
                score=float(row.score),
                title=row.title,
                excerpt=row.excerpt,
            )
            for row in connection.execute(statement)
        ]

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
