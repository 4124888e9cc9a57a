"""The README's token and curl examples, run verbatim against a live server on the test
database's engine (SQLite, or a fresh PostgreSQL database), so the README cannot rot.

The server and the commands are the project's own programs in ``.venv`` (what the quick start
installs); only the server's address is changed from the README's port 5000 to a free one.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_DATABASE_URL

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FLASK = ROOT / ".venv" / "bin" / "flask"
README_ADDRESS = "http://127.0.0.1:5000"


def token_examples() -> list[str]:
    """The README's shell blocks that make a token and call the API with it."""
    blocks = re.findall(r"```sh\n(.+?)\n```", README, flags=re.DOTALL)
    return [block for block in blocks if "token create" in block and "curl" in block]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A fresh database for the live server: a file, or a new PostgreSQL database."""
    if not TEST_DATABASE_URL or not TEST_DATABASE_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'readme.db'}"
        return
    url = sa.make_url(TEST_DATABASE_URL)
    name = f"aix_readme_{secrets.token_hex(4)}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def site(tmp_path: Path, database: str) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """The demo site served by ``.venv/bin/flask run``: its address, a working folder laid
    out as the project's (``.venv`` and ``wsgi.py``), and the environment of both."""
    if not FLASK.exists():
        message = f"{FLASK} is missing: run the README's quick start first"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    work = tmp_path / "project"
    work.mkdir()
    (work / ".venv").symlink_to(ROOT / ".venv")
    (work / "wsgi.py").symlink_to(ROOT / "wsgi.py")
    environment = {
        **os.environ,
        "INCIDENTS_DATABASE_URL": database,
        "INCIDENTS_INSTANCE_PATH": str(tmp_path / "instance"),
        "INCIDENTS_PASSWORD_TIME_COST": "1",
        "INCIDENTS_PASSWORD_MEMORY_KIB": "64",
    }
    # On PostgreSQL the README's production steps migrate first; SQLite migrates on start.
    steps = [["db", "upgrade"], ["demo"]] if database.startswith("postgresql") else [["demo"]]
    for step in steps:
        done = subprocess.run(  # noqa: S603 - the project's own flask, fixed arguments
            [str(FLASK), "--app", "wsgi", *step],
            cwd=work,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - the project's own flask, fixed arguments
        [str(FLASK), "--app", "wsgi", "run", "--port", str(port)],
        cwd=work,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_for(address, server)
        yield address, work, environment
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(address: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{address}/", timeout=2):  # noqa: S310 - http on loopback
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("the server did not answer within 60 s")


def test_the_readme_has_both_token_examples() -> None:
    examples = token_examples()

    assert len(examples) == 2
    assert all(".venv/bin/flask" in example for example in examples)
    assert all(re.search(r"(^|[\s(|])flask ", example) is None for example in examples)


def test_the_token_and_curl_examples_work_verbatim(
    site: tuple[str, Path, dict[str, str]],
) -> None:
    address, work, environment = site
    me, filed = (
        subprocess.run(  # noqa: S603 - the README's own commands
            ["/bin/bash", "-euo", "pipefail", "-c", example.replace(README_ADDRESS, address)],
            cwd=work,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for example in token_examples()
    )

    assert me.returncode == 0, me.stderr
    assert json.loads(me.stdout)["email"] == "reporter@aurora.example"
    assert filed.returncode == 0, filed.stderr
    receipt = json.loads(filed.stdout)
    assert receipt["reference"].startswith("RPT-"), receipt
    due = [d["due_at"] for d in receipt["deadlines"] if d["binding"] and d["due_at"]]
    assert due, receipt
    now = datetime.now(UTC)
    assert all(datetime.fromisoformat(moment) > now for moment in due), receipt  # none overdue
