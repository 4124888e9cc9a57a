"""Typed reading of parsed TOML tables that collects problems instead of stopping at the first.

Every problem message starts with where it is: ``file: dimension 'x', value 'y': ...``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Where:
    """A place in the data: a file, then nested parts such as dimension, field and value."""

    file: str
    parts: tuple[tuple[str, str], ...] = ()

    def child(self, kind: str, name: object) -> Where:
        """Return the place of a ``kind`` named ``name`` inside this one."""
        return Where(self.file, (*self.parts, (kind, str(name))))

    def __str__(self) -> str:
        inside = ", ".join(f"{kind} {name!r}" for kind, name in self.parts)
        return f"{self.file}: {inside}" if inside else self.file


class Problems:
    """The problems found while loading one or more versions."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: Where, message: str) -> None:
        """Record ``message`` at ``where``."""
        self.messages.append(f"{where}: {message}")


class Table:
    """A TOML table read key by key; ``done()`` reports the keys nobody asked for."""

    def __init__(self, raw: object, where: Where, problems: Problems) -> None:
        self.where = where
        self.problems = problems
        self._raw: dict[str, object] = {}
        self._read: set[str] = set()
        if isinstance(raw, dict):
            self._raw = raw
        else:
            problems.add(where, "expected a table")

    def has(self, key: str) -> bool:
        """Whether the table has ``key``."""
        return key in self._raw

    def _get(self, key: str, kinds: tuple[type, ...], what: str) -> object:
        """Return the value at ``key`` if it is one of ``kinds``; else ``None`` (a problem)."""
        self._read.add(key)
        if key not in self._raw:
            return None
        found = self._raw[key]
        if isinstance(found, kinds) and (bool in kinds or not isinstance(found, bool)):
            return found
        self.problems.add(self.where, f"'{key}' must be {what}")
        return None

    def text(self, key: str, *, required: bool = True) -> str:
        """Return the string at ``key``; ``""`` (and a problem if required) when missing."""
        found = self._get(key, (str,), "a string")
        if required and key not in self._raw:
            self.problems.add(self.where, f"'{key}' is missing")
        return found if isinstance(found, str) else ""

    def optional_text(self, key: str) -> str | None:
        """Return the string at ``key``, or ``None`` when absent."""
        found = self._get(key, (str,), "a string")
        return found if isinstance(found, str) else None

    def flag(self, key: str) -> bool:
        """Return the boolean at ``key``, ``False`` when absent."""
        return self._get(key, (bool,), "true or false") is True

    def integer(self, key: str) -> int | None:
        """Return the integer at ``key``, or ``None`` when absent."""
        found = self._get(key, (int,), "an integer")
        return found if isinstance(found, int) else None

    def number(self, key: str) -> float | None:
        """Return the number at ``key`` as a float, or ``None`` when absent."""
        found = self._get(key, (int, float), "a number")
        return float(found) if isinstance(found, int | float) else None

    def date(self, key: str) -> dt.date | None:
        """Return the TOML date at ``key`` (a problem when missing)."""
        found = self._get(key, (dt.date,), "a date such as 2025-12-01")
        if key not in self._raw:
            self.problems.add(self.where, f"'{key}' is missing")
        return found if isinstance(found, dt.date) else None

    def texts(self, key: str) -> tuple[str, ...]:
        """Return the list of strings at ``key``, ``()`` when absent."""
        found = self._get(key, (list,), "a list of strings")
        if not isinstance(found, list):
            return ()
        if all(isinstance(each, str) for each in found):
            return tuple(found)
        self.problems.add(self.where, f"'{key}' must be a list of strings")
        return tuple(each for each in found if isinstance(each, str))

    def raw(self, key: str) -> object:
        """Return the value at ``key`` unchecked, or ``None`` when absent."""
        self._read.add(key)
        return self._raw.get(key)

    def tables(self, key: str) -> list[object]:
        """Return the array of tables at ``key``, ``[]`` when absent."""
        found = self._get(key, (list,), "an array of tables")
        return found if isinstance(found, list) else []

    def done(self) -> None:
        """Report every key of the table that was not read: a typo or an unknown setting."""
        for key in self._raw:
            if key not in self._read:
                self.problems.add(self.where, f"unknown key '{key}'")
