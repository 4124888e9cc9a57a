"""ISO 8601 durations (``P15D``, ``PT72H``, ``P4W``, ``P1M``) and calendar arithmetic."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_DURATION = re.compile(
    r"P(?:(?P<years>[0-9]+)Y)?(?:(?P<months>[0-9]+)M)?(?:(?P<weeks>[0-9]+)W)?"
    r"(?:(?P<days>[0-9]+)D)?"
    r"(?:T(?=[0-9])(?:(?P<hours>[0-9]+)H)?(?:(?P<minutes>[0-9]+)M)?(?:(?P<seconds>[0-9]+)S)?)?"
)

_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
"""The units of :data:`_DURATION`'s groups, in order."""

_DAYS_PER_MONTH = 31
"""Used only to order durations with months; adding them uses the calendar."""


@dataclass(frozen=True)
class Duration:
    """A period of calendar months plus a fixed time.

    ``text`` is the ISO 8601 form it was parsed from; ``months`` counts years as 12 months.
    """

    text: str
    months: int
    delta: timedelta

    def after(self, moment: datetime) -> datetime:
        """Return ``moment`` plus this duration.

        Months are calendar months; a day past the end of the target month becomes its last
        day (31 Jan + P1M = 28 or 29 Feb), as deadlines are usually read.
        """
        return add_months(moment, self.months) + self.delta

    @property
    def words(self) -> str:
        """The period as a person reads it: ``P10D`` is "10 days", ``PT72H`` "72 hours",
        ``P1M2D`` "1 month and 2 days"."""
        match = _DURATION.fullmatch(self.text)
        assert match is not None  # parse_duration made this from a matching text
        parts = [
            f"{amount} {unit if int(amount) == 1 else unit + 's'}"
            for unit, amount in zip(_UNITS, match.groups(), strict=True)
            if amount and int(amount)
        ]
        if len(parts) == 1:
            return parts[0]
        return ", ".join(parts[:-1]) + " and " + parts[-1]

    def nominal(self) -> timedelta:
        """Return an approximate length (a month as 31 days), for ordering durations only."""
        return timedelta(days=self.months * _DAYS_PER_MONTH) + self.delta


def parse_duration(text: str) -> Duration:
    """Parse an ISO 8601 duration such as ``P10D``, ``PT72H``, ``P4W`` or ``P1M``.

    Raises ``ValueError`` when ``text`` is not a duration of whole units or is zero-length.
    """
    match = _DURATION.fullmatch(text)
    if match is None or text in ("P", "PT"):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as 'P15D' or 'PT72H'")
    parts = {name: int(amount or 0) for name, amount in match.groupdict().items()}
    delta = timedelta(
        weeks=parts["weeks"],
        days=parts["days"],
        hours=parts["hours"],
        minutes=parts["minutes"],
        seconds=parts["seconds"],
    )
    months = parts["years"] * 12 + parts["months"]
    if months == 0 and not delta:
        raise ValueError(f"{text!r} is a zero-length duration")
    return Duration(text=text, months=months, delta=delta)


def add_months(moment: datetime, months: int) -> datetime:
    """Return ``moment`` moved ``months`` calendar months on, clamped to the month's end."""
    years, month_index = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    month = month_index + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
