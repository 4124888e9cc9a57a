"""The persistence the engine needs, as a protocol, and an in-memory implementation.

Every read is a batched equality probe on ``(kind, key)`` or on report ids, so a SQL
implementation needs a key table indexed on ``(kind, key)``, a key-count table updated on
insert, and a report table (id, incident id, features as JSON via
:func:`~incidents.dedup.fingerprint.features_to_json`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, cast

from incidents.dedup.fingerprint import Fingerprint, Key, ReportFeatures

#: A key not read yet (a count of None means read and not stored).
_UNREAD = object()


class CandidateStore(Protocol):
    """Storage of fingerprints, the incidents reports belong to, and key counts."""

    def add(self, fingerprint: Fingerprint, incident_id: str) -> None:
        """Store a report's keys and features as a member of ``incident_id``.

        Raises ``ValueError`` if the report is already stored.
        """
        ...

    def report_count(self) -> int:
        """Return how many reports are stored."""
        ...

    def key_counts(self, keys: Iterable[Key]) -> dict[Key, int]:
        """Return how many stored reports carry each key (keys never seen are left out)."""
        ...

    def reports_matching(self, keys: Sequence[Key], *, limit: int) -> list[tuple[str, int]]:
        """Return up to ``limit`` ``(report_id, matched keys)`` pairs, most matches first."""
        ...

    def features(self, report_ids: Iterable[str]) -> dict[str, ReportFeatures]:
        """Return the stored features of the given reports (unknown ids are left out)."""
        ...

    def incident_ids(self, report_ids: Iterable[str]) -> dict[str, str]:
        """Return the incident each given report belongs to (unknown ids are left out)."""
        ...

    def reports_of(self, incident_id: str, *, limit: int) -> list[str]:
        """Return up to ``limit`` reports of ``incident_id``, the first stored first."""
        ...


class InMemoryStore:
    """A :class:`CandidateStore` in process memory, for tests and benchmarks."""

    def __init__(self) -> None:
        self._postings: defaultdict[Key, list[str]] = defaultdict(list)
        self._features: dict[str, ReportFeatures] = {}
        self._incident: dict[str, str] = {}

    def add(self, fingerprint: Fingerprint, incident_id: str) -> None:
        """Store a report; see :meth:`CandidateStore.add`."""
        if fingerprint.report_id in self._features:
            raise ValueError(f"report {fingerprint.report_id!r} is already stored")
        for key in dict.fromkeys(fingerprint.keys):
            self._postings[key].append(fingerprint.report_id)
        self._features[fingerprint.report_id] = fingerprint.features
        self._incident[fingerprint.report_id] = incident_id

    def report_count(self) -> int:
        """Return how many reports are stored."""
        return len(self._features)

    def key_counts(self, keys: Iterable[Key]) -> dict[Key, int]:
        """Return how many stored reports carry each key."""
        return {k: len(self._postings[k]) for k in keys if k in self._postings}

    def reports_matching(self, keys: Sequence[Key], *, limit: int) -> list[tuple[str, int]]:
        """Return up to ``limit`` reports carrying the most of ``keys``."""
        counts: Counter[str] = Counter()
        for key in dict.fromkeys(keys):
            counts.update(self._postings.get(key, ()))
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def features(self, report_ids: Iterable[str]) -> dict[str, ReportFeatures]:
        """Return stored features by report id."""
        return {r: self._features[r] for r in report_ids if r in self._features}

    def incident_ids(self, report_ids: Iterable[str]) -> dict[str, str]:
        """Return the incident id of each known report."""
        return {r: self._incident[r] for r in report_ids if r in self._incident}

    def reports_of(self, incident_id: str, *, limit: int) -> list[str]:
        """Return up to ``limit`` reports of ``incident_id`` in the order they were stored."""
        return [r for r, i in self._incident.items() if i == incident_id][:limit]

    def incident_map(self) -> Mapping[str, str]:
        """Return every stored report's incident id (for evaluation, not part of the protocol)."""
        return dict(self._incident)


@dataclass
class Reads:
    """Key counts and features read from a store (a count of None: the key is not stored)."""

    counts: dict[Key, int | None] = field(default_factory=dict)
    features: dict[str, ReportFeatures] = field(default_factory=dict)


class CachedReads:
    """A :class:`CandidateStore` that remembers what it read from ``store`` for one placement.

    The reconsideration after a placement reads again the features and key counts the lookup
    just read; through this wrapper those reads are free. Writes go through and keep the
    cache exact (an added report's keys are counted, its features remembered). ``known``:
    what earlier placements read, still exact for the store as it is (see
    :mod:`incidents.dedup.memory`); it is only read, and what this placement reads or writes
    is kept apart in :attr:`read`; ``generation``: the store's generation ``known`` is
    exact for.
    """

    def __init__(
        self, store: CandidateStore, known: Reads | None = None, *, generation: int | None = None
    ) -> None:
        self.store = store
        self.known = known or Reads()
        self.read = Reads()
        self.generation = generation
        self._report_count: int | None = None

    def add(self, fingerprint: Fingerprint, incident_id: str) -> None:
        """Store a report through the wrapped store, and count it in what was read."""
        self.store.add(fingerprint, incident_id)
        for key in set(fingerprint.keys):
            count = self._count(key)
            if count is not _UNREAD:
                self.read.counts[key] = (cast("int | None", count) or 0) + 1
        if self._report_count is not None:
            self._report_count += 1
        self.read.features[fingerprint.report_id] = fingerprint.features

    def _count(self, key: Key) -> int | object | None:
        found = self.read.counts.get(key, _UNREAD)
        if found is _UNREAD:
            found = self.known.counts.get(key, _UNREAD)
        return found

    def report_count(self) -> int:
        """Return how many reports are stored (read once)."""
        if self._report_count is None:
            self._report_count = self.store.report_count()
        return self._report_count

    def key_counts(self, keys: Iterable[Key]) -> dict[Key, int]:
        """Return how many stored reports carry each key; only unread keys are read."""
        out: dict[Key, int] = {}
        unread: list[Key] = []
        read, known = self.read.counts, self.known.counts
        for key in dict.fromkeys(keys):
            count = read.get(key, _UNREAD)
            if count is _UNREAD:
                count = known.get(key, _UNREAD)
            if count is _UNREAD:
                unread.append(key)
            elif count is not None:
                out[key] = cast(int, count)
        if unread:
            found = self.store.key_counts(unread)
            for key in unread:
                count = found.get(key)
                self.read.counts[key] = count
                if count is not None:
                    out[key] = count
        return out

    def reports_matching(self, keys: Sequence[Key], *, limit: int) -> list[tuple[str, int]]:
        """Read through: see :meth:`CandidateStore.reports_matching`."""
        return self.store.reports_matching(keys, limit=limit)

    def features(self, report_ids: Iterable[str]) -> dict[str, ReportFeatures]:
        """Return stored features; only reports not read yet are read."""
        wanted = list(dict.fromkeys(report_ids))
        unread = [r for r in wanted if r not in self.read.features and r not in self.known.features]
        if unread:
            self.read.features.update(self.store.features(unread))
        out = {}
        for report_id in wanted:
            found = self.read.features.get(report_id) or self.known.features.get(report_id)
            if found is not None:
                out[report_id] = found
        return out

    def incident_ids(self, report_ids: Iterable[str]) -> dict[str, str]:
        """Read through (incidents change as reports move)."""
        return self.store.incident_ids(report_ids)

    def reports_of(self, incident_id: str, *, limit: int) -> list[str]:
        """Read through: see :meth:`CandidateStore.reports_of`."""
        return self.store.reports_of(incident_id, limit=limit)
