"""Corpus statistics as the scoring sees them: normalised IDF of terms, per query snapshot."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import numpy as np

#: Reference corpus size for the absolute IDF (see :meth:`Corpus.nidf`).
REFERENCE_SIZE = 500


@dataclasses.dataclass(frozen=True, slots=True)
class Corpus:
    """Corpus statistics: stored report count and document frequency of terms."""

    size: int
    document_frequency: Mapping[str, int]
    #: How many reports the filing organisation of the new report has filed before (its
    #: history); 0 when not known.
    filer_history: int = 0
    #: Per-term factor (0..1] of the neighbourhood discount (see :meth:`snapshot`).
    discount: Mapping[str, float] = dataclasses.field(default_factory=dict)
    _cache: dict[str, float] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    _vectors: dict[tuple[int, int], tuple[dict[str, float], float]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )
    _norms: dict[int, tuple[float, float]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )
    _idf: dict[frozenset[str], dict[str, float]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )
    #: The last pair asked of :meth:`shared_idf` and its answer (held, so an id is never reused).
    _last_pair: list[tuple[Mapping[str, int], Mapping[str, int], list[tuple[str, float]]]] = (
        dataclasses.field(default_factory=list, compare=False, repr=False)
    )

    @classmethod
    def snapshot(
        cls,
        size: int,
        document_frequency: Mapping[str, int],
        *,
        filer_history: int = 0,
        discount: Mapping[str, float] | None = None,
    ) -> Corpus:
        """Return a corpus with the normalised IDF of every given term computed at once.

        ``discount``: a factor per term that multiplies its IDF, the neighbourhood discount: a
        word carried by several distinct candidate incidents (a company's boilerplate, its
        product names) tells them apart little, however rare it is in the whole store.
        """
        discount = discount or {}
        corpus = cls(size, document_frequency, filer_history, discount)
        terms = list(document_frequency)
        df = np.fromiter(document_frequency.values(), dtype=np.float64, count=len(terms)) + 1
        relative = np.log((size + 2) / df) / math.log(size + 2)
        absolute = np.log((REFERENCE_SIZE + 2) / df) / math.log(REFERENCE_SIZE + 2)
        values = np.maximum(0.0, np.minimum(relative, absolute))
        cache = corpus._cache
        cache.update(zip(terms, values.tolist(), strict=True))
        for term, factor in discount.items():
            if term in cache:
                cache[term] *= factor
        return corpus

    def nidf(self, term: str) -> float:
        """Return the IDF of ``term`` normalised to 0..1 (1 = in no stored report).

        The smaller of two normalised IDFs: relative to the store (``ln(N+2)``), which keeps
        common words low while the store is small, and relative to a fixed reference size,
        which keeps a term's weight from creeping up as the store grows. Together they keep the
        fitted weights valid from a handful of reports to hundreds of thousands.
        """
        cached = self._cache.get(term)
        if cached is None:
            df = self.document_frequency.get(term, 0) + 1
            relative = math.log((self.size + 2) / df) / math.log(self.size + 2)
            absolute = math.log((REFERENCE_SIZE + 2) / df) / math.log(REFERENCE_SIZE + 2)
            cached = max(0.0, min(relative, absolute)) * self.discount.get(term, 1.0)
            self._cache[term] = cached
        return cached

    def vector(self, terms: Mapping[str, int], power: int) -> tuple[dict[str, float], float]:
        """Return ``(weight by term, sum of squared weights)`` of a bag of terms.

        ``power=1``: sublinear tf times normalised IDF (for cosine); ``power=2``: squared
        normalised IDF, tf ignored (for overlap). Memoised per object for the life of this
        corpus snapshot, because one new report is compared with many stored ones.
        """
        key = (id(terms), power)
        found = self._vectors.get(key)
        if found is None:
            if power == 1:
                weights = {t: (1.0 + math.log(tf)) * self.nidf(t) for t, tf in terms.items()}
                found = (weights, sum(w * w for w in weights.values()))
            else:
                weights = {t: self.nidf(t) ** 2 for t in terms}
                found = (weights, sum(weights.values()))
            self._vectors[key] = found
        return found

    def norms(self, terms: Mapping[str, int]) -> tuple[float, float]:
        """Return the sums of squared weights of :meth:`vector` with ``power=1`` and ``2``,
        without building the vectors: a stored report is compared once per snapshot, and
        only its shared terms need their weights (memoised per object, as ``vector``)."""
        key = id(terms)
        found = self._norms.get(key)
        if found is None:
            cache, nidf = self._cache, self.nidf
            cosine = squares = 0.0
            for term, tf in terms.items():
                n = cache.get(term)
                if n is None:
                    n = nidf(term)
                squares += n * n
                w = n if tf == 1 else (1.0 + math.log(tf)) * n
                cosine += w * w
            found = self._norms[key] = (cosine, squares)
        return found

    def shared_idf(
        self, left: Mapping[str, int], right: Mapping[str, int]
    ) -> list[tuple[str, float]]:
        """Return the terms two bags share with their normalised IDF (the last pair asked is
        remembered: several signals of one pair go through them)."""
        last = self._last_pair
        if last and last[0][0] is left and last[0][1] is right:
            return last[0][2]
        found = [(t, self.nidf(t)) for t in left.keys() & right.keys()]
        last[:] = [(left, right, found)]
        return found

    def idf_weights(self, terms: frozenset[str]) -> dict[str, float]:
        """Return the normalised IDF of each of ``terms`` (memoised: the new report's title
        is compared with every candidate's)."""
        found = self._idf.get(terms)
        if found is None:
            found = self._idf[terms] = {t: self.nidf(t) for t in terms}
        return found
