"""Loading a report for a caller, for pages and API alike: found and permitted, or NotFound.

The shape of the Flask tutorial's ``get_post``: load, check, refuse. A report the caller may
not read (or not act on) is refused exactly like a missing one, and only a well-formed key
reaches the database: an id beyond its column or a stray character is simply not found.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from incidents.refusals import NotFound
from incidents.reports.models import Report
from incidents.security.policy import Principal, can_file_for
from incidents.security.scope import can_read_report

#: A report's key: its reference, or ``draft-<id>`` before it has one.
REPORT_KEY_PATTERN = r"^(RPT-[0-9]{4}-[0-9]{5,}|draft-(?P<id>[0-9]{1,10}))$"
#: A submitted report's reference.
REFERENCE_PATTERN = r"^RPT-[0-9]{4}-[0-9]{5,}$"
_KEY = re.compile(REPORT_KEY_PATTERN)
MAX_ID = 2**31 - 1  # report ids are 32-bit integers
NO_REPORT = "There is no report with this reference."


def report_for(session: Session, principal: Principal | None, key: str) -> Report | None:
    """The report ``key`` (a reference, or ``draft-<id>`` for a draft) if ``principal`` may
    read it; None otherwise, exactly as if it did not exist."""
    match = _KEY.fullmatch(key)
    if match is None:
        return None
    if match.group("id") is not None:
        number = int(match.group("id"))
        report = session.get(Report, number) if number <= MAX_ID else None
        if report is not None and report.reference is not None:
            report = None
    else:
        report = session.scalar(sa.select(Report).where(Report.reference == key))
    if report is None or not can_read_report(principal, report):
        return None
    return report


def readable_report(session: Session, principal: Principal | None, key: str) -> Report:
    """The report ``key`` if ``principal`` may read it; raises NotFound."""
    report = report_for(session, principal, key)
    if report is None:
        raise NotFound(NO_REPORT)
    return report


def submitted_report(session: Session, principal: Principal | None, key: str) -> Report:
    """The submitted (or withdrawn) report ``key`` if ``principal`` may read it; raises
    NotFound for a draft too."""
    report = readable_report(session, principal, key)
    if report.reference is None:
        raise NotFound(NO_REPORT)
    return report


def own_report(session: Session, principal: Principal, key: str, *, to_file: bool) -> Report:
    """The report ``key`` of ``principal``'s own organisation (with ``to_file``: one it may
    amend, follow up or withdraw); raises NotFound for any other."""
    report = readable_report(session, principal, key)
    if report.organization_id != principal.organization_id:
        raise NotFound(NO_REPORT)
    if to_file and not can_file_for(principal, report):
        raise NotFound(NO_REPORT)
    return report


def report_key(report: Report) -> str:
    """The key ``report_for`` finds ``report`` by: its reference, or ``draft-<id>``."""
    return report.reference or f"draft-{report.id}"


def draft_id(report: Report) -> str | None:
    """A draft's key (``draft-<id>``); None once the report has a reference."""
    return None if report.reference else report_key(report)
