"""Write bench/data/dedup_company_streams.json: a second, independently written company-streams set.

Usage::

    python bench/company_streams_gen.py [--out bench/data/dedup_company_streams.json]

Every title and description is written out by hand in ``bench/company_streams/<company>.py`` (one
module per company, its events in date order); this script only numbers the events, gives
each report an opaque key, counts what the set holds and writes the file in the format of
``shared/data/dedup_company_dev.json``. It generates no text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from company_streams import aulario, civitas, fjellvind, orvanne, reticolo, talvi

OUT = Path(__file__).resolve().parent / "data" / "dedup_company_streams.json"
COMPANIES = (orvanne, aulario, talvi, reticolo, fjellvind, civitas)

ABOUT = """Development set of company streams for measuring deduplication of AI-incident \
reports, written for this repository independently of the shared dedup_company_dev.json and \
sharing no company, system, customer, person, town or sentence with it: 6 fictional \
companies, {events} events and {reports} reports; {multi} events have more than one report \
({sizes}) and {single} have exactly 1. Submitters: {kinds}. The companies, each with 10 \
events between January 2025 and March 2026, are a vineyard-machinery maker (Orvanne \
Agrotech SAS: Sillon T3 and T4 autonomous tractors, Nuée D2 spraying drone, ParcelleIQ \
planner; FR, agriculture), an education-technology firm (Aulario Digital S.L.: VigilaExam \
proctoring, Corrector IA 2 and 3 marking, Tutoría+ tutor chatbot; ES, education), a \
hiring-technology firm (Talvi Recruit Oy: Talvi Screen 3 and 4, Talvi Interview, ShiftMatch; \
FI, employment), an energy-software firm (Reticolo Analytics S.r.l.: Prisma Load 2/3 \
forecasting, TermoCasa thermostats, Flessa flexibility dispatch; IT, energy), a \
delivery-drone operator (Fjellvind Drones AS: Lomvi X1 and X2, Lomvi Dock, RouteLoft; NO, \
transport and health) and a public-sector analytics firm (Civitas Analytics NV: Signaal 2 \
and 3 benefit-risk scoring, Loket chatbot, Dossierlezer document reader; BE, public \
administration). Each company files every one of its own incidents in one house style, with \
its own report-numbering scheme (ORV-SR-yy-nn, AD-INC/yy/nn, TR-IR-yyyy-nnn, RA-yyyy/nnn, \
FVD-OR-yy/nn, CIV/IM/yyyy-nn) and the same closing boilerplate sentence, about the same \
systems or sibling versions, in the same country, sector and mostly the same harm type, so \
distinct events of one company look alike and must not be merged. Hard cases written on \
purpose: two distinct incidents of one company at the same customer site weeks apart with \
the same harm type (Domaine des Ormeaux, Universidad Abierta de Levante, the Pohjola Care \
home in Jyväskylä, Lofoten Apotek in Svolvær; the Hainaut family-allowance fund twice, a \
year apart, with the same model version); follow-ups of one event filed months later by the \
same company with new findings (final, update or closing reports: Nuée D2 near Saumur, \
Tutoría+ in Zaragoza, Talvi Screen 4 letters, Flessa in Oristano, the Finnmark reindeer herd, \
Dossierlezer signatures); a near-identical pair of boilerplate notices that are different \
events (Reticolo's Prisma Load forecast deviations RA-2025/003 and RA-2025/004, two weeks \
apart at two operators, and a third, RA-2026/002); reports that name a sibling event as \
separate. About a third of the events were also reported by others (deployer, affected \
person, journalist, institute), told differently: other words, order and length, system \
names spelt differently (Nuee D-2, Vigila Exam, TermoKasa, Lomvi X-1, Signal) or left out, \
sometimes only the customer named, occurred_on a day before or after (time zones, the night \
before, when the reporter noticed), aware_on days to weeks later, another sector or harm \
label (employment for agriculture, real_estate or households for energy, health for \
transport), and some fields missing; {foreign} reports are written in another language \
(French, Spanish, German, Italian). Descriptions are {shortest}-{longest} words long. \
Written by hand for this project (bench/company_streams/, assembled by \
bench/company_streams_gen.py, which generates no text); everything is invented (companies, \
systems, customers, people, \
e-mail addresses on the reserved .example domain, phone numbers, reference URLs on \
.example); real countries, regions, towns and public bodies appear only as settings. Only \
taxonomy 1.0.0 values are used (sector, harm_type, event_class, submitter relation). Scoring \
as for the shared sets: event_id is the gold label and report_key an opaque id; give the \
engine each report without event_id in a shuffled order (worst of several orders); compare \
the final grouping with event_id by pairwise precision, recall and F1 over report pairs and \
by B-cubed F1; measure the precision of automatic links on its own (a wrong link here almost \
always merges two incidents of one company, so it is the number to watch); and for every \
report whose event already has an earlier report, check whether that event is among the \
top-k candidates (top-1/top-3 recall)."""

#: Words that mark a description as written in a language other than English.
FOREIGN = (
    "Mein ",
    "Je suis",
    "J'ai ",
    "Soy ",
    "Mi hijo",
    "Me presenté",
    "Nelle ",
    "La Universidad",
    "Domaine des Ormeaux, Cravant",
)


def build() -> dict[str, Any]:
    """Return the data set: events numbered CS001.., report keys derived from the numbering."""
    events = []
    for company in COMPANIES:
        for reports in company.EVENTS:
            event_id = f"CS{len(events) + 1:03d}"
            keyed = []
            for index, report in enumerate(reports):
                digest = hashlib.sha256(f"streams/{event_id}/{index}".encode()).hexdigest()
                keyed.append({"report_key": f"S-{digest[:6]}", **report})
            events.append({"event_id": event_id, "reports": keyed})
    everything = [r for e in events for r in e["reports"]]
    sizes = Counter(len(e["reports"]) for e in events)
    words = [len(r["description"].split()) for r in everything]
    kinds = Counter(r["submitter_kind"] for r in everything)
    description = ABOUT.format(
        events=len(events),
        reports=len(everything),
        multi=sum(n for size, n in sizes.items() if size > 1),
        single=sizes[1],
        sizes=", ".join(f"{sizes[s]} with {s} reports" for s in sorted(sizes) if s > 1),
        kinds=", ".join(f"{k} {n}" for k, n in kinds.most_common()),
        foreign=sum(r["description"].startswith(FOREIGN) for r in everything),
        shortest=min(words),
        longest=max(words),
    )
    return {"description": description, "version": "1.0", "events": events}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = build()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(data["description"])


if __name__ == "__main__":
    main()
