"""Score the redaction engine on a labelled PII file (the format of shared/data/pii_dev.json).

Usage::

    python bench/redaction_eval.py --data PATH [--json] [--show-errors N]

Scoring follows the file's description. R is the set of character offsets the engine
redacts (the spans ``redact`` returns) given the item's text and ``known_entities``.

- Recall is span-level: a gold span counts as found when R covers every one of its
  characters. Printed overall, per type, for person spans that are *structured-known* (their
  text equals an entry of ``known_entities.people``), for the patterned types together
  (email, phone, ip_address, payment_card, iban) and for the other, free-text person spans.
- Character precision is |R ∩ G| / |R| over non-whitespace characters, G being the union of
  the item's gold spans, micro-averaged over the file.
- A keep violation is one occurrence of a keep string (every occurrence in the text, exact
  case) with any redacted character.
- Speed is the CPU time of ``redact`` per 1,000 words (whitespace-separated), on one core,
  after an untimed warm-up pass over the file (word lists and phone metadata loaded).

With ``--json`` the last line printed is one JSON object with the keys ``recall_by_type``,
``recall_known_names``, ``recall_patterned``, ``recall_free_text_names``, ``char_precision``,
``keep_violations``, ``items`` and ``ms_per_1000_words``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from incidents.public.redaction import KnownNames, redact

PATTERNED = ("email", "phone", "ip_address", "payment_card", "iban")


@dataclass
class Tally:
    """Found / total counts."""

    found: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.found += hit
        self.total += 1

    @property
    def recall(self) -> float | None:
        return self.found / self.total if self.total else None


@dataclass
class Score:
    """The running totals of one evaluation."""

    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    overall: Tally = field(default_factory=Tally)
    known: Tally = field(default_factory=Tally)
    patterned: Tally = field(default_factory=Tally)
    free_text: Tally = field(default_factory=Tally)
    redacted_chars: int = 0
    correct_chars: int = 0
    keep_violations: int = 0
    items: int = 0
    words: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct_chars / self.redacted_chars if self.redacted_chars else 1.0


def names_of(item: dict[str, Any]) -> KnownNames:
    """The structured names of one item."""
    known = item.get("known_entities") or {}
    return KnownNames(
        people=tuple(known.get("people") or ()),
        organisations=tuple(known.get("organisations") or ()),
        systems=tuple(known.get("systems") or ()),
    )


def _occurrences(text: str, needle: str) -> list[int]:
    out, start = [], text.find(needle)
    while needle and start != -1:
        out.append(start)
        start = text.find(needle, start + 1)
    return out


def score_item(item: dict[str, Any], score: Score) -> None:
    """Redact one item and add its counts to ``score``."""
    text: str = item["text"]
    names = names_of(item)
    # CPU time of this process: the engine is single-threaded, and other jobs on a shared
    # machine would otherwise be billed to it.
    started = time.process_time()
    result = redact(text, names)
    score.seconds += time.process_time() - started
    redacted = {i for s in result.spans for i in range(s.start, s.end)}
    gold_chars: set[int] = set()
    people = set(names.people)
    for span in item["spans"]:
        chars = range(span["start"], span["end"])
        gold_chars.update(chars)
        hit = all(i in redacted for i in chars)
        score.overall.add(hit)
        score.by_type[span["type"]].add(hit)
        if span["type"] == "person":
            (score.known if span["text"] in people else score.free_text).add(hit)
        if span["type"] in PATTERNED:
            score.patterned.add(hit)
        if not hit:
            score.errors.append(f"{item['id']} MISSED {span['type']}: {span['text']!r}")
    for i in redacted:
        if not text[i].isspace():
            score.redacted_chars += 1
            score.correct_chars += i in gold_chars
    for s in result.spans:
        if not any(i in gold_chars for i in range(s.start, s.end)):
            score.errors.append(f"{item['id']} EXTRA {s.kind}: {s.text!r} ({s.reason})")
    for keep in item.get("keep") or ():
        for start in _occurrences(text, keep):
            if any(i in redacted for i in range(start, start + len(keep))):
                score.keep_violations += 1
                score.errors.append(f"{item['id']} KEEP violated: {keep!r}")
    score.items += 1
    score.words += len(text.split())


def evaluate(items: Sequence[dict[str, Any]]) -> Score:
    """Score every item, after one untimed warm-up pass over the whole file.

    The warm-up loads the word lists and lets libphonenumber load the metadata of the
    countries in the file, as a long-running worker would have; the engine keeps no cache of
    texts or numbers, so the timed pass does all the work again.
    """
    for item in items:
        redact(item["text"], names_of(item))
    score = Score()
    for item in items:
        score_item(item, score)
    return score


def summary(score: Score) -> dict[str, Any]:
    """The JSON object the benchmark prints last."""

    def r(t: Tally) -> float | None:
        return None if t.recall is None else round(t.recall, 4)

    return {
        "recall_by_type": {k: r(v) for k, v in sorted(score.by_type.items())},
        "recall_overall": r(score.overall),
        "recall_known_names": r(score.known),
        "recall_patterned": r(score.patterned),
        "recall_free_text_names": r(score.free_text),
        "char_precision": round(score.precision, 4),
        "keep_violations": score.keep_violations,
        "items": score.items,
        "ms_per_1000_words": round(score.seconds * 1000 / max(score.words, 1) * 1000, 3),
    }


def _table(score: Score) -> str:
    def row(label: str, t: Tally) -> str:
        recall = "-" if t.recall is None else f"{t.recall:.4f}"
        return f"  {label:<26} {recall:>7}  ({t.found}/{t.total})"

    lines = ["recall (span-level)"]
    lines += [row(k, v) for k, v in sorted(score.by_type.items())]
    lines += [
        row("OVERALL", score.overall),
        row("structured-known people", score.known),
        row("patterned identifiers", score.patterned),
        row("free-text people", score.free_text),
        f"character precision          {score.precision:.4f}  "
        f"({score.correct_chars}/{score.redacted_chars} non-space chars)",
        f"keep violations              {score.keep_violations}",
        f"items                        {score.items}  ({score.words} words)",
        f"time                         {score.seconds * 1e6 / max(score.words, 1):.3f} ms "
        "per 1,000 words",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, type=Path, help="labelled PII JSON file")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="print the first N misses, extras and keep violations",
    )
    args = parser.parse_args(argv)
    data = json.loads(args.data.read_text(encoding="utf-8"))
    score = evaluate(data["items"])
    print(_table(score))
    for line in score.errors[: args.show_errors]:
        print(line)
    if args.json:
        print(json.dumps(summary(score)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
