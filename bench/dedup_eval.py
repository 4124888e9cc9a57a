"""Replay a labelled dedup data file through the real submission service and score the result.

Usage::

    python bench/dedup_eval.py --data PATH [--json] [--seed N] [--degrade SEED]
        [--background N] [--database-url URL] [--show-errors]

Each report becomes a report filed by ``incidents.reports.services.file_report`` (a
journalist's item is imported by an institute analyst as a public-source report, as
``flask sources import`` does: its text, URL, publication date and only the fields it
carries) into a fresh
database (a temporary SQLite file, or ``--database-url``, whose schema is emptied first), in a
shuffled but seeded order; after each commit the outbox is drained by the application's own
``registry.pipeline.drain``, so the engine decides exactly as it does after a web or API
submission, with the application's default configuration (``INCIDENTS_DEDUP_*``: auto-link
0.7, review 0.3; 0.97 to link while fewer than 25 reports are stored). The engine never
sees ``event_id`` or ``report_key``: only the filed report.

A JSON report becomes a classification of taxonomy 1.0.0: its fields map to ``event_class``,
``harm_type``, ``countries``, ``sector``, ``ai_system``, ``occurred_on`` and ``aware_at``;
the fields the taxonomy requires and the format does not carry (confidence, persons
affected, ...) get the same neutral value in every report, so they say nothing. A required
field the report leaves out is given the way a reporter who does not know would give it: a
system name "unknown", sector and harm type "other", an occurrence date known only to the
year. A value the taxonomy does not know is treated as left out. (A report without countries,
which the format always carries, would be filed with "AQ": the taxonomy has no "unknown"
country.)

``--degrade SEED`` cuts each description to its first two sentences and drops each structured
field with probability 0.3 (system name, version, developer, deployer, occurrence date,
sector, harm types, references). Countries and event class are kept: the taxonomy requires
them and has no "unknown" value, so a filed report always states them. Who filed a report is
never degraded: a filing organisation is always known.

``--background N`` first files N synthetic reports (``bench/synthetic.py``, the generator of
the scale benchmark) with the batch service and places them, one incident per synthetic
event, so the labelled events must be found among many unrelated ones.

Printed: auto-link precision, pairwise precision/recall/F1 and B-cubed F1 of the final
automatic grouping (a report in the review band counts as its own incident), the share of true
duplicate pairs linked automatically, top-1/top-3 candidate recall for reports whose event
already had a report, and the per-report dedup latency (the drain of its outbox entry).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dedup_data
import sqlalchemy as sa
import synthetic
from sqlalchemy.orm import Session

import taxonomy
from incidents import create_app
from incidents.accounts.models import Organization, User
from incidents.db import utcnow
from incidents.dedup import Thresholds, evaluation
from incidents.dedup.fingerprint import fingerprint
from incidents.dedup.sql_store import SqlStore
from incidents.outbox.models import OutboxEntry
from incidents.placement.facts import facts_of
from incidents.placement.services import CONSUMER, ENGINE, drain, thresholds
from incidents.registry.models import (
    CandidateDecision,
    DedupCandidate,
    LinkOrigin,
    Reconsideration,
    ReconsiderationDecision,
    ReconsiderationKind,
)
from incidents.registry.queries import primary_incident
from incidents.registry.services import add_link, open_incident
from incidents.reports.batch import file_reports
from incidents.reports.content import ReportContent
from incidents.reports.models import Report
from incidents.reports.services import file_public_source, file_report
from incidents.security.caller import Caller
from incidents.security.permissions import OrganizationKind, Role
from incidents.sources.formats import Item
from incidents.sources.services import parse_item

KEYS = dedup_data.METRICS
DROP_RATE = 0.3
# The same in every report: required by the taxonomy, not carried by the data format.
NEUTRAL: dict[str, Any] = {
    "confidence": "probable",
    "harm_materialisation": "occurred",
    "ai_role": ["contributing_factor"],
    "persons_affected": "n_2_10",
    "affected_stakeholders": ["general_public"],
    "risk_domain": ["mit_7"],
    "frontier_risk": ["none"],
    "critical_infrastructure": "none",
    "deployment_stage": "operate_monitor",
    "deployment_status": "general_availability",
    "autonomy": "low_action",
    "response_status": "open",
    "supporting_materials": ["none_yet"],
}
RELATIONS = {"affected_party", "deployer", "developer", "institute", "journalist", "researcher"}


# --- the data format → a report as a reporter would file it --------------------------------


def degrade(report: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Return a degraded copy of one JSON report (see the module docstring); its filer stays
    the original's (what a report leaves out never changes who filed it)."""
    out = dict(report, filed_by=dedup_data.filer(report))
    sentences = dedup_data._SENTENCE.split((report.get("description") or "").strip())
    out["description"] = " ".join(sentences[:2])
    system = dict(report.get("ai_system") or {})
    for part in ("name", "version", "developer", "deployer"):
        if rng.random() < DROP_RATE:
            system.pop(part, None)
    out["ai_system"] = system
    for field in ("occurred_on", "sector", "harm_types", "references"):
        if rng.random() < DROP_RATE:
            out.pop(field, None)
    return out


def classification(report: dict[str, Any]) -> dict[str, Any]:
    """Return the taxonomy classification of one JSON report (see the module docstring)."""
    aware = report.get("aware_on") or report.get("occurred_on") or "2025-01-01"
    system = {k: v for k, v in (report.get("ai_system") or {}).items() if v}
    system.setdefault("name", "unknown")
    relation = report.get("submitter_kind")
    harm_types = list(report.get("harm_types") or ["other"])
    wanted: dict[str, Any] = {
        **NEUTRAL,
        "event_class": report.get("event_class") or "ai_incident",
        "submitter_relation": relation if relation in RELATIONS else "other",
        "harm_type": harm_types,
        "countries": list(report.get("countries") or []),
        "sector": report.get("sector") or "other",
        "ai_system": system,
        "occurred_on": report.get("occurred_on") or f"{aware[:4]}-01-01",
        "date_precision": "day" if report.get("occurred_on") else "year",
        "aware_at": f"{aware}T12:00:00Z",
    }
    return _repaired(wanted)


def _repaired(wanted: dict[str, Any]) -> dict[str, Any]:
    """Replace values the taxonomy refuses by the "not known" ones; raise if that fails."""
    fallbacks: dict[str, Any] = {
        "harm_deaths": 1,  # required when a harm type says someone died or was injured
        "harm_injuries": 1,
        "near_miss": False,  # required for hazards
        "event_class": "ai_incident",
        "harm_type": ["other"],
        "sector": "other",
        "occurred_on": wanted["aware_at"][:4] + "-01-01",
        "date_precision": "year",
        "countries": ["AQ"],
    }
    for _ in range(3):
        problems = taxonomy.validate(wanted, "initial")
        if not problems:
            return wanted
        for problem in problems:
            field = problem.path.split(".")[0].split("[")[0]
            if field == "ai_system":
                wanted["ai_system"] = {"name": wanted["ai_system"].get("name") or "unknown"}
            elif field in fallbacks:
                wanted[field] = fallbacks[field]
                if field == "occurred_on":
                    wanted["date_precision"] = "year"
    raise SystemExit(f"cannot map a report to taxonomy 1.0.0: {problems}")


def content(report: dict[str, Any]) -> ReportContent:
    """Return the report as filed: green (every network institute may read it)."""
    return ReportContent(
        title=(report.get("title") or "(no title)")[:300],
        description=report.get("description") or "(no description)",
        tlp="green",
        classification=classification(report),
        references=tuple(report.get("references") or ()),
    )


# --- the run ---------------------------------------------------------------------------------


def _app(database_url: str | None, workdir: Path) -> Any:
    url = database_url or f"sqlite:///{workdir / 'eval.db'}"
    if database_url:
        engine = sa.create_engine(database_url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    return create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(workdir),
            "SECRET_KEY": "bench-" + "x" * 40,
            "AUTO_MIGRATE": "true",
        }
    )


def _member(session: Session, name: str, kind: OrganizationKind, role: Role, email: str) -> int:
    """A new organisation and its one user (who never logs in); the user's id."""
    organization = Organization(name=name[:200], kind=kind)
    user = User(
        email=email,
        organization=organization,
        role=role,
        password_hash="-",  # noqa: S106 - not a password: this user never logs in
    )
    session.add_all([organization, user])
    session.commit()
    return user.id


def _reporter(session: Session, name: str = "Evaluation reporters") -> int:
    email = f"eval{abs(hash(name)) % 10**12}@reporters.example"
    return _member(session, name, OrganizationKind.COMPANY, Role.REPORTER, email)


class Filers:
    """One organisation and reporter per filer (``dedup_data.filer``): a company files about
    its own systems as itself, an outlet as itself, anyone else as an organisation of their
    own, so the engine sees who filed what as it would in use."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.users: dict[str, int] = {}

    def __call__(self, report: dict[str, Any]) -> int:
        name = report.get("filed_by") or dedup_data.filer(report)
        if name not in self.users:
            self.users[name] = _reporter(self.session, name)
        return self.users[name]


def public_item(report: dict[str, Any]) -> Item:
    """A journalist's item as an analyst imports it (``incidents.sources``): its text, URL and
    publication date, and only the structured fields it carries (nothing invented)."""
    values: dict[str, Any] = {
        "title": report.get("title") or "",
        "text": report.get("description") or "",
        "published_on": report.get("published_on"),
        "references": list(report.get("references") or ()),
        "countries": list(report.get("countries") or ()),
        "sector": report.get("sector"),
        "harm_type": list(report.get("harm_types") or ()),
        "event_class": report.get("event_class"),
        "ai_system": {k: v for k, v in (report.get("ai_system") or {}).items() if v},
    }
    if report.get("occurred_on"):
        values |= {"occurred_on": report["occurred_on"], "date_precision": "day"}
    return Item(0, {k: v for k, v in values.items() if v})


def _analyst(session: Session) -> int:
    """The institute analyst who imports public coverage."""
    institute = "Evaluation institute"
    return _member(session, institute, OrganizationKind.INSTITUTE, Role.ANALYST, "a@eval.example")


def _file(session: Session, reporter: Filers, analyst: int, data: dict[str, Any]) -> Report:
    """File a report as its filer would, or import a journalist's item as public coverage."""
    if data.get("submitter_kind") == "journalist":
        content_, source = parse_item(public_item(data))
        return file_public_source(session, _caller(session, analyst), content_, source)
    return file_report(session, _caller(session, reporter(data)), content(data))


def _caller(session: Session, user_id: int) -> Caller:
    """The reporter, loaded in ``session`` (the replay empties the session as it goes)."""
    return Caller(session.get(User, user_id), "api")


def load_background(session: Session, reporter: int, n: int, seed: int) -> float:
    """File ``n`` synthetic reports and place them, one incident per synthetic event."""
    started = time.perf_counter()
    events = synthetic.events(n, seed=1000 + seed)
    for start in range(0, len(events), 200):
        chunk = events[start : start + 200]
        contents = [content(r) for e in chunk for r in e["reports"]]
        filed = file_reports(session, _caller(session, reporter), contents)
        reports = iter(r for r in filed if isinstance(r, Report))
        store = SqlStore(session)
        for event in chunk:
            incident = None
            for _ in event["reports"]:
                report = next(reports)
                if incident is None:
                    incident = open_incident(session, ENGINE, report, reason="background")
                else:
                    add_link(session, ENGINE, incident, report, origin=LinkOrigin.AUTO, reason="")
                store.add(fingerprint(facts_of(report)), incident.reference)
        placed = sa.update(OutboxEntry).where(
            OutboxEntry.consumer == CONSUMER, OutboxEntry.done_at.is_(None)
        )
        session.execute(placed.values(done_at=utcnow()))
        session.commit()
        session.expunge_all()
    if n and session.get_bind().dialect.name == "postgresql":
        # A store that grew to this size was analysed by autovacuum long since; one loaded in
        # bulk a moment ago was not, and the planner would cost the probes blind.
        session.execute(sa.text("ANALYZE"))
        session.commit()
    return time.perf_counter() - started


def replay(
    session: Session,
    reporter: Filers,
    labelled: list[tuple[str, dict[str, Any]]],
    thresholds: Thresholds,
) -> tuple[dict[str, float], list[str]]:
    """File each report (import each journalist's item), drain, and score the engine's
    decisions against the gold events."""
    analyst = _analyst(session)
    gold: dict[str, str] = {}
    members: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    ranks: list[int | None] = []
    latencies: list[float] = []
    errors: list[str] = []
    for event, data in labelled:
        report = _file(session, reporter, analyst, data)
        session.commit()
        rid = str(report.id)
        result = drain(session, thresholds, on_entry=latencies.append)
        if result.failed or not result.processed:
            raise SystemExit(f"dedup failed for {data.get('report_key')}: {result}")
        candidates = list(
            session.scalars(
                sa.select(DedupCandidate)
                .where(DedupCandidate.report_id == report.id)
                .order_by(DedupCandidate.rank)
            )
        )
        if event in set(gold.values()):
            hits = [
                i
                for i, c in enumerate(candidates)
                if any(gold.get(m) == event for m in members.get(c.incident.reference, ()))
            ]
            ranks.append(hits[0] if hits else None)
        incident = primary_incident(session, report)
        assert incident is not None
        for c in candidates:
            if c.decision is CandidateDecision.AUTO_LINKED:
                evidence = str(c.evidence_report_id)
                links.append((rid, evidence))
                if gold.get(evidence) != event:
                    errors.append(
                        f"wrong auto-link {data.get('report_key')} ({event}) -> "
                        f"{gold.get(evidence)} score {c.score:.3f}"
                    )
        gold[rid] = event
        members.setdefault(incident.reference, set()).add(rid)
        session.expunge_all()
    # An automatic merge links two incidents: it counts as a link between its evidence.
    merged = sa.select(Reconsideration).where(
        Reconsideration.kind == ReconsiderationKind.MERGE,
        Reconsideration.decision == ReconsiderationDecision.ACCEPTED,
        Reconsideration.decided_by_id.is_(None),
    )
    for row in session.scalars(merged):
        ends = (str(row.evidence_report_id), str(row.other_evidence_id))
        links.append(ends)
        if gold.get(ends[0]) != gold.get(ends[1]):
            errors.append(
                f"wrong automatic merge {row.incident.reference} + {row.other_id} by "
                f"{row.report.reference}: {gold.get(ends[0])} / {gold.get(ends[1])} "
                f"scores {row.score:.3f} {row.other_score:.3f} {row.direct_score:.3f}"
            )
    # The grouping as it stands at the end: an automatic merge moves earlier reports too.
    filed = session.scalars(sa.select(Report).where(Report.id.in_([int(r) for r in gold])))
    automatic = {
        str(report.id): incident.reference
        for report in filed
        if (incident := primary_incident(session, report)) is not None
    }
    pair = evaluation.pairwise(gold, automatic)
    metrics = {
        "auto_link_precision": evaluation.auto_link_precision(links, gold),
        "pairwise_precision": pair.precision,
        "pairwise_recall": pair.recall,
        "pairwise_f1": pair.f1,
        "bcubed_f1": evaluation.bcubed(gold, automatic).f1,
        "auto_link_share": evaluation.auto_link_share(gold, automatic),
        "top1_recall": evaluation.top_k_recall(ranks, 1),
        "top3_recall": evaluation.top_k_recall(ranks, 3),
        "latency_ms_p50": evaluation.percentile(latencies, 50),
        "latency_ms_p95": evaluation.percentile(latencies, 95),
        "reports": float(len(gold)),
        "events": float(len(set(gold.values()))),
    }
    return metrics, errors


def run_once(
    args: argparse.Namespace, labelled: list[tuple[str, dict[str, Any]]], seed: int
) -> tuple[dict[str, float], list[str], float]:
    """One replay in the order of ``seed`` into a fresh database."""
    order = list(labelled)
    random.Random(seed).shuffle(order)
    with tempfile.TemporaryDirectory(prefix="dedup-eval-") as workdir:
        app = _app(args.database_url, Path(workdir))
        with app.app_context():
            session = app.extensions["incidents"].database.session_factory()
            reporter = _reporter(session)
            loaded = load_background(session, reporter, args.background, seed)
            configured = thresholds(app.config["INCIDENTS_SETTINGS"])
            metrics, errors = replay(session, Filers(session), order, configured)
            session.close()
        app.extensions["incidents"].database.engine.dispose()
    return metrics, errors, loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=dedup_data.DEV_DATA)
    parser.add_argument("--seed", type=int, default=0, help="order of the replay")
    parser.add_argument(
        "--seeds", default=None, help="orders to replay, e.g. 0-4: the mean and the worst order"
    )
    parser.add_argument("--degrade", type=int, default=None, metavar="SEED")
    parser.add_argument("--background", type=int, default=0, metavar="N")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    data = json.loads(args.data.read_text(encoding="utf-8"))
    labelled = [(e["event_id"], r) for e in data["events"] for r in e["reports"]]
    if args.degrade is not None:
        rng = random.Random(args.degrade)
        labelled = [(event, degrade(report, rng)) for event, report in labelled]
    seeds = [args.seed] if args.seeds is None else _seed_range(args.seeds)
    started = time.perf_counter()
    runs, errors, loaded = [], [], 0.0
    for seed in seeds:
        metrics, wrong, loaded = run_once(args, labelled, seed)
        runs.append(metrics)
        errors += [f"seed {seed}: {line}" for line in wrong]
    mean = {k: statistics.fmean(m[k] for m in runs) for k in KEYS}
    # The worst order's value of each figure (the highest latency, the lowest of the rest).
    worst = {k: (max if k.startswith("latency") else min)(m[k] for m in runs) for k in KEYS}
    if args.json:
        print(json.dumps({k: round(worst[k], 4) for k in KEYS}))
    else:
        name = args.data.name + (f" --degrade {args.degrade}" if args.degrade is not None else "")
        print(f"{name}: {int(mean['reports'])} reports, {int(mean['events'])} events")
        if args.background:
            print(f"background: {args.background} synthetic reports loaded in {loaded:.1f} s")
        print(f"  {len(seeds)} order(s): mean / worst")
        for key in KEYS[:-2]:
            print(f"  {key:<20} {mean[key]:.4f} / {worst[key]:.4f}")
        print(f"  total time           {time.perf_counter() - started:.1f} s")
    if args.show_errors:
        for line in errors:
            print(line, file=sys.stderr)


def _seed_range(text: str) -> list[int]:
    if "-" in text:
        first, last = text.split("-", 1)
        return list(range(int(first), int(last) + 1))
    return [int(s) for s in text.split(",")]


if __name__ == "__main__":
    main()
