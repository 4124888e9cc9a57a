"""Realistic report data for the submission benchmark: API bodies and bulk-inserted rows.

Texts, systems, sectors, countries and harm types come from ``synthetic`` (the dedup
benchmark's generator); the rest of each classification is filled in so it passes the
taxonomy's checks for an initial report. ``seed_reports`` writes submitted reports with
their series, revision, recipients, deadlines and audit events in bulk SQL, the rows the
filing service would have written, without going through it.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

import taxonomy
from incidents.audit.models import AuditEvent
from incidents.audit.services import seal
from incidents.reports.content import ReportContent, content_hash
from incidents.reports.deadlines import compute_deadlines
from incidents.reports.models import (
    ReferenceCounter,
    Report,
    ReportDeadline,
    ReportRevision,
    ReportSeries,
    ReportStage,
    ReportState,
    Tlp,
    report_recipients,
)

TAXONOMY = taxonomy.load()
SECTORS = {value.id for value in TAXONOMY.dimension("sector").values}
COUNTRIES = {value.id for value in TAXONOMY.dimension("countries").values}
HARMS = {value.id for value in TAXONOMY.dimension("harm_type").values if not value.deprecated}
TLP_WEIGHTS = {Tlp.AMBER: 35, Tlp.AMBER_STRICT: 20, Tlp.GREEN: 25, Tlp.RED: 10, Tlp.CLEAR: 10}
REGIMES = ["eu_ai_act_art73", "gdpr_art33", "nis2_art23", "dora_art19", "mdr_art87", "ca_sb53"]
STAKEHOLDERS = ["consumers", "workers", "business", "government", "children", "general_public"]
RISK_DOMAINS = ["mit_1_1", "mit_2_1", "mit_2_2", "mit_3_1", "mit_4_3", "mit_5_1", "mit_7_3"]
AI_ROLES = ["direct_cause", "contributing_factor", "failure_to_act", "overreliance"]


def sources(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` synthetic report texts and facts (cycled from a pool of at most 10,000)."""
    pool: list[dict[str, Any]] = []
    for event in synthetic.events(min(n, 10_000), seed):
        pool.extend(event["reports"])
        if len(pool) >= n:
            break
    return pool


def classification(rng: random.Random, source: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A complete initial classification built around ``source``'s facts."""
    event_class = source.get("event_class", "ai_incident")
    hazard = "hazard" in event_class
    harms = [h for h in source.get("harm_types", []) if h in HARMS] or ["economic_property"]
    aware_on = _day(source.get("aware_on")) or (now - timedelta(days=rng.randint(1, 900))).date()
    aware_on = min(aware_on, now.date() - timedelta(days=1))
    occurred_on = min(_day(source.get("occurred_on")) or aware_on, aware_on)
    aware_at = datetime.combine(aware_on, time(rng.randint(6, 20), rng.choice((0, 30))), UTC)
    facts: dict[str, Any] = {
        "event_class": event_class,
        "confidence": rng.choice(["confirmed", "probable", "suspected"]),
        "submitter_relation": source.get("submitter_kind")
        if source.get("submitter_kind") in ("developer", "deployer", "user", "researcher")
        else "developer",
        "harm_type": harms,
        "harm_materialisation": rng.choice(["imminent_risk", "non_imminent_risk"])
        if hazard
        else "occurred",
        "ai_role": rng.sample(AI_ROLES, rng.randint(1, 2)),
        "affected_stakeholders": rng.sample(STAKEHOLDERS, rng.randint(1, 2)),
        "risk_domain": [rng.choice(RISK_DOMAINS)],
        "occurred_on": occurred_on.isoformat(),
        "date_precision": "day",
        "aware_at": aware_at.isoformat().replace("+00:00", "Z"),
        "countries": [c for c in source.get("countries", []) if c in COUNTRIES] or ["US"],
        "sector": source["sector"] if source.get("sector") in SECTORS else "other",
        "critical_infrastructure": "none",
        "deployment_stage": "operate_monitor",
        "deployment_status": rng.choice(["limited_release", "general_availability"]),
        "ai_system": {"name": str(source.get("ai_system", {}).get("name") or "Assistant")[:200]},
        "autonomy": rng.choice(["no_action", "low_action", "medium_action", "high_action"]),
        "response_status": rng.choice(["open", "contained"]),
        "supporting_materials": [rng.choice(["log", "transcript", "document", "eval_result"])],
    }
    if hazard:
        facts["near_miss"] = rng.random() < 0.5
    else:
        facts["persons_affected"] = rng.choice(["n_1", "n_2_10", "n_11_100", "n_101_1000"])
    if "physical_death" in harms:
        facts["harm_deaths"] = 0 if hazard else rng.randint(1, 3)
    if "physical_injury" in harms:
        facts["harm_injuries"] = 0 if hazard else rng.randint(1, 20)
    if rng.random() < 0.3:
        facts["regulatory_regimes"] = [rng.choice(REGIMES)]
    return facts


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def content(
    rng: random.Random, source: dict[str, Any], now: datetime, institutes: list[str]
) -> ReportContent:
    """A report's content: ``source``'s text, a classification and a weighted TLP label."""
    tlp = rng.choices(list(TLP_WEIGHTS), weights=list(TLP_WEIGHTS.values()))[0]
    recipients = tuple(rng.sample(institutes, rng.randint(1, len(institutes))))
    return ReportContent(
        title=source["title"][:300],
        description=source["description"],
        tlp=tlp.value,
        recipients=recipients if tlp.needs_recipients else (),
        withhold_identity=rng.random() < 0.1,
        taxonomy_version=TAXONOMY.version,
        classification=classification(rng, source, now),
        references=(f"https://news.example/{source['report_key'].lower()}",),
    )


def api_body(report: ReportContent) -> dict[str, Any]:
    """``report`` as a ``POST /api/v1/reports`` body."""
    return {
        "title": report.title,
        "description": report.description,
        "distribution": {"tlp": report.tlp, "recipients": list(report.recipients)},
        "withhold_identity": report.withhold_identity,
        "classification": dict(report.classification),
        "references": list(report.references),
    }


def check(contents: list[ReportContent]) -> None:
    """Fail fast when the generator produces a classification the taxonomy refuses."""
    for each in contents:
        problems = TAXONOMY.validate(each.classification, "initial")
        if problems:
            raise SystemExit(f"generated an invalid classification: {problems[0]}")


def seed_reports(
    engine: sa.Engine,
    *,
    n: int,
    organization_id: int,
    author_id: int,
    institutes: dict[str, int],
    seed: int = 1,
    chunk: int = 5_000,
    progress: Any = None,
) -> None:
    """Insert ``n`` submitted reports of one organisation with bulk SQL, in chunks."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    pool = sources(min(n, 10_000), seed)
    with engine.connect() as connection:
        first_series = _next_id(connection, ReportSeries.__table__)
        first_report = _next_id(connection, Report.__table__)
    counters: dict[int, int] = defaultdict(int)
    written = 0
    for start in range(0, n, chunk):
        rows = _chunk_rows(
            rng,
            range(start, min(n, start + chunk)),
            pool,
            now,
            counters,
            first_series=first_series,
            first_report=first_report,
            organization_id=organization_id,
            author_id=author_id,
            institutes=institutes,
        )
        with engine.begin() as connection:
            for table, values in rows.items():
                if values:
                    connection.execute(table.insert(), values)
        written += len(rows[Report.__table__])
        if progress is not None:
            progress(written)
    with engine.begin() as connection:
        seal(Session(bind=connection))  # the audit events written in bulk join the chain
        for year, last in counters.items():
            connection.execute(
                ReferenceCounter.__table__.insert(),
                [{"prefix": "RPT", "year": year, "last_number": last}],
            )
        if engine.dialect.name == "postgresql":
            for table in ("report_series", "reports"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            connection.exec_driver_sql("ANALYZE")


def _next_id(connection: sa.Connection, table: sa.Table) -> int:
    return int(connection.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))) + 1


def _chunk_rows(
    rng: random.Random,
    numbers: range,
    pool: list[dict[str, Any]],
    now: datetime,
    counters: dict[int, int],
    *,
    first_series: int,
    first_report: int,
    organization_id: int,
    author_id: int,
    institutes: dict[str, int],
) -> dict[sa.Table, list[dict[str, Any]]]:
    rows: dict[sa.Table, list[dict[str, Any]]] = {
        ReportSeries.__table__: [],
        Report.__table__: [],
        report_recipients: [],
        ReportRevision.__table__: [],
        ReportDeadline.__table__: [],
        AuditEvent.__table__: [],
    }
    names = list(institutes)
    for number in numbers:
        report_id, series_id = first_report + number, first_series + number
        filed = content(rng, pool[number % len(pool)], now, names)
        aware_at = datetime.fromisoformat(filed.classification["aware_at"])
        submitted_at = min(now, aware_at + timedelta(hours=rng.randint(2, 24 * 14)))
        counters[submitted_at.year] += 1
        reference = f"RPT-{submitted_at.year}-{counters[submitted_at.year]:05d}"
        snapshot = filed.snapshot(ReportStage.INITIAL.value)
        digest = content_hash(snapshot)
        report = {
            "id": report_id,
            "reference": reference,
            "organization_id": organization_id,
            "author_id": author_id,
            "series_id": series_id,
            "stage": ReportStage.INITIAL,
            "state": ReportState.SUBMITTED,
            "tlp": Tlp(filed.tlp),
            "withhold_identity": filed.withhold_identity,
            "taxonomy_version": filed.taxonomy_version,
            "title": filed.title,
            "description": filed.description,
            "classification": dict(filed.classification),
            "references": list(filed.references),
            "occurred_on": date.fromisoformat(filed.classification["occurred_on"]),
            "aware_at": aware_at,
            "created_at": submitted_at,
            "updated_at": submitted_at,
            "submitted_at": submitted_at,
            "content_hash": digest,
            "lock_version": 2,
        }
        rows[ReportSeries.__table__].append(
            {"id": series_id, "organization_id": organization_id, "created_at": submitted_at}
        )
        rows[Report.__table__].append(report)
        rows[report_recipients].extend(
            {"report_id": report_id, "organization_id": institutes[name]}
            for name in filed.recipients
        )
        rows[ReportRevision.__table__].append(
            {
                "report_id": report_id,
                "number": 1,
                "kind": "submission",
                "reason": "",
                "author_id": author_id,
                "created_at": submitted_at,
                "content": snapshot,
                "content_hash": digest,
            }
        )
        rows[ReportDeadline.__table__].extend(_deadlines(report))
        rows[AuditEvent.__table__].extend(
            _audit(action, report, author_id, submitted_at)
            for action in ("report.draft_save", "report.submit")
        )
    return rows


def _deadlines(report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    transient = Report(
        classification=report["classification"],
        aware_at=report["aware_at"],
        submitted_at=report["submitted_at"],
        taxonomy_version=report["taxonomy_version"],
    )
    for deadline in compute_deadlines(transient):
        yield {
            "report_id": report["id"],
            "regime": deadline.regime,
            "regime_label": deadline.regime_label,
            "rule": deadline.rule,
            "obligation": deadline.obligation,
            "citation": deadline.citation,
            "due_at": deadline.due_at,
            "binding": deadline.binding,
            "recurring": deadline.recurring,
        }


def _audit(action: str, report: dict[str, Any], author_id: int, at: datetime) -> dict[str, Any]:
    details = (
        {"stage": "initial", "tlp": report["tlp"].value, "content_hash": report["content_hash"]}
        if action == "report.submit"
        else {}
    )
    return {
        "occurred_at": at,
        "actor_user_id": author_id,
        "actor_organization_id": report["organization_id"],
        "actor_label": "bench-reporter@bench.example",
        "channel": "api",
        "address": "127.0.0.1",
        "action": action,
        "subject_type": "report",
        "subject_ref": report["reference"],
        "details": details,
    }
