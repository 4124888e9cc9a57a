"""Bar charts drawn on the server as accessible SVG: a title and a description for screen
readers, a data table beside each, no script and no inline style (CSP-safe)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 720
BAR = 22
GAP = 6
LABEL = 270
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart, laid out: the template draws what is here."""

    key: str
    title: str
    description: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def bar_chart(key: str, title: str, rows: Sequence[tuple[str, int]], *, unit: str) -> Chart:
    """Lay out one bar per row, the longest as wide as the chart allows."""
    biggest = max((value for _, value in rows), default=0) or 1
    room = WIDTH - LABEL - 60
    bars = [
        Bar(
            label=label,
            value=value,
            x=LABEL,
            y=TOP + index * (BAR + GAP),
            width=max(round(room * value / biggest), 1 if value else 0),
            height=BAR,
        )
        for index, (label, value) in enumerate(rows)
    ]
    described = ", ".join(f"{label}: {value}" for label, value in rows) or "no data yet"
    return Chart(
        key=key,
        title=title,
        description=f"{title}, in {unit}: {described}.",
        bars=bars,
        width=WIDTH,
        height=TOP * 2 + max(len(rows), 1) * (BAR + GAP),
        label_width=LABEL,
    )
