"""The problems ``validate`` reports about a classification."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a classification, written for the reporter.

    ``path`` locates it (``harm_type``, ``harm_type[1]``, ``ai_system.name``; empty for the
    whole classification). ``code`` is stable for programs: ``unknown_dimension``,
    ``unknown_field``, ``unknown_value``, ``wrong_dimension``, ``deprecated_value``,
    ``duplicate_value``, ``conflicting_values``, ``wrong_type``, ``out_of_range``,
    ``too_long``, ``bad_format``, ``required``.
    """

    path: str
    code: str
    message: str
