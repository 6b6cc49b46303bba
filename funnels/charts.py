"""Geometry of the report charts, pure: templates draw the SVG from these numbers.

Everything is Decimal (coordinates included: no float reaches a template). Bars are scaled to
the largest value of the chart; the donut is drawn with `stroke-dasharray` on circles whose
`pathLength` is 100, so a slice is its percentage and no trigonometry is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WIDTH = Decimal(360)
HEIGHT = Decimal(180)
TOP = Decimal(14)  # room for the scale label
BOTTOM = Decimal(18)  # room for the day or period labels
PLOT = HEIGHT - TOP - BOTTOM
STEP = Decimal("0.01")
ZERO = Decimal(0)


def _q(value: Decimal) -> Decimal:
    return value.quantize(STEP, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Bar:
    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal
    value: Decimal
    css: str


@dataclass(frozen=True)
class Tick:
    x: Decimal
    label: str


@dataclass(frozen=True)
class BarChart:
    width: Decimal
    height: Decimal
    bars: list[Bar]
    ticks: list[Tick]
    top: Decimal  # the value at the top of the plot (the scale)
    top_y: Decimal
    baseline: Decimal  # y of zero
    line_y: Decimal | None  # y of the reference line (the pace), if any
    empty: bool


Group = tuple[str, Sequence[tuple[Decimal, str]]]


def bar_chart(
    groups: Sequence[Group], *, line: Decimal | None = None, label_every: int = 1
) -> BarChart:
    """Groups of bars side by side (one group per day or period), scaled to the largest value.

    Each group is (label, [(value, css class), ...]); every `label_every`-th label is shown,
    and the last one always. `line` draws a reference line at that value (the pace).
    """
    values = [value for _, bars in groups for value, _ in bars]
    top = max([*values, line or ZERO, ZERO])
    baseline = TOP + PLOT
    slot = WIDTH / max(len(groups), 1)
    bars: list[Bar] = []
    ticks: list[Tick] = []
    for index, (label, members) in enumerate(groups):
        inner = slot * Decimal("0.8")
        width = inner / max(len(members), 1)
        left = slot * index + (slot - inner) / 2
        for offset, (value, css) in enumerate(members):
            height = PLOT * value / top if top > 0 and value > 0 else ZERO
            bars.append(
                Bar(
                    x=_q(left + width * offset),
                    y=_q(baseline - height),
                    width=_q(width),
                    height=_q(height),
                    value=value,
                    css=css,
                )
            )
        last = index == len(groups) - 1
        # The last label too, unless it would touch the one before it.
        if index % label_every == 0 or (last and index % label_every > label_every // 2):
            ticks.append(Tick(x=_q(slot * index + slot / 2), label=label))
    line_y = _q(baseline - PLOT * line / top) if line is not None and top > 0 else None
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        ticks=ticks,
        top=top,
        top_y=TOP - 3,
        baseline=baseline,
        line_y=line_y,
        empty=top == 0,
    )


@dataclass(frozen=True)
class Slice:
    """One funnel's arc of the donut, as stroke dashes on a circle of pathLength 100."""

    color: str
    name: str
    percent: Decimal
    dasharray: str
    dashoffset: Decimal

    @property
    def label(self) -> str:
        """The percentage to one decimal, for the chart's description."""
        return f"{self.percent:.1f}"


def donut(parts: Sequence[tuple[str, str, Decimal]]) -> list[Slice]:
    """Arcs for (name, colour, amount) parts, in order from the top, clockwise.

    Parts of zero are left out; percentages of the total are exact to 0.001.
    """
    total = sum((amount for _, _, amount in parts if amount > 0), ZERO)
    if total <= 0:
        return []
    slices: list[Slice] = []
    start = ZERO
    for name, color, amount in parts:
        if amount <= 0:
            continue
        percent = (amount * 100 / total).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        slices.append(
            Slice(
                color=color,
                name=name,
                percent=percent,
                dasharray=f"{percent} {Decimal(100) - percent}",
                dashoffset=-start,
            )
        )
        start += percent
    return slices
