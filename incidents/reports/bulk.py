"""Bulk import: many reports from JSON Lines, each line one ``POST /api/v1/reports`` body.

Every line goes through ``NewReportSchema`` and the filing services, so an import applies
exactly the API's rules. Each line succeeds or fails on its own (a SAVEPOINT per line) and
the work is committed in batches, so a crash loses at most the batch in progress and never
leaves a report half-written. This module owns its transactions (like a CLI command does)
but knows nothing of Flask or click.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.accounts.models import Organization, User
from incidents.refusals import Invalid, Problems
from incidents.reports.body import new_report_checker, reject_constant
from incidents.reports.content import ReportInvalid
from incidents.reports.models import ReportState
from incidents.reports.schemas import NewReport, NewReportSchema
from incidents.reports.services import (
    ReportStateError,
    file_report,
    recipient_institutes,
    save_draft,
)
from incidents.schemas import WHOLE_BODY, load
from incidents.security.caller import Caller
from incidents.security.permissions import Permission, Role
from incidents.security.policy import has_permission

BATCH_SIZE = 500
LINE = WHOLE_BODY
"""The error path of a problem with the line as a whole (not JSON, not an object), as the
API's 422 answers name problems with the whole body."""
_SCHEMA = NewReportSchema()


class ImportRefused(ValueError):
    """The import cannot start (unknown organisation or user, nobody to file as)."""


class ImportInterrupted(RuntimeError):
    """An unexpected error stopped the import at ``line``; ``committed`` reports are kept."""

    def __init__(self, line: int, committed: int, cause: BaseException) -> None:
        super().__init__(f"Stopped at line {line}: {cause}")
        self.line = line
        self.committed = committed


@dataclass(frozen=True)
class LineError:
    """Why line ``line`` (1-based) was not imported: field path → messages."""

    line: int
    problems: Problems

    def as_json(self) -> str:
        return json.dumps({"line": self.line, "errors": self.problems}, ensure_ascii=False)


@dataclass
class ImportResult:
    """What an import did: how many reports were stored, and each failed line's problems."""

    imported: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)


def filer_for(session: Session, organization_name: str, email: str | None = None) -> User:
    """The user an import files as: ``email`` (who must be able to file for the organisation)
    or else the organisation's first active reporter. Raises ImportRefused."""
    organization = session.scalar(
        sa.select(Organization).where(Organization.name == organization_name)
    )
    if organization is None:
        raise ImportRefused(f"No organisation is called {organization_name!r}.")
    if email is None:
        user = session.scalar(
            sa.select(User)
            .where(
                User.organization_id == organization.id,
                User.role == Role.REPORTER,
                User.is_active.is_(True),
            )
            .order_by(User.id)
            .limit(1)
        )
        if user is None:
            raise ImportRefused(f"{organization.name!r} has no active reporter; give --user.")
        return user
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or user.organization_id != organization.id:
        raise ImportRefused(f"{organization.name!r} has no user with the e-mail {email!r}.")
    if not has_permission(user, Permission.REPORT_FILE):
        raise ImportRefused(f"{user.email} may not file reports (inactive or not a reporter).")
    return user


def parse_line(text: str | bytes, known_recipients: Sequence[str]) -> NewReport:
    """One line as a report to file, checked like an API body. Raises ReportInvalid with
    every problem at once, keyed by the field's path in the body (as the API answers 422)."""
    try:
        data = json.loads(text, parse_constant=reject_constant)
    except UnicodeDecodeError as error:
        raise ReportInvalid({LINE: [f"Not UTF-8 text: {error.reason}."]}) from None
    except json.JSONDecodeError as error:
        raise ReportInvalid({LINE: [f"Not JSON: {error.msg} (column {error.colno})."]}) from None
    except (ValueError, RecursionError) as error:
        raise ReportInvalid({LINE: [f"Not JSON: {error}."]}) from None
    if not isinstance(data, dict):
        raise ReportInvalid({LINE: ["Each line must be one JSON object (a report)."]})
    check = new_report_checker(lambda: list(known_recipients))
    loaded: NewReport = load(_SCHEMA, data, check)
    return loaded


def import_reports(
    session: Session,
    caller: Caller,
    lines: Iterable[str | bytes],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """File every non-blank line of ``lines`` as ``caller``, committing every ``batch_size``
    lines. ``progress`` is told the length of each line read (for a progress bar).

    Bad lines are recorded in the result, never raised. Any other error rolls back the batch
    in progress and raises ImportInterrupted; the batches before it stay committed.
    """
    result = ImportResult()
    known_recipients = [institute.name for institute in recipient_institutes(session)]
    pending = committed = number = 0
    try:
        for number, text in enumerate(lines, start=1):
            if progress is not None:
                progress(len(text))
            if not text.strip():
                continue
            problems = _import_line(session, caller, text, known_recipients)
            if problems:
                result.errors.append(LineError(number, problems))
            else:
                result.imported += 1
            pending += 1
            if pending >= batch_size:
                session.commit()
                committed, pending = result.imported, 0
        session.commit()
    except Exception as error:
        session.rollback()
        raise ImportInterrupted(number, committed, error) from error
    except BaseException:  # Ctrl-C: keep what is committed, drop the batch in progress
        session.rollback()
        raise
    return result


def _import_line(
    session: Session, caller: Caller, text: str | bytes, known_recipients: Sequence[str]
) -> Problems | None:
    try:
        new = parse_line(text, known_recipients)
        with session.begin_nested():
            if new.state is ReportState.DRAFT:
                save_draft(session, caller, new.content)
            else:
                file_report(session, caller, new.content)
    except Invalid as error:
        return error.problems
    except ReportStateError as error:
        return {LINE: [str(error)]}
    return None
