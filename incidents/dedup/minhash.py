"""A small, seeded MinHash over word shingles, and its LSH band keys.

Hashes are stable across processes and machines (CRC-32 of the shingle, then fixed
universal-hash permutations), so band keys written by one worker match those of another.
"""

from __future__ import annotations

import operator
import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

NUM_PERM = 64
#: 21 bands of 3 rows: a pair with shingle Jaccard 0.3 becomes a candidate with p ~0.43,
#: 0.5 with p ~0.93 (the S-curve's midpoint is ~(1/21)^(1/3) = 0.36).
BANDS = 21
ROWS = 3
SHINGLE = 3
_PRIME = np.uint64((1 << 31) - 1)
_RNG = np.random.default_rng(20251122)
_A = _RNG.integers(1, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _RNG.integers(0, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)
EMPTY = (1 << 31) - 1


def shingles(terms: Sequence[str], size: int = SHINGLE) -> set[str]:
    """Return the word ``size``-shingles of ``terms`` (the terms themselves if fewer)."""
    if len(terms) < size:
        return set(terms)
    return {" ".join(terms[i : i + size]) for i in range(len(terms) - size + 1)}


def signature(items: set[str]) -> tuple[int, ...]:
    """Return the MinHash signature (``NUM_PERM`` ints) of a set; all ``EMPTY`` if it is empty."""
    if not items:
        return (EMPTY,) * NUM_PERM
    hashes = np.fromiter(
        (zlib.crc32(s.encode("utf-8")) for s in sorted(items)), dtype=np.uint64, count=len(items)
    )
    permuted: npt.NDArray[np.uint64] = (np.outer(hashes, _A) + _B) % _PRIME
    return tuple(int(v) for v in permuted.min(axis=0))


def band_keys(sig: Sequence[int]) -> list[str]:
    """Return one key per LSH band of a signature (none for the empty signature)."""
    if all(v == EMPTY for v in sig):
        return []
    keys = []
    for band in range(BANDS):
        rows = sig[band * ROWS : (band + 1) * ROWS]
        digest = zlib.crc32(",".join(map(str, rows)).encode("ascii"))
        keys.append(f"{band}:{digest:08x}")
    return keys


def estimate_jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    """Return the share of agreeing MinHash slots (0.0 when either signature is empty)."""
    # A signature is empty in every slot or in none (a slot is the least hash of its items).
    if not a or not b or a[0] == EMPTY or b[0] == EMPTY:
        return 0.0
    if len(a) != len(b):
        raise ValueError("signatures of different lengths")
    agreeing: int = sum(map(operator.eq, a, b))
    return agreeing / len(a)
