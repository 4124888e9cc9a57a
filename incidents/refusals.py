"""Why a service refused: the error hierarchy every domain error subclasses (no Flask).

Services and loaders raise these; each channel translates them in one place: the JSON API
answers 422 / 409 / 404 / 403 with ``{"error", "details"}`` (``incidents.errors``), pages
show the same status or, for :class:`Invalid`, put the problems beside the form's fields.
Nothing was changed when one is raised: the caller rolls back.
"""

from __future__ import annotations

#: Field path (``distribution.tlp``, ``references[0]``) → messages a person understands.
Problems = dict[str, list[str]]


class Refused(Exception):
    """A request the domain refuses; the message says why, in words for the user."""

    status = 400


class Invalid(Refused, ValueError):
    """The input cannot be used as given; ``problems`` maps each field path to its messages."""

    status = 422

    def __init__(self, problems: Problems) -> None:
        super().__init__("; ".join(f"{path}: {' '.join(m)}" for path, m in problems.items()))
        self.problems = problems


class Conflict(Refused):
    """The object's state does not allow it, or it changed since the caller read it;
    ``details``, when given, say what stands in the way (shown to the caller)."""

    status = 409

    def __init__(self, message: str, details: object = None) -> None:
        super().__init__(message)
        self.details = details


class NotFound(Refused):
    """Missing, or hidden from the caller (the two are never told apart). When the request
    named it in a field, ``problems`` says which (field path → messages)."""

    status = 404

    def __init__(self, message: str, problems: Problems | None = None) -> None:
        super().__init__(message)
        self.problems = problems or {}


class Forbidden(Refused):
    """The caller's role may not do this."""

    status = 403
