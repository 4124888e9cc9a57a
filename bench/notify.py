"""``flask notify run`` at scale: reminders and digests over a large seeded exchange.

Seeds (bulk SQL) N submitted reports from 50 companies, 50 network institutes and 500 users
with preferences; one report in ten has an open binding follow-up deadline (due between ten
days ago and a month ahead), one in a hundred an open request for information with an
answer-by date. Then times :func:`incidents.exchange.reminders.run` twice: the first run
tells what is due and queues its e-mail exactly once; the second finds nothing new.

Target: under 60 s for the first run at 100,000 reports.

    .venv/bin/python bench/notify.py                 # 10,000 reports, SQLite in a temp dir
    .venv/bin/python bench/notify.py --n 100000
    .venv/bin/python bench/notify.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/exchange_bench
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from incidents import create_app
from incidents.accounts.models import Organization, User
from incidents.db import utcnow
from incidents.exchange.models import (
    Delivery,
    InformationRequest,
    Notification,
    NotificationPreference,
)
from incidents.exchange.notify import COMPANY_KINDS, INSTITUTE_KINDS, settings_from
from incidents.exchange.reminders import run
from incidents.extensions import Services
from incidents.mail.models import OutgoingMail
from incidents.reports.models import Report, ReportDeadline, ReportSeries

COMPANIES = 50
INSTITUTES = 50
USERS = 500


def seed(session: sa.orm.Session, n: int, rng: random.Random) -> None:
    now = utcnow()
    orgs = [
        {"name": f"Company {i}", "kind": "company", "is_network_member": False}
        for i in range(COMPANIES)
    ] + [
        {"name": f"Institute {i}", "kind": "institute", "is_network_member": True}
        for i in range(INSTITUTES)
    ]
    session.execute(sa.insert(Organization), orgs)
    ids = dict(session.execute(sa.select(Organization.name, Organization.id)).all())
    companies = [ids[f"Company {i}"] for i in range(COMPANIES)]
    institutes = [ids[f"Institute {i}"] for i in range(INSTITUTES)]
    users = []
    for i in range(USERS):
        company = i % 2 == 0
        org = companies[(i // 2) % COMPANIES] if company else institutes[(i // 2) % INSTITUTES]
        role = ("reporter" if i % 10 else "org_admin") if company else "analyst"
        users.append(
            {
                "email": f"user{i}@example.org",
                "organization_id": org,
                "role": role,
                "password_hash": "x",
            }
        )
    session.execute(sa.insert(User), users)
    people = session.execute(sa.select(User.id, User.role)).all()
    prefs = []
    for user_id, role in people:
        kinds = COMPANY_KINDS if role in ("reporter", "org_admin") else INSTITUTE_KINDS
        for kind in kinds:
            choice = rng.choice(list(Delivery))
            prefs.append({"user_id": user_id, "kind": kind, "delivery": choice})
    session.execute(sa.insert(NotificationPreference), prefs)
    authors = {org: uid for uid, org in session.execute(sa.select(User.id, User.organization_id))}
    chunk = 10_000
    for start in range(0, n, chunk):
        count = min(chunk, n - start)
        series = (
            session.execute(
                sa.insert(ReportSeries).returning(ReportSeries.id, sort_by_parameter_order=True),
                [{"organization_id": companies[(start + k) % COMPANIES]} for k in range(count)],
            )
            .scalars()
            .all()
        )
        rows = []
        for k in range(count):
            org = companies[(start + k) % COMPANIES]
            rows.append(
                {
                    "reference": f"RPT-2026-{start + k + 1:06d}",
                    "organization_id": org,
                    "author_id": authors[org],
                    "series_id": series[k],
                    "stage": "initial",
                    "state": "submitted",
                    "tlp": rng.choice(["amber", "green", "red"]),
                    "taxonomy_version": "1.0.0",
                    "title": "Seeded",
                    "description": "",
                    "classification": {},
                    "references": [],
                    "submitted_at": now - timedelta(days=rng.randint(0, 60)),
                }
            )
        report_ids = (
            session.execute(
                sa.insert(Report).returning(Report.id, sort_by_parameter_order=True), rows
            )
            .scalars()
            .all()
        )
        deadlines = [
            {
                "report_id": report_id,
                "regime": "eu_ai_act_art73",
                "regime_label": "EU AI Act Art. 73",
                "rule": "final",
                "obligation": "final",
                "citation": "Art. 73",
                "due_at": now + timedelta(hours=rng.randint(-240, 720)),
                "binding": True,
                "recurring": False,
            }
            for report_id in report_ids
            if rng.random() < 0.1
        ]
        session.execute(sa.insert(ReportDeadline), deadlines)
        requests = [
            {
                "reference": f"RFI-2026-{start + k + 1:06d}",
                "report_id": report_id,
                "organization_id": rows[k]["organization_id"],
                "institute_id": rng.choice(institutes),
                "asked_by_id": people[-1][0],
                "subject": "Seeded",
                "answer_by": (now + timedelta(days=rng.randint(-5, 20))).date(),
                "state": "open",
            }
            for k, report_id in enumerate(report_ids)
            if rng.random() < 0.01
        ]
        session.execute(sa.insert(InformationRequest), requests)
        session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    if args.database_url:
        admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        name = url.rsplit("/", 1)[1]
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(workdir),
            "AUTO_MIGRATE": "true",
            "SECRET_KEY": "b" * 40,
            "TESTING": True,
        }
    )
    services: Services = app.extensions["incidents"]
    session = services.database.session_factory()
    started = time.perf_counter()
    seed(session, args.n, random.Random(11))
    print(f"seeded {args.n:,} reports, {USERS} users in {time.perf_counter() - started:.1f} s")
    settings = settings_from(app.config["INCIDENTS_SETTINGS"])
    figures = []
    for attempt in (1, 2):
        started = time.perf_counter()
        result = run(session, settings, utcnow())
        session.commit()
        seconds = time.perf_counter() - started
        figures.append(seconds)
        print(
            f"run {attempt}: {seconds:.2f} s; "
            f"new notifications {dict(sorted(result.created.items()))}; "
            f"immediate mails {result.mailed}; digests {result.digests}"
        )
    mails = session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) or 0
    notified = Counter(kind for (kind,) in session.execute(sa.select(Notification.kind)))
    unmailed = session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.delivery != Delivery.OFF, Notification.mailed_at.is_(None))
    )
    print(f"notifications by kind: {dict(sorted((k.value, v) for k, v in notified.items()))}")
    print(f"mails queued: {mails} (immediate + digests); due but not mailed: {unmailed}")
    ok = figures[0] < 60 and unmailed == 0
    print(f"first run under 60 s and every due message queued once: {'yes' if ok else 'NO'}")
    session.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
