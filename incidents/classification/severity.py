"""How severe a classified event is: the order the triage queue and search results use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Event class → severity rank (higher is more severe).
SEVERITY = {
    "ai_disaster": 5,
    "serious_ai_incident": 4,
    "serious_ai_hazard": 3,
    "ai_incident": 2,
    "ai_hazard": 1,
}


def severity_rank(classification: Mapping[str, Any] | None) -> int:
    """The rank of ``classification``'s event class (0 when it has none)."""
    return SEVERITY.get(str((classification or {}).get("event_class")), 0)
