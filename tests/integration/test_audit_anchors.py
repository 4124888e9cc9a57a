"""Daily signed anchors of the audit chain: ``audit anchor`` signs the head at the end of
each finished day, and ``audit verify`` catches a rewritten chain and a forged anchor."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from incidents.audit.anchors import KEY_FILE, public_hex, signed_text
from incidents.audit.models import AuditAnchor, AuditEvent
from incidents.audit.services import record, seal
from incidents.security.caller import Caller
from incidents.security.permissions import Role
from tests.conftest import MakeUser, login

CLI = Caller.command_line()


def _audit(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["audit", *args])


@pytest.fixture
def three_days(db: Session, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Two events two days ago, one yesterday, one today; their ids."""
    now = datetime.now(UTC)
    ids = []
    for days_ago in (2, 2, 1, 0):
        moment = now - timedelta(days=days_ago)
        monkeypatch.setattr("incidents.audit.services.utcnow", lambda moment=moment: moment)
        event = record(db, CLI, "org.create", subject_type="organization", subject_ref="Org")
        db.commit()
        ids.append(event.id)
    return ids


def test_each_finished_day_is_signed_once(app: Flask, db: Session, three_days: list[int]) -> None:
    result = _audit(app, "anchor")
    assert result.exit_code == 0, result.output
    key_file = Path(app.instance_path) / KEY_FILE
    assert "Created the signing key" in result.output
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    anchors = list(db.scalars(sa.select(AuditAnchor).order_by(AuditAnchor.day)))
    assert [anchor.position for anchor in anchors] == [2, 3]  # today is not finished
    for anchor in anchors:
        assert f"{anchor.day} {anchor.position}:{anchor.digest} signature" in result.output
    again = _audit(app, "anchor")
    assert again.exit_code == 0
    assert "Every finished day is anchored already." in again.output
    assert "Created" not in again.output
    verified = _audit(app, "verify")
    assert verified.exit_code == 0, verified.output
    assert "2 signed daily anchors hold (checked against the operator's key)" in verified.output


def test_a_rebuilt_chain_no_longer_matches_its_signed_anchors(
    app: Flask, db: Session, three_days: list[int]
) -> None:
    assert _audit(app, "anchor").exit_code == 0
    # Whoever edits an event and re-seals the whole chain gets a chain that holds by itself...
    db.execute(sa.update(AuditEvent).where(AuditEvent.id == three_days[0]).values(action="x"))
    db.execute(
        sa.update(AuditEvent).values(chain_position=None, chain_previous=None, chain_digest=None)
    )
    seal(db)
    db.commit()
    # ...but not the anchors signed before.
    result = _audit(app, "verify")
    assert result.exit_code == 1
    assert "its digest differs from the published head" in result.output


def test_a_forged_anchor_is_named(app: Flask, db: Session, three_days: list[int]) -> None:
    assert _audit(app, "anchor").exit_code == 0
    forger = Ed25519PrivateKey.generate()
    anchor = db.scalars(sa.select(AuditAnchor).order_by(AuditAnchor.day)).first()
    assert anchor is not None
    anchor.public_key = public_hex(forger)
    anchor.signature = forger.sign(signed_text(anchor.day, anchor.position, anchor.digest)).hex()
    db.commit()
    result = _audit(app, "verify")
    assert result.exit_code == 1
    assert f"The anchor of {anchor.day}: signed with another key" in result.output
    # Checked only against the keys stored beside them, the forgery would hold: say so.
    (Path(app.instance_path) / KEY_FILE).unlink()
    result = _audit(app, "verify")
    assert result.exit_code == 0
    assert "checked against the keys stored beside them" in result.output


def test_an_edited_signature_fails_and_another_public_key_is_refused(
    app: Flask, db: Session, three_days: list[int]
) -> None:
    assert _audit(app, "anchor").exit_code == 0
    other = public_hex(Ed25519PrivateKey.generate())
    result = _audit(app, "verify", "--public-key", other)
    assert result.exit_code == 1
    assert "signed with another key than the operator's" in result.output
    anchor = db.scalars(sa.select(AuditAnchor).order_by(AuditAnchor.day.desc())).first()
    assert anchor is not None
    anchor.position = 1
    db.commit()
    result = _audit(app, "verify")
    assert result.exit_code == 1
    assert "its signature does not match its head" in result.output


def test_a_missing_or_foreign_key_file_is_a_clear_error(app: Flask, tmp_path: Path) -> None:
    result = _audit(app, "anchor", "--key", str(tmp_path / "none.pem"))
    assert result.exit_code == 1
    assert "no signing key at" in result.output
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    result = _audit(app, "anchor", "--key", str(junk))
    assert result.exit_code == 1
    assert "cannot read the signing key" in result.output


def test_the_audit_page_shows_the_last_anchor(
    app: Flask, db: Session, three_days: list[int], client: FlaskClient, make_user: MakeUser
) -> None:
    login(client, make_user(Role.ADMIN))
    assert "No day is anchored yet." in client.get("/admin/audit").get_data(as_text=True)
    assert _audit(app, "anchor").exit_code == 0
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f"Last signed daily anchor: {yesterday}, event 3" in page
