"""The embedded engine: a Whoosh index for storage, numpy for answering.

Whoosh's own query machinery scores every match in pure Python (see
``shared/reference/performance.md``); here each segment's posting lists are decoded once into
numpy arrays and kept in a bounded cache that survives a refresh (only new segments are
decoded). A query becomes boolean masks over all documents; the access filter is cached per
read scope; facet counts are one gather over the facet postings; the page is taken by
``argpartition`` with deterministic ties. Phrases are checked on positions of the candidates
only. Only this module (and its PostgreSQL twin) know how documents are stored.
"""

from __future__ import annotations

import itertools
import math
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh import columns, fields, index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.filedb.filestore import FileStorage

from incidents.search.backend import Lookup, Match, Matches, SearchTimedOut
from incidents.search.documents import Document
from incidents.search.query import And, Node, Not, Phrase, Prefix, Term
from incidents.search.request import Sort

Ids = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Scores = npt.NDArray[np.float32]

#: Bytes of decoded posting arrays kept per index (least recently used dropped first).
CACHE_BYTES = 384 * 1024 * 1024
#: Most index terms one ``word*`` may stand for.
MAX_EXPANSION = 1000
K1 = 1.2
#: Characters of a document's body kept for snippets of texts not re-read from the database.
EXCERPT = 2000
#: Segments from which a small commit merges the small ones.
MERGE_AT = 12
#: Below this many documents a rebuild writes in one process.
PARALLEL_FROM = 5000


def _text_field() -> Any:
    text = fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=True)
    # Scoring is done here from the term weights: no per-document field lengths to write.
    text.scorable = False
    return text


def _schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        kind=fields.STORED(),
        ref=fields.STORED(),
        sid=fields.STORED(),
        incident=fields.ID(stored=True),
        digest=fields.STORED(),
        title=fields.STORED(),
        excerpt=fields.STORED(),
        text=_text_field(),
        keys=fields.KEYWORD(),
        facets=fields.KEYWORD(),
        day=fields.COLUMN(columns.NumericColumn("i")),
        submitted=fields.COLUMN(columns.NumericColumn("q")),
        severity=fields.COLUMN(columns.NumericColumn("i")),
        grp=fields.COLUMN(columns.NumericColumn("q")),
    )


def incident_code(reference: str) -> int:
    """A number naming an incident reference (0: none), for grouping in arrays."""
    digits = "".join(char for char in reference if char.isdigit())
    return int(digits) if digits else 0


def _fields(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "kind": doc.kind,
        "ref": doc.reference,
        "sid": doc.subject_id,
        "incident": doc.incident,
        "digest": doc.digest,
        "title": doc.title,
        "excerpt": doc.body[:EXCERPT],
        "text": " ".join(doc.words()),
        "keys": " ".join(sorted(doc.access)),
        "facets": " ".join(sorted(doc.facets)),
        "day": doc.day,
        "submitted": doc.submitted_epoch,
        "severity": doc.severity,
        "grp": incident_code(doc.incident),
    }


class _PostingCache:
    """Decoded posting lists per (segment, field, term), bounded by bytes, kept across
    refreshes (a segment never changes; deletions are applied by the live mask)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.entries: OrderedDict[tuple[str, str, str], tuple[Ids, Scores]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, reader: Any, segment: str, field_name: str, term: str) -> tuple[Ids, Scores]:
        """The postings of ``term`` in ``field_name`` (field ``@positions``: its positions)."""
        key = (segment, field_name, term)
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
        if field_name == "@positions":
            decoded = _positions(reader, term)
        else:
            decoded = _decode(reader, field_name, term)
        with self.lock:
            self.entries[key] = decoded
            self.size += decoded[0].nbytes + decoded[1].nbytes + 100
            while self.size > self.limit and len(self.entries) > 1:
                _, (ids, weights) = self.entries.popitem(last=False)
                self.size -= ids.nbytes + weights.nbytes + 100
        return decoded


_EMPTY_IDS: Ids = np.zeros(0, dtype=np.int64)
_EMPTY_W: Scores = np.zeros(0, dtype=np.float32)


def _matcher(reader: Any, field_name: str, term: str) -> Any:
    """The raw posting matcher of one segment (deleted documents included)."""
    raw = reader._text_to_bytes(field_name, term)
    if (field_name, raw) not in reader._terms:
        return None
    return reader._terms.matcher(field_name, raw, reader.schema[field_name].format)


def _decode(reader: Any, field_name: str, term: str) -> tuple[Ids, Scores]:
    matcher = _matcher(reader, field_name, term)
    if matcher is None:
        return _EMPTY_IDS, _EMPTY_W
    ids: list[Any] = []
    weights: list[Any] = []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int64))
        weights.append(np.asarray(matcher._weights, dtype=np.float32))
        matcher._next_block()
    if not ids:
        return _EMPTY_IDS, _EMPTY_W
    return np.concatenate(ids), np.concatenate(weights)


def _positions(reader: Any, term: str) -> tuple[Ids, Scores]:
    """Every position of ``term`` in the segment, as (document, position) arrays; kept in
    the posting cache like the postings (the second array holds positions as floats)."""
    matcher = _matcher(reader, "text", term)
    if matcher is None:
        return _EMPTY_IDS, _EMPTY_W
    decode = reader.schema["text"].format.decode_positions
    owners: list[int] = []
    spots: list[int] = []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_values()
        for docnum, value in zip(matcher._ids, matcher._values, strict=True):
            found = decode(value)
            owners.extend([docnum] * len(found))
            spots.extend(found)
        matcher._next_block()
    return np.asarray(owners, dtype=np.int64), np.asarray(spots, dtype=np.float32)


@dataclass
class _Leaf:
    reader: Any
    offset: int
    segment: str


@dataclass
class _View:
    """What one opened searcher answers with: arrays over all its documents."""

    searcher: Any
    leaves: list[_Leaf]
    n: int
    live: Mask
    day: Ids
    submitted: Ids
    severity: Ids
    group: Ids
    access: dict[frozenset[str], Mask] = field(default_factory=dict)
    facet_docs: Ids | None = None
    facet_terms: Ids | None = None
    facet_names: list[str] = field(default_factory=list)
    vocabulary: list[tuple[str, int]] | None = None


class _SegmentColumns:
    """Per-segment column arrays, cached by segment id."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Ids]] = {}
        self.lock = threading.Lock()

    def get(self, reader: Any, segment: str) -> dict[str, Ids]:
        with self.lock:
            found = self.entries.get(segment)
        if found is not None:
            return found
        count = reader.doc_count_all()
        arrays: dict[str, Ids] = {}
        for name in ("day", "submitted", "severity", "grp"):
            column = reader.column_reader(name, translate=False)
            arrays[name] = np.fromiter(
                (column[docnum] for docnum in range(count)), dtype=np.int64, count=count
            )
        with self.lock:
            self.entries[segment] = arrays
        return arrays


class WhooshBackend:
    """One tier's Whoosh index in ``path``."""

    name = "whoosh"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._ix: Any = None
        self._view: _View | None = None
        self._lock = threading.RLock()
        self._postings = _PostingCache(CACHE_BYTES)
        self._columns = _SegmentColumns()

    # -- storage -----------------------------------------------------------------------

    def _index(self) -> Any:
        if self._ix is None:
            self.path.mkdir(parents=True, exist_ok=True)
            storage = FileStorage(str(self.path))
            if index.exists_in(str(self.path)):
                self._ix = storage.open_index()
            else:
                self._ix = storage.create_index(_schema())
        return self._ix

    def add(
        self,
        docs: Sequence[Document],
        *,
        remove: Sequence[str] = (),
        clear_incidents: Sequence[str] = (),
    ) -> None:
        if not docs and not remove and not clear_incidents:
            return
        writer = self._index().writer(timeout=30.0)
        try:
            reader = writer.reader()
            existing = [
                *self._incident_texts(reader, clear_incidents),
                *self._existing(reader, [*remove, *(doc.id for doc in docs)]),
            ]
            for docnum in dict.fromkeys(existing):
                writer.delete_document(docnum)
            for doc in docs:
                writer.add_document(**_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        # Small commits pile up as segments; merge them only once there are several, so
        # indexing one report rarely pays for a merge.
        writer.commit(merge=len(writer.segments) >= MERGE_AT)

    @staticmethod
    def _existing(reader: Any, ids: Iterable[str]) -> list[int]:
        found = []
        for each in dict.fromkeys(ids):
            for docnum in reader.postings("id", each).all_ids() if _has(reader, each) else ():
                found.append(docnum)
        return found

    @staticmethod
    def _incident_texts(reader: Any, references: Iterable[str]) -> list[int]:
        found = []
        for reference in dict.fromkeys(references):
            if ("incident", reader._text_to_bytes("incident", reference)) not in reader:
                continue
            for docnum in reader.postings("incident", reference).all_ids():
                if reader.stored_fields(docnum).get("kind") == "incident":
                    found.append(docnum)
        return found

    def rebuild(self, docs: Iterable[Document]) -> int:
        iterator = iter(docs)
        head = list(itertools.islice(iterator, PARALLEL_FROM))
        with self._lock:
            self._view = None
            if self._ix is not None:
                self._ix.close()
                self._ix = None
            if self.path.exists():
                shutil.rmtree(self.path)
            ix = self._index()
        parallel = len(head) >= PARALLEL_FROM
        options: dict[str, Any] = (
            {"procs": 2, "limitmb": 256, "multisegment": True} if parallel else {"limitmb": 128}
        )
        writer = ix.writer(**options)
        count = 0
        try:
            for doc in itertools.chain(head, iterator):
                writer.add_document(**_fields(doc))
                count += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        return count

    def digests(self) -> dict[str, str]:
        view = self._current()
        return {
            str(stored["id"]): str(stored["digest"])
            for stored in view.searcher.reader().all_stored_fields()
        }

    # -- reading -------------------------------------------------------------------------

    def _current(self) -> _View:
        with self._lock:
            view = self._view
            if view is not None and view.searcher.up_to_date():
                return view
            # A fresh reader (not ``refresh()``, which keeps the readers of unchanged segments
            # and with them deletion sets that may be out of date).
            # The old searcher is left to the garbage collector: a concurrent lookup may hold it.
            searcher = self._index().searcher()
            self._view = self._make_view(searcher)
            return self._view

    def _make_view(self, searcher: Any) -> _View:
        reader = searcher.reader()
        leaves = [
            _Leaf(leaf, offset, leaf.segment().segment_id() if leaf.segment() else "ram")
            for leaf, offset in reader.leaf_readers()
            if hasattr(leaf, "_terms")  # an empty index answers with an EmptyReader
        ]
        n = reader.doc_count_all()
        live = np.ones(n, dtype=np.bool_)
        arrays: dict[str, list[Ids]] = {"day": [], "submitted": [], "severity": [], "grp": []}
        for leaf in leaves:
            if leaf.reader.has_deletions():
                deleted = np.fromiter(leaf.reader.deleted_docs_set, dtype=np.int64)
                live[deleted + leaf.offset] = False
            if leaf.reader.doc_count_all():
                for name, array in self._columns.get(leaf.reader, leaf.segment).items():
                    arrays[name].append(array)

        def joined(name: str) -> Ids:
            return np.concatenate(arrays[name]) if arrays[name] else _EMPTY_IDS

        return _View(
            searcher=searcher,
            leaves=leaves,
            n=n,
            live=live,
            day=joined("day"),
            submitted=joined("submitted"),
            severity=joined("severity"),
            group=joined("grp"),
        )

    def _postings_of(self, view: _View, field_name: str, term: str) -> tuple[Ids, Scores]:
        ids: list[Ids] = []
        weights: list[Scores] = []
        for leaf in view.leaves:
            local, weight = self._postings.get(leaf.reader, leaf.segment, field_name, term)
            if len(local):
                ids.append(local + leaf.offset)
                weights.append(weight)
        if not ids:
            return _EMPTY_IDS, _EMPTY_W
        if len(ids) == 1:
            return ids[0], weights[0]
        return np.concatenate(ids), np.concatenate(weights)

    def _mask(self, view: _View, ids: Ids) -> Mask:
        mask = np.zeros(view.n, dtype=np.bool_)
        mask[ids] = True
        return mask

    def _access(self, view: _View, keys: frozenset[str]) -> Mask:
        found = view.access.get(keys)
        if found is None:
            found = np.zeros(view.n, dtype=np.bool_)
            for key in keys:
                found[self._postings_of(view, "keys", key)[0]] = True
            found &= view.live
            view.access[keys] = found
        return found

    def _facet_arrays(self, view: _View) -> tuple[Ids, Ids, list[str]]:
        if view.facet_docs is None or view.facet_terms is None:
            names = sorted(
                {str(term) for leaf in view.leaves for term in leaf.reader.field_terms("facets")}
            )
            docs: list[Ids] = []
            terms: list[Ids] = []
            for number, name in enumerate(names):
                ids = self._postings_of(view, "facets", name)[0]
                docs.append(ids)
                terms.append(np.full(len(ids), number, dtype=np.int64))
            view.facet_docs = np.concatenate(docs) if docs else _EMPTY_IDS
            view.facet_terms = np.concatenate(terms) if terms else _EMPTY_IDS
            view.facet_names = names
        return view.facet_docs, view.facet_terms, view.facet_names

    def lookup(self, lookup: Lookup) -> Matches:
        view = self._current()
        allowed = self._access(view, lookup.keys)
        scores = np.zeros(view.n, dtype=np.float32) if lookup.sort is Sort.RELEVANCE else None
        if lookup.root is None:
            matched = allowed.copy()
        else:
            matched = self._eval(view, lookup.root, scores, lookup.deadline, allowed)
            matched &= allowed
        self._check(lookup.deadline)
        for facet, values in lookup.filters.items():
            chosen = np.zeros(view.n, dtype=np.bool_)
            for value in values:
                chosen[self._postings_of(view, "facets", f"{facet}={value}")[0]] = True
            matched &= chosen
        if lookup.date_from is not None:
            matched &= view.day >= lookup.date_from.toordinal()
        if lookup.date_to is not None:
            matched &= (view.day <= lookup.date_to.toordinal()) & (view.day > 0)
        candidates = np.flatnonzero(matched)
        facets = self._facet_counts(view, matched, lookup.facets) if lookup.facets else {}
        self._check(lookup.deadline)
        if lookup.group:
            total, page = self._grouped(view, candidates, scores, lookup)
        else:
            total = len(candidates)
            page = [
                (int(docnum), 1)
                for docnum in self._top(
                    view, candidates, scores, lookup.sort, lookup.offset + lookup.limit
                )[lookup.offset :]
            ]
        hits = []
        for docnum, size in page:
            stored = view.searcher.stored_fields(docnum)
            hits.append(
                Match(
                    id=stored["id"],
                    kind=stored["kind"],
                    reference=stored["ref"],
                    subject_id=int(stored["sid"]),
                    incident=stored.get("incident") or "",
                    score=float(scores[docnum]) if scores is not None else 0.0,
                    group_size=size,
                    title=stored.get("title") or "",
                    excerpt=stored.get("excerpt") or "",
                )
            )
        return Matches(total=total, hits=hits, facets=facets)

    @staticmethod
    def _check(deadline: float) -> None:
        if time.monotonic() > deadline:
            raise SearchTimedOut

    def _order(self, view: _View, docs: Ids, scores: Scores | None, sort: Sort) -> Ids:
        """``docs`` (ascending) in result order; ties broken by newest, then index order."""
        if sort is Sort.RELEVANCE and scores is not None:
            return docs[np.lexsort((docs, -view.submitted[docs], -scores[docs]))]
        if sort is Sort.OLDEST:
            return docs[np.lexsort((docs, view.submitted[docs]))]
        if sort is Sort.SEVERITY:
            return docs[np.lexsort((docs, -view.submitted[docs], -view.severity[docs]))]
        return docs[np.lexsort((docs, -view.submitted[docs]))]

    def _primary(self, view: _View, docs: Ids, scores: Scores | None, sort: Sort) -> Any:
        if sort is Sort.RELEVANCE and scores is not None:
            return -scores[docs]
        if sort is Sort.OLDEST:
            return view.submitted[docs]
        if sort is Sort.SEVERITY:
            return -view.severity[docs]
        return -view.submitted[docs]

    def _top(self, view: _View, docs: Ids, scores: Scores | None, sort: Sort, k: int) -> Ids:
        if k <= 0 or not len(docs):
            return _EMPTY_IDS
        if len(docs) > 4 * k and len(docs) > 2000:
            primary = self._primary(view, docs, scores, sort)
            threshold = np.partition(primary, k - 1)[k - 1]
            docs = docs[primary <= threshold]
        return self._order(view, docs, scores, sort)[:k]

    def _grouped(
        self, view: _View, docs: Ids, scores: Scores | None, lookup: Lookup
    ) -> tuple[int, list[tuple[int, int]]]:
        ordered = self._order(view, docs, scores, lookup.sort)
        groups = view.group[ordered]
        groups = np.where(groups == 0, -(ordered + 1), groups)
        keys, first, counts = np.unique(groups, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        chosen = order[lookup.offset : lookup.offset + lookup.limit]
        return len(keys), [(int(ordered[first[i]]), int(counts[i])) for i in chosen]

    def _facet_counts(
        self, view: _View, matched: Mask, wanted: Sequence[str]
    ) -> dict[str, dict[str, int]]:
        docs, terms, names = self._facet_arrays(view)
        counts = np.bincount(terms[matched[docs]], minlength=len(names))
        found: dict[str, dict[str, int]] = {facet: {} for facet in wanted}
        for number in np.flatnonzero(counts):
            facet, _, value = names[number].partition("=")
            if facet in found:
                found[facet][value] = int(counts[number])
        return found

    # -- query evaluation --------------------------------------------------------------

    def _eval(
        self, view: _View, node: Node, scores: Scores | None, deadline: float, allowed: Mask
    ) -> Mask:
        self._check(deadline)
        if isinstance(node, Term):
            ids, weights = self._postings_of(view, "text", node.word)
            self._score(view, scores, ids, weights)
            return self._mask(view, ids)
        if isinstance(node, Prefix):
            mask = np.zeros(view.n, dtype=np.bool_)
            for term in itertools.islice(self._expand(view, node.stem), MAX_EXPANSION):
                ids, weights = self._postings_of(view, "text", term)
                self._score(view, scores, ids, weights)
                mask[ids] = True
                self._check(deadline)
            return mask
        if isinstance(node, Phrase):
            return self._phrase(view, node, scores, allowed)
        if isinstance(node, Not):
            return ~self._eval(view, node.child, None, deadline, allowed)
        if isinstance(node, And):
            # Narrow by the positive parts first (phrases check fewer candidates).
            ordered = sorted(node.children, key=lambda child: isinstance(child, Not | Phrase))
            result = allowed.copy()
            for child in ordered:
                result &= self._eval(view, child, scores, deadline, result)
            return result
        result = np.zeros(view.n, dtype=np.bool_)
        for child in node.children:
            result |= self._eval(view, child, scores, deadline, allowed)
        return result

    def _expand(self, view: _View, stem: str) -> Iterator[str]:
        seen: set[str] = set()
        for leaf in view.leaves:
            for term in leaf.reader.expand_prefix("text", stem):
                text = term.decode() if isinstance(term, bytes) else str(term)
                if text not in seen:
                    seen.add(text)
                    yield text

    @staticmethod
    def _score(view: _View, scores: Scores | None, ids: Ids, weights: Scores) -> None:
        if scores is None or not len(ids):
            return
        idf = math.log(1.0 + (view.n - len(ids) + 0.5) / (len(ids) + 0.5))
        scores[ids] += np.float32(idf) * weights * (K1 + 1) / (weights + K1)

    def _phrase(self, view: _View, node: Phrase, scores: Scores | None, allowed: Mask) -> Mask:
        """Documents holding the words in a row: candidates by postings, then one numpy
        intersection of (document, position - offset) keys per word on cached positions."""
        candidates = allowed.copy()
        for word in node.words:
            candidates &= self._mask(view, self._postings_of(view, "text", word)[0])
        result = np.zeros(view.n, dtype=np.bool_)
        for leaf in view.leaves:
            count = leaf.reader.doc_count_all()
            local = candidates[leaf.offset : leaf.offset + count]
            if not local.any():
                continue
            keys: Ids | None = None
            for shift, word in enumerate(node.words):
                owners, spots = self._postings.get(leaf.reader, leaf.segment, "@positions", word)
                keep = local[owners]
                found = (owners[keep] << 20) + (spots[keep].astype(np.int64) - shift)
                keys = found if keys is None else np.intersect1d(keys, found, assume_unique=False)
                if not len(keys):
                    break
            if keys is not None and len(keys):
                result[np.unique(keys >> 20) + leaf.offset] = True
        if scores is not None:
            for word in node.words:
                ids, weights = self._postings_of(view, "text", word)
                keep = result[ids]
                self._score(view, scores, ids[keep], weights[keep])
        return result

    def doc_freq(self, word: str) -> int:
        view = self._current()
        ids = self._postings_of(view, "text", word)[0]
        return int(view.live[ids].sum())

    def vocabulary(self) -> Sequence[tuple[str, int]]:
        view = self._current()
        if view.vocabulary is None:
            reader = view.searcher.reader()
            view.vocabulary = [
                (term.decode() if isinstance(term, bytes) else str(term), info.doc_frequency())
                for term, info in reader.iter_field("text")
            ]
        return view.vocabulary


def _has(reader: Any, value: str) -> bool:
    return ("id", reader._text_to_bytes("id", value)) in reader
