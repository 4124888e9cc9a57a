"""A :class:`~incidents.dedup.store.CandidateStore` in the application's SQL database.

Works on SQLite and PostgreSQL through one SQLAlchemy session. Every method is a handful of
batched statements (no per-key round trips); nothing is committed here, writes are only
flushed into the caller's transaction. Report ids are the ``reports.id`` integers, given and
returned as strings as the protocol wants. Tables: :mod:`incidents.dedup.models`.

Probes are ``WHERE (kind = :k1 AND key IN (...)) OR (kind = :k2 AND key IN (...))``: each
branch is an index range on the ``(kind, key)`` primary keys on both databases (on
PostgreSQL the lists are bound as one array each: ``key = ANY(:keys)``). On PostgreSQL a
report's keys and counts are written by one statement each, from arrays; on SQLite by one
``executemany`` each.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from incidents.db import Base, among, utcnow
from incidents.dedup.fingerprint import (
    Fingerprint,
    Key,
    ReportFeatures,
    features_from_json,
    features_to_json,
)
from incidents.dedup.models import (
    GENERATION_KEY,
    KEY_LENGTH,
    REPORT_COUNT_KEY,
    DedupFingerprint,
    DedupKey,
    DedupKeyCount,
)

#: Keys (or ids) per statement; keeps every statement well under the bound-parameter limits.
CHUNK = 1000

_fingerprints: sa.Table = Base.metadata.tables[DedupFingerprint.__tablename__]
_keys: sa.Table = Base.metadata.tables[DedupKey.__tablename__]
_counts: sa.Table = Base.metadata.tables[DedupKeyCount.__tablename__]
_T = TypeVar("_T")
#: Statements run through the driver (see :meth:`SqlStore._run_many`), by dialect and name.
_compiled: dict[tuple[str, str], tuple[str, list[str] | None]] = {}
_ONE: sa.ColumnElement[int] = sa.literal_column("1", sa.Integer())


def stored_key(key: Key) -> Key:
    """Return ``key`` as stored: keys longer than the column are replaced by their digest."""
    kind, value = key
    if len(value) <= KEY_LENGTH:
        return key
    return kind, "~sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ids(report_ids: Iterable[str]) -> list[int]:
    """Return the integer ids among ``report_ids`` (others cannot be stored)."""
    out: dict[int, None] = {}
    for report_id in report_ids:
        try:
            out[int(report_id)] = None
        except ValueError:
            continue
    return list(out)


def _key_condition(table: sa.Table, kinds: Sequence[str], array: bool) -> sa.ColumnElement[bool]:
    """``(kind = k0 AND key IN :k0) OR (kind = k1 AND key IN :k1) …``: each branch is an
    index range on the ``(kind, key)`` primary key; the keys are given per kind."""
    return sa.or_(
        *(
            sa.and_(table.c.kind == kind, among(table.c.key, f"k{i}", sa.String(), array=array))
            for i, kind in enumerate(kinds)
        )
    )


def _by_kind(keys: Iterable[Key]) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """The kinds of ``keys`` (sorted) and the parameters of :func:`_key_condition`."""
    by_kind: dict[str, list[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, []).append(value)
    kinds = tuple(sorted(by_kind))
    return kinds, {f"k{i}": by_kind[kind] for i, kind in enumerate(kinds)}


# The store's reads are built once per shape (SQLAlchemy's building of a statement cost more
# than SQLite's answering it) and given their keys and ids as list parameters.


@functools.cache
def _counts_of(kinds: tuple[str, ...], array: bool) -> sa.Select[Any]:
    columns = (_counts.c.kind, _counts.c.key, _counts.c["count"])
    return sa.select(*columns).where(_key_condition(_counts, kinds, array))


@functools.cache
def _matching(kinds: tuple[str, ...], array: bool, limited: bool) -> sa.Select[Any]:
    matched = sa.func.count().label("matched")
    query = (
        sa.select(_keys.c.report_id, matched)
        .where(_key_condition(_keys, kinds, array))
        .group_by(_keys.c.report_id)
    )
    if limited:
        query = query.order_by(matched.desc(), _keys.c.report_id).limit(
            sa.bindparam("limit", type_=sa.Integer())
        )
    return query


@functools.cache
def _of_reports(column: str, array: bool) -> sa.Select[Any]:
    """The ``column`` of the stored reports with the ids of the parameter ``ids``."""
    return sa.select(_fingerprints.c.report_id, _fingerprints.c[column]).where(
        among(_fingerprints.c.report_id, "ids", sa.Integer(), array=array)
    )


@functools.cache
def _meta_count(key: Key) -> sa.Select[Any]:
    kind, value = key
    return sa.select(_counts.c["count"]).where(_counts.c.kind == kind, _counts.c.key == value)


def _count_up(insert: Any) -> Any:
    """``insert`` (into the key counts, of the session's dialect) adding one to a count that
    is already there."""
    return insert.on_conflict_do_update(
        index_elements=[_counts.c.kind, _counts.c.key],
        set_={"count": _counts.c["count"] + _ONE},
    )


@functools.cache
def _unnested() -> tuple[sa.Insert, sa.Insert]:
    """PostgreSQL's writes of a report's keys and key counts, one statement each: the rows
    are the parameter arrays ``kinds`` and ``keys`` unnested (one round trip and one plan
    instead of a statement per row). Counts are upserted in key order, as elsewhere."""
    text = postgresql.ARRAY(sa.String())
    rows = (
        sa.func.unnest(sa.bindparam("kinds", type_=text), sa.bindparam("keys", type_=text))
        .table_valued("kind", "key")
        .render_derived()
    )
    report = sa.bindparam("report_id", type_=sa.Integer())
    keys = sa.insert(_keys).from_select(
        ["kind", "key", "report_id"], sa.select(rows.c.kind, rows.c.key, report)
    )
    counted = sa.select(rows.c.kind, rows.c.key, _ONE).order_by(rows.c.kind, rows.c.key)
    counts = _count_up(postgresql.insert(_counts).from_select(["kind", "key", "count"], counted))
    return keys, counts


def _arrays_of(keys: Sequence[Key]) -> dict[str, list[str]]:
    """The parameters ``kinds`` and ``keys`` of :func:`_unnested` for ``keys``."""
    return {"kinds": [kind for kind, _ in keys], "keys": [value for _, value in keys]}


_STORED = sa.select(_fingerprints.c.report_id).where(
    _fingerprints.c.report_id == sa.bindparam("report_id")
)


class SqlStore:
    """A :class:`~incidents.dedup.store.CandidateStore` over ``session`` (flush-only)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._arrays = session.get_bind().dialect.name == "postgresql"
        #: The generation this object's last write made, and how many writes it made.
        self.written: int | None = None
        self.writes = 0

    def generation(self) -> int | None:
        """Return the store's generation (None: nothing was ever stored); it changes with
        every report stored or removed, by anyone."""
        found = self.session.execute(_meta_count(GENERATION_KEY)).scalar()
        return None if found is None else int(found)

    def _next_generation(self) -> None:
        """Move the store to its next generation (one more than now, or a random start)."""
        kind, value = GENERATION_KEY
        start = secrets.randbelow(2**30) + 1  # an INTEGER column: room for 2**30 more
        bump = _count_up(self._insert(_counts).values(kind=kind, key=value, count=start))
        bump = bump.returning(_counts.c["count"])
        found = self.session.execute(bump).scalar_one()
        self.written = int(found)
        self.writes += 1

    def _insert(self, table: sa.Table) -> Any:
        """Return an INSERT of the session's dialect that supports ``ON CONFLICT``."""
        bind = self.session.get_bind()
        if bind.dialect.name == "postgresql":
            return postgresql.insert(table)
        if bind.dialect.name == "sqlite":
            return sqlite.insert(table)
        raise NotImplementedError(f"no upsert for {bind.dialect.name}")

    def add(self, fingerprint: Fingerprint, incident_id: str) -> None:
        """Store a report; see :meth:`CandidateStore.add`.

        Raises ``ValueError`` if the report is already stored or its id is not an integer.
        """
        report_id = int(fingerprint.report_id)
        self.session.flush()  # the report row itself may still be pending in this session
        if self.session.execute(_STORED, {"report_id": report_id}).first() is not None:
            raise ValueError(f"report {fingerprint.report_id!r} is already stored")
        self.session.execute(
            sa.insert(_fingerprints),
            [
                {
                    "report_id": report_id,
                    "incident_ref": incident_id,
                    "features": features_to_json(fingerprint.features),
                    "created_at": utcnow(),
                }
            ],
        )
        # Sorted, so concurrent writers lock count rows in one order (no deadlocks).
        self._write_keys(report_id, sorted({stored_key(k) for k in fingerprint.keys}))
        self._next_generation()

    def _write_keys(self, report_id: int, keys: list[Key]) -> None:
        """Write the report's ``keys`` (sorted) and count each, and the report, one more."""
        counted = sorted([REPORT_COUNT_KEY, *keys])
        if self._arrays:
            insert_keys, upsert_counts = _unnested()
            if keys:
                self.session.execute(insert_keys, {**_arrays_of(keys), "report_id": report_id})
            self.session.execute(upsert_counts, _arrays_of(counted))
            return
        if keys:
            self._run_many(
                "keys",
                lambda: sa.insert(_keys),
                [{"kind": k, "key": v, "report_id": report_id} for k, v in keys],
            )
        self._run_many(
            "counts",
            lambda: _count_up(
                self._insert(_counts).values(
                    kind=sa.bindparam("kind"), key=sa.bindparam("key"), count=_ONE
                )
            ),
            [{"kind": k, "key": v} for k, v in counted],
        )

    def _run_many(
        self, name: str, statement: Callable[[], sa.Insert], rows: Sequence[dict[str, Any]]
    ) -> None:
        """Execute ``statement`` once per row of parameters, as one driver ``executemany``
        (SQLite; PostgreSQL takes the rows as arrays, :func:`_unnested`): SQLAlchemy's own
        processing of a report's ~150 rows of keys and counts took longer than the database's
        work. The statement is compiled once per dialect (``name`` tells them apart)."""
        connection = self.session.connection()
        dialect = connection.dialect
        found = _compiled.get((dialect.name, name))
        if found is None:
            compiled = statement().compile(dialect=dialect)
            order = list(compiled.positiontup) if compiled.positiontup is not None else None
            found = _compiled[(dialect.name, name)] = (str(compiled), order)
        text, order = found
        if order is None:
            connection.exec_driver_sql(text, list(rows))
        else:
            connection.exec_driver_sql(text, [tuple(row[n] for n in order) for row in rows])

    def remove(self, report_id: str) -> str | None:
        """Forget a stored report (its keys and counts); return its incident, or ``None``.

        Used to refresh the fingerprint of an amended report: remove, then :meth:`add`.
        """
        rid = int(report_id)
        incident = self.session.execute(
            sa.select(_fingerprints.c.incident_ref).where(_fingerprints.c.report_id == rid)
        ).scalar()
        if incident is None:
            return None
        keys = sorted(
            (k, v)
            for k, v in self.session.execute(
                sa.select(_keys.c.kind, _keys.c.key).where(_keys.c.report_id == rid)
            )
        )
        decrement = (
            sa.update(_counts)
            .where(_counts.c.kind == sa.bindparam("b_kind"), _counts.c.key == sa.bindparam("b_key"))
            .values(count=_counts.c["count"] - 1)
        )
        self.session.execute(
            decrement,
            [{"b_kind": k, "b_key": v} for k, v in sorted([REPORT_COUNT_KEY, *keys])],
        )
        self.session.execute(sa.delete(_keys).where(_keys.c.report_id == rid))
        self.session.execute(sa.delete(_fingerprints).where(_fingerprints.c.report_id == rid))
        self._next_generation()
        return str(incident)

    def report_count(self) -> int:
        """Return how many reports are stored."""
        return int(self.session.execute(_meta_count(REPORT_COUNT_KEY)).scalar() or 0)

    def key_counts(self, keys: Iterable[Key]) -> dict[Key, int]:
        """Return how many stored reports carry each key (keys never seen are left out)."""
        wanted: dict[Key, list[Key]] = {}
        for key in keys:
            originals = wanted.setdefault(stored_key(key), [])
            if key not in originals:
                originals.append(key)
        out: dict[Key, int] = {}
        for chunk in _chunks(list(wanted)):
            kinds, values = _by_kind(chunk)
            for kind, value, count in self.session.execute(_counts_of(kinds, self._arrays), values):
                for original in wanted.get((kind, value), ()):
                    out[original] = int(count)
        return out

    def reports_matching(self, keys: Sequence[Key], *, limit: int) -> list[tuple[str, int]]:
        """Return up to ``limit`` ``(report_id, matched keys)`` pairs, most matches first.

        Ties are broken by report id (numerically).
        """
        unique = list(dict.fromkeys(stored_key(k) for k in keys))
        if not unique or limit <= 0:
            return []
        if len(unique) <= CHUNK:
            kinds, values = _by_kind(unique)
            query = _matching(kinds, self._arrays, limited=True)
            rows = self.session.execute(query, {**values, "limit": limit})
            return [(str(r), int(n)) for r, n in rows]
        counts: Counter[int] = Counter()
        for chunk in _chunks(unique):
            kinds, values = _by_kind(chunk)
            for report_id, n in self.session.execute(_matching(kinds, self._arrays, False), values):
                counts[int(report_id)] += int(n)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(str(r), n) for r, n in ranked]

    def features(self, report_ids: Iterable[str]) -> dict[str, ReportFeatures]:
        """Return the stored features of the given reports (unknown ids are left out)."""
        out: dict[str, ReportFeatures] = {}
        query = _of_reports("features", self._arrays)
        for chunk in _chunks(_ids(report_ids)):
            for report_id, data in self.session.execute(query, {"ids": list(chunk)}):
                out[str(report_id)] = features_from_json(data)
        return out

    def incident_ids(self, report_ids: Iterable[str]) -> dict[str, str]:
        """Return the incident each given report belongs to (unknown ids are left out)."""
        out: dict[str, str] = {}
        query = _of_reports("incident_ref", self._arrays)
        for chunk in _chunks(_ids(report_ids)):
            rows = self.session.execute(query, {"ids": list(chunk)})
            out.update((str(r), str(i)) for r, i in rows)
        return out

    def reports_of(self, incident_id: str, *, limit: int) -> list[str]:
        """Return up to ``limit`` reports of ``incident_id``, lowest id first."""
        query = (
            sa.select(_fingerprints.c.report_id)
            .where(_fingerprints.c.incident_ref == incident_id)
            .order_by(_fingerprints.c.report_id)
            .limit(limit)
        )
        return [str(r) for r in self.session.execute(query).scalars()]

    def reassign(self, report_id: str, incident_id: str) -> None:
        """Record that ``report_id`` now belongs to ``incident_id`` (an analyst moved it); a
        report without a fingerprint is left alone."""
        (number,) = _ids([report_id]) or (None,)
        if number is None:
            return
        self.session.execute(
            sa.update(_fingerprints)
            .where(_fingerprints.c.report_id == number)
            .values(incident_ref=incident_id)
        )
