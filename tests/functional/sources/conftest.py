"""Fixtures for importing public sources: an analyst, the fixture files, the command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy.orm import Session

from incidents.accounts.models import User
from incidents.security.permissions import Role

DATA = Path(__file__).parent / "data"

Run = Callable[..., Result]


@pytest.fixture
def analyst(make_user) -> User:
    user: User = make_user(Role.ANALYST, email="analyst@institute.example")
    return user


@pytest.fixture
def run(app: Flask, db: Session) -> Run:
    """``flask sources import ARGS…`` (placing nothing: the tests drain when they need to)."""

    def invoke(*args: str) -> Result:
        return app.test_cli_runner().invoke(args=["sources", "import", *args, "--no-dedup"])

    return invoke
