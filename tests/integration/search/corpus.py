"""A seeded corpus of documents for the contract suite: small vocabulary, many overlaps."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from incidents.search.documents import Document, _digest

_TEXT = (
    "model chatbot vehicle autonomous jailbreak deepfake advice unsafe patient sepsis score "
    "alarm triage voice clone fraud bank loan credit bias hiring resume camera face "
    "recognition arrest police drone strike trading crash market outage power grid "
    "the a of and to in was after before during system failure incident report safety "
    "transport translation transformer transit"
)
WORDS = tuple(_TEXT.split())
KEYS = ("org:1", "org:2", "network", "to:10", "to:11", "desk:10", "analysts")
SECTORS = ("health", "finance", "transport", "energy", "public_administration")
HARMS = ("physical_injury", "psychological", "economic_property", "reputational")


def corpus(size: int = 240, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    docs = []
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for number in range(1, size + 1):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 60))) + "."
        access = frozenset(rng.sample(KEYS, rng.randint(1, 3)))
        facets = {f"sector={rng.choice(SECTORS)}", f"stage={rng.choice(('initial', 'final'))}"}
        facets |= {f"harm_type={each}" for each in rng.sample(HARMS, rng.randint(0, 2))}
        incident = f"INC-2026-{rng.randint(1, 40):05d}" if rng.random() < 0.7 else ""
        kind = "incident" if incident and rng.random() < 0.1 else "report"
        docs.append(
            _digest(
                Document(
                    id=f"{kind}:{number}" if kind == "report" else f"incident:{incident}:{number}",
                    kind=kind,
                    reference=f"RPT-2026-{number:05d}" if kind == "report" else incident,
                    subject_id=number if kind == "report" else 0,
                    incident=incident,
                    title=title,
                    body=body,
                    access=access,
                    facets=frozenset(facets),
                    occurred_on=(
                        date(2025, 1, 1) + timedelta(days=rng.randint(0, 600))
                        if rng.random() < 0.8
                        else None
                    ),
                    submitted_at=start + timedelta(hours=rng.randint(0, 20000)),
                    severity=rng.randint(0, 5),
                )
            )
        )
    return docs
