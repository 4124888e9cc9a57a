"""The audit log's hash chain: sealed at commit, and ``audit verify`` names the first event
that was edited, deleted or moved."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.audit.models import AuditEvent
from incidents.audit.services import GENESIS, ChainHead, event_row, insert_events, record, verify
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests.conftest import login

CLI = Caller.command_line()


def _audit(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["audit", *args])


def _write(db: Session, count: int) -> list[int]:
    events = [
        record(db, CLI, "org.create", subject_type="organization", subject_ref=f"Org {n}", n=n)
        for n in range(count)
    ]
    db.commit()
    return [event.id for event in events]


def _chain(db: Session) -> list[tuple[int, int, str, str]]:
    rows = db.execute(
        sa.select(
            AuditEvent.id,
            AuditEvent.chain_position,
            AuditEvent.chain_previous,
            AuditEvent.chain_digest,
        ).order_by(AuditEvent.chain_position)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_events_are_chained_when_committed(db: Session, app: Flask) -> None:
    ids = _write(db, 3)
    insert_events(db, [event_row(CLI, "report.submit", "report", "RPT-2026-00001")])
    db.commit()
    chain = _chain(db)
    assert [row[0] for row in chain[:3]] == ids
    assert [row[1] for row in chain] == [1, 2, 3, 4]
    assert chain[0][2] == GENESIS
    assert all(chain[n][2] == chain[n - 1][3] for n in range(1, 4))
    result = _audit(app, "verify")
    assert result.exit_code == 0, result.output
    assert "4 events intact" in result.output
    assert f"Head: 4:{chain[3][3]}" in result.output


def test_a_rolled_back_event_never_joins_the_chain(db: Session) -> None:
    _write(db, 1)
    record(db, CLI, "org.create", subject_type="organization", subject_ref="Gone")
    db.rollback()
    _write(db, 1)
    state = verify(db)
    assert (state.checked, state.broken, state.unsealed) == (2, None, 0)


def test_verify_names_an_edited_event(db: Session, app: Flask) -> None:
    ids = _write(db, 4)
    db.execute(
        sa.update(AuditEvent).where(AuditEvent.id == ids[2]).values(actor_label="somebody else")
    )
    db.commit()
    result = _audit(app, "verify")
    assert result.exit_code == 1
    assert f"position 3 (event {ids[2]})" in result.output
    assert "edited" in result.output


def test_verify_names_an_edited_detail(db: Session) -> None:
    ids = _write(db, 3)
    db.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[0]).values(details={"n": 99}))
    db.commit()
    state = verify(db)
    assert state.broken is not None
    assert (state.broken.event_id, state.broken.position) == (ids[0], 1)


def test_verify_names_a_deleted_event(db: Session, app: Flask) -> None:
    ids = _write(db, 4)
    db.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[1]))
    db.commit()
    result = _audit(app, "verify")
    assert result.exit_code == 1
    assert "position 2" in result.output
    assert "missing" in result.output


def test_verify_finds_a_deleted_event_whose_successors_were_renumbered(db: Session) -> None:
    ids = _write(db, 4)
    db.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[1]))
    for position, event_id in ((2, ids[2]), (3, ids[3])):
        db.execute(
            sa.update(AuditEvent).where(AuditEvent.id == event_id).values(chain_position=position)
        )
    db.commit()
    state = verify(db)
    assert state.broken is not None
    assert (state.broken.event_id, state.broken.position) == (ids[2], 2)
    assert "previous event" in state.broken.problem


def test_verify_finds_two_swapped_events(db: Session, app: Flask) -> None:
    ids = _write(db, 4)
    # Move the two events' positions (and links) past each other.
    db.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[1]).values(chain_position=-1))
    db.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[2]).values(chain_position=2))
    db.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[1]).values(chain_position=3))
    db.commit()
    result = _audit(app, "verify")
    assert result.exit_code == 1
    assert f"position 2 (event {ids[2]})" in result.output


def test_a_cut_tail_is_found_against_a_published_head(db: Session, app: Flask) -> None:
    ids = _write(db, 3)
    head = verify(db).head
    db.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[2]))
    db.commit()
    assert verify(db).broken is None  # without an anchor, a cut tail looks like a short chain
    result = _audit(app, "verify", "--anchor", f"{head.position}:{head.digest}")
    assert result.exit_code == 1
    assert "published head is missing" in result.output
    forged = ChainHead(2, "f" * 64)
    state = verify(db, anchors=[forged])
    assert state.broken is not None
    assert "published head" in state.broken.problem


def test_verify_refuses_a_malformed_anchor(db: Session, app: Flask) -> None:
    result = _audit(app, "verify", "--anchor", "three:abc")
    assert result.exit_code == 2
    assert "POSITION:SHA256" in result.output


def test_concurrent_writers_extend_one_chain(app: Flask) -> None:
    """Workers committing at once each take the next link (no fork, no gap): real commits,
    so on SQLite through the write lock and on PostgreSQL through the advisory lock."""
    engine = app.extensions["incidents"].database.engine
    marker = "chain-race"

    def work(worker: int) -> None:
        with Session(engine) as session:
            for n in range(10):
                record(
                    session,
                    CLI,
                    "chain.test",
                    subject_type="test",
                    subject_ref=f"{marker}-{worker}-{n}",
                )
                session.commit()

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with Session(engine) as session:
            state = verify(session)
            assert state.broken is None
            assert state.unsealed == 0
            assert state.checked >= 40
    finally:
        with engine.begin() as connection:
            connection.execute(sa.delete(AuditEvent).where(AuditEvent.action == "chain.test"))


@pytest.fixture(autouse=True)
def _no_leftover_chain(app: Flask) -> None:
    """Each test starts from an empty audit log (what other tests commit is rolled back)."""
    engine = app.extensions["incidents"].database.engine
    with engine.connect() as connection:
        left = connection.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert left == 0


def test_the_admin_page_shows_the_chain_head(db: Session, client: FlaskClient, make_user) -> None:
    login(client, make_user(Role.ADMIN))
    head = verify(db).head
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f"event {head.position}," in page
    assert head.digest in page
    assert "outside the chain" not in page
