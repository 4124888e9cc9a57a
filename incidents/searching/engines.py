"""The app's search engines: opened once in ``create_app``, found by views and commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app

from incidents import search
from incidents.config import Settings
from incidents.extensions import Services
from incidents.paging import MAX_OFFSET
from incidents.refusals import Invalid

#: Results beyond this many are never paged to (the facade refuses deeper pages).
MAX_RESULTS = MAX_OFFSET

_ENGINES = "incidents.search"


def init_search(app: Flask, settings: Settings) -> search.SearchEngines:
    """Open the analyst and public indexes the configuration names, for this app."""
    found: Services = app.extensions["incidents"]
    engines = search.open_engines(
        settings.search_backend, settings.instance_path, found.database.engine
    )
    app.extensions[_ENGINES] = engines
    return engines


def engines_of(app: Flask | None = None) -> search.SearchEngines:
    """The search engines of ``app`` (the current app by default)."""
    found: search.SearchEngines = (app or current_app).extensions[_ENGINES]
    return found


def timeout() -> float:
    """The time budget of one query, in seconds."""
    settings: Settings = current_app.config["INCIDENTS_SETTINGS"]
    return settings.search_timeout_ms / 1000


@contextmanager
def refused_as_invalid() -> Iterator[None]:
    """Run a search for ``args``; a refused query raises Invalid ``{"q": [why]}``, a bad
    parameter (a page past the first 10,000 results too) Invalid naming it."""
    try:
        yield
    except search.QueryRefused as refused:
        raise Invalid({"q": [refused.message]}) from None
    except search.SearchInvalid as invalid:
        raise Invalid(dict(invalid.problems)) from None
