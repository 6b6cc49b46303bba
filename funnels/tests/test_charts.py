"""Chart geometry (funnels/charts.py): scaled bars, labels, the pace line and donut arcs."""

from __future__ import annotations

from decimal import Decimal

from funnels import charts


def test_bars_are_scaled_to_the_largest_value_and_sit_on_the_baseline():
    chart = charts.bar_chart(
        [("1", [(Decimal("50"), "a"), (Decimal("100"), "b")]), ("2", [(Decimal("0"), "a")])]
    )
    tall = next(bar for bar in chart.bars if bar.css == "b")
    half = next(bar for bar in chart.bars if bar.value == Decimal("50"))
    assert tall.height == charts.PLOT
    assert half.height == charts.PLOT / 2
    assert tall.y + tall.height == chart.baseline
    assert [bar.height for bar in chart.bars if bar.value == 0] == [Decimal("0.00")]
    assert chart.top == Decimal("100")
    assert not chart.empty


def test_all_zero_is_an_empty_chart_and_the_line_alone_sets_the_scale():
    empty = charts.bar_chart([("1", [(Decimal("0"), "a")])])
    assert empty.empty
    assert empty.line_y is None
    paced = charts.bar_chart([("1", [(Decimal("0"), "a")])], line=Decimal("10"))
    assert not paced.empty
    assert paced.line_y == charts.TOP  # the line is the largest value: top of the plot


def test_labels_every_nth_and_the_last_unless_it_would_touch():
    groups = [(str(day), [(Decimal(day), "a")]) for day in range(1, 31)]
    labels = [tick.label for tick in charts.bar_chart(groups, label_every=7).ticks]
    assert labels == ["1", "8", "15", "22", "29"]  # 30 would touch 29
    groups = groups[:26]
    labels = [tick.label for tick in charts.bar_chart(groups, label_every=7).ticks]
    assert labels == ["1", "8", "15", "22", "26"]


def test_donut_slices_add_up_to_the_circle_in_order():
    slices = charts.donut(
        [("A", "#111111", Decimal("1")), ("Zero", "#222222", Decimal("0")),
         ("B", "#333333", Decimal("2"))]
    )  # fmt: skip
    assert [s.name for s in slices] == ["A", "B"]
    assert [s.percent for s in slices] == [Decimal("33.333"), Decimal("66.667")]
    assert slices[0].dashoffset == 0
    assert slices[1].dashoffset == Decimal("-33.333")
    assert slices[1].dasharray == "66.667 33.333"
    assert slices[0].label == "33.3"
    assert charts.donut([("A", "#111111", Decimal("0"))]) == []


def test_no_float_reaches_a_template():
    chart = charts.bar_chart([("1", [(Decimal("3.33"), "a")])], line=Decimal("1"))
    values = [chart.width, chart.height, chart.top, chart.baseline, chart.line_y]
    values += [getattr(bar, f) for bar in chart.bars for f in ("x", "y", "width", "height")]
    assert all(isinstance(value, Decimal) for value in values)
