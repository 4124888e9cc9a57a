"""Helpers every page view shares: the conflict redirect, problems beside form fields, the
error summary, and a page number within reach.

The services' refusals reach a page as :mod:`incidents.refusals`: ``NotFound`` and
``Forbidden`` are answered by the app's error handler, ``Conflict`` (the state changed, or
does not allow the action) by :func:`redirect_on_conflict`, and ``Invalid`` by the view
itself, which shows the form again with :func:`attach`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec

from flask import flash, redirect, request
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from incidents.errors import CHANGED_MEANWHILE, rollback
from incidents.paging import last_page
from incidents.refusals import Conflict

P = ParamSpec("P")


def redirect_on_conflict(
    target: Callable[..., str],
) -> Callable[[Callable[P, Any]], Callable[P, Any]]:
    """On a Conflict (or a lost race), roll back, flash why and redirect to ``target(**path
    arguments)``: nothing was saved, and the page there shows what is stored now."""

    def decorate(view: Callable[P, Any]) -> Callable[P, Any]:
        @functools.wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> Any:
            try:
                return view(*args, **kwargs)
            except (Conflict, StaleDataError) as error:
                rollback()
                flash(str(error) if isinstance(error, Conflict) else CHANGED_MEANWHILE, "error")
                return redirect(target(**kwargs))

        return guarded

    return decorate


def attach(
    form: FlaskForm, problems: Mapping[str, list[str]], aliases: Mapping[str, str] | None = None
) -> list[str]:
    """Put the services' problems beside the form's fields (a problem path's first part is
    the field, or an alias of it); return the messages no field shows."""
    unplaced = []
    for path, messages in problems.items():
        name = path.split(".")[0].split("[")[0]
        field = form._fields.get((aliases or {}).get(name, name))
        if field is None:
            unplaced.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
    return unplaced


def form_errors(form: FlaskForm | None) -> list[tuple[str, str, str]]:
    """(field id, label, message) of the posted form's errors, for the error summary."""
    if form is None:
        return []
    return [(f.id, f.label.text, message) for f in form for message in f.errors]


def page_number(per_page: int) -> int:
    """The ``page`` query parameter of a list of ``per_page`` rows: 1 when absent or
    malformed, at most the last page within reach (:func:`incidents.paging.last_page`)."""
    number = request.args.get("page", 1, type=int) or 1
    return min(max(number, 1), last_page(per_page))
