"""Errors raised by the taxonomy package."""

from __future__ import annotations

from collections.abc import Iterable


class TaxonomyDataError(Exception):
    """The taxonomy data files are invalid.

    ``problems`` holds every problem found, each naming the file, the dimension and the value
    concerned, e.g. ``taxonomy/data/1.0.0/harm.toml: dimension 'harm_type', value 'Physical':
    ids must be lower_snake_case``. ``str(error)`` joins them, one per line.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))
