"""The immutable taxonomy model: frameworks, dimensions, values, regimes and their rules.

Built by ``taxonomy.load``; never constructed by callers. Every collection is a tuple or a
read-only mapping, so a loaded taxonomy can be shared and cached safely.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from taxonomy.conditions import Condition
from taxonomy.durations import Duration

if TYPE_CHECKING:
    from taxonomy.changes import Changes
    from taxonomy.problems import Problem

STAGES = ("initial", "intermediate", "final")
"""Report stages in order; a stage requires everything the earlier stages require."""

REQUIRED_STAGES = ("initial", "final")
KINDS = ("single", "multi", "boolean", "date", "number", "text", "structured")
VISIBILITIES = ("public", "network", "recipients")
OBLIGATIONS = ("initial", "intermediate", "final")
ANCHORS = ("aware_at", "previous_report", "resolved_at")
ANCHOR_WORDS = {
    "aware_at": "after becoming aware",
    "previous_report": "after the previous report",
    "resolved_at": "after the event is resolved",
}
"""How each anchor reads in a sentence ("10 days after becoming aware")."""


@dataclass(frozen=True, kw_only=True)
class FrameworkMapping:
    """Where a dimension, sub-field or value sits in an external framework.

    ``no_equivalent`` says explicitly that the framework has nothing matching. Otherwise at
    least one of ``criterion`` (OECD criterion number), ``field`` (the framework's field) and
    ``value`` (its code or label) is set. ``unverified`` marks facts still to be checked.
    """

    framework: str
    criterion: int | None = None
    field: str | None = None
    value: str | None = None
    no_equivalent: bool = False
    unverified: bool = False
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Framework:
    """An external framework that mappings refer to.

    ``required`` frameworks must be named by every dimension (a mapping or ``no_equivalent``).
    ``values``, when not empty, are the only codes a mapping may use. ``criteria`` names the
    numbered criteria of a framework that has them (OECD).
    """

    id: str
    title: str
    citation: str = ""
    required: bool = False
    values: tuple[str, ...] = ()
    criteria: Mapping[int, str] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    unverified: bool = False
    note: str = ""


@dataclass(frozen=True)
class Choice:
    """One choice a form offers: a value id, its label and definition."""

    id: str
    label: str
    definition: str


@dataclass(frozen=True, kw_only=True)
class Value:
    """An allowed value of a single or multi dimension (or sub-field).

    A ``deprecated`` value is kept so old reports stay readable, but new classifications may
    not use it; ``replaced_by`` names its successor when there is one. An ``exclusive`` value
    (such as ``none``) cannot be combined with other values of a multi dimension.
    """

    id: str
    label: str
    definition: str = ""
    deprecated: bool = False
    replaced_by: str | None = None
    exclusive: bool = False
    related: tuple[str, ...] = ()
    mappings: Mapping[str, FrameworkMapping]
    unverified: bool = False
    note: str = ""

    def choice(self) -> Choice:
        """Return this value as a form choice."""
        return Choice(self.id, self.label, self.definition)


@dataclass(frozen=True, kw_only=True)
class Field:
    """Anything that holds a value: a dimension or a sub-field of a structured dimension.

    ``path`` is the id for a dimension and ``dimension.field`` for a sub-field. ``kind`` is
    one of ``KINDS``; a ``date`` whose id ends in ``_at`` is an RFC 3339 timestamp with a UTC
    offset, otherwise a ``YYYY-MM-DD`` date. ``integer``, ``minimum`` and ``maximum`` apply to
    numbers; ``max_length``, ``pattern`` and ``multiple`` (a list of strings) to text.
    """

    id: str
    path: str
    label: str
    definition: str
    kind: str
    values: tuple[Value, ...] = ()
    fields: tuple[SubField, ...] = ()
    value_format: str = "lower_snake_case"
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    pattern: str | None = None
    multiple: bool = False
    mappings: Mapping[str, FrameworkMapping]
    unverified: bool = False
    note: str = ""

    @property
    def is_timestamp(self) -> bool:
        """Whether this is a date field holding a timestamp (its id ends in ``_at``)."""
        return self.kind == "date" and self.id.endswith("_at")

    def value(self, value_id: str) -> Value | None:
        """Return the value with this id, deprecated or not, or ``None``."""
        return next((each for each in self.values if each.id == value_id), None)

    def field(self, field_id: str) -> SubField | None:
        """Return the sub-field with this id (structured dimensions only), or ``None``."""
        return next((each for each in self.fields if each.id == field_id), None)

    def choices(self) -> tuple[Choice, ...]:
        """Return the values a new classification may use, in order (deprecated excluded)."""
        return tuple(each.choice() for each in self.values if not each.deprecated)


@dataclass(frozen=True, kw_only=True)
class SubField(Field):
    """A sub-field of a structured dimension; ``required`` whenever the dimension is given."""

    required: bool = False


@dataclass(frozen=True, kw_only=True)
class Dimension(Field):
    """A dimension of the taxonomy.

    ``required`` is the first report stage that must answer it (``initial`` or ``final``), or
    ``None`` when optional; with ``required_when`` it is required only when that condition
    holds. ``visibility`` is the default audience (``public``, ``network`` of institutes, or
    the named ``recipients``); ``facet`` says whether search offers it as a facet.
    """

    required: str | None = None
    required_when: Condition | None = None
    visibility: str = "recipients"
    facet: bool = False

    def required_at(self, stage: str) -> bool:
        """Whether a report at ``stage`` must answer this dimension (conditions aside)."""
        if self.required is None:
            return False
        return STAGES.index(stage) >= STAGES.index(self.required)


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A reporting deadline of a regime.

    The report of ``obligation`` is due ``period`` after ``anchor`` when ``when`` holds (no
    condition: always). A ``recurring`` rule repeats after each report.
    """

    id: str
    regime: str
    obligation: str
    period: Duration
    anchor: str
    citation: str
    when: Condition | None = None
    recurring: bool = False
    unverified: bool = False
    note: str = ""

    @property
    def counted_from(self) -> str:
        """When the period starts, in words ("after becoming aware")."""
        return ANCHOR_WORDS[self.anchor]


@dataclass(frozen=True, kw_only=True)
class Regime:
    """A regulatory reporting regime, which applies when ``applies_when`` holds."""

    id: str
    label: str
    citation: str
    applies_when: Condition
    rules: tuple[Rule, ...] = ()
    unverified: bool = False
    note: str = ""


@dataclass(frozen=True, kw_only=True, eq=False)
class Taxonomy:
    """One released version of the taxonomy.

    ``dimensions`` are in the order reporters see them; ``changes`` says how ids moved since
    the previous version (``None`` for the first). Compare taxonomies by ``version``.
    """

    version: str
    released_on: date
    title: str
    frameworks: Mapping[str, Framework]
    dimensions: tuple[Dimension, ...]
    regimes: tuple[Regime, ...] = ()
    changes: Changes | None = None
    source: Path | None = None
    _index: Mapping[str, Dimension] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        index = MappingProxyType({each.id: each for each in self.dimensions})
        object.__setattr__(self, "_index", index)

    def dimension(self, dimension_id: str) -> Dimension:
        """Return the dimension with this id; raise ``KeyError`` if there is none."""
        try:
            return self._index[dimension_id]
        except KeyError:
            raise KeyError(f"taxonomy {self.version} has no dimension {dimension_id!r}") from None

    def has_dimension(self, dimension_id: str) -> bool:
        """Whether the taxonomy has a dimension with this id."""
        return dimension_id in self._index

    def field_at(self, path: str) -> Field | None:
        """Return the dimension (``id``) or sub-field (``id.field``) at ``path``, or ``None``."""
        head, _, rest = path.partition(".")
        found: Field | None = self._index.get(head)
        if found is not None and rest:
            found = found.field(rest)
        return found

    def regime(self, regime_id: str) -> Regime:
        """Return the regime with this id; raise ``KeyError`` if there is none."""
        for each in self.regimes:
            if each.id == regime_id:
                return each
        raise KeyError(f"taxonomy {self.version} has no regime {regime_id!r}")

    def choices(self) -> Mapping[str, tuple[Choice, ...]]:
        """Return the choices of every single and multi dimension and sub-field, by path."""
        found: dict[str, tuple[Choice, ...]] = {}
        for dimension in self.dimensions:
            for each in (dimension, *dimension.fields):
                if each.values:
                    found[each.path] = each.choices()
        return MappingProxyType(found)

    def validate(self, classification: Mapping[str, object], stage: str) -> list[Problem]:
        """Check a classification for a report at ``stage`` and return every problem found.

        ``stage`` is ``initial``, ``intermediate`` or ``final``; raises ``ValueError`` for any
        other. Never raises for a bad classification: see ``taxonomy.validation``.
        """
        from taxonomy.validation import validate_classification  # here: validation imports model

        return validate_classification(self, classification, stage)
