"""Charts as server-rendered SVG (docs/decisions/0011-charts-as-svg.md).

A chart is data for the template `reciprocity/reports/_bar_chart.html`: horizontal
bars, one group a category, one bar a series, each bar labelled with its series and
value in text (never colour alone), with a title, a text alternative (`summary`) and
the same figures as a table next to it. The same markup works in the page, in the
PDF (WeasyPrint draws SVG) and for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils.translation import gettext as _

BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 12
LABEL_WIDTH = 210
PLOT_WIDTH = 330
VALUE_WIDTH = 170
# Colours with a contrast of 4.5:1 at least on white; text carries the meaning.
SERIES_COLOURS = ("#1f5f8b", "#8a4b08", "#3d6b21")


@dataclass
class Bar:
    series: str
    value: Decimal
    display: str
    y: int
    width: Decimal
    colour: str


@dataclass
class Group:
    label: str
    y: int
    bars: list[Bar] = field(default_factory=list)

    @property
    def label_y(self) -> int:
        return self.y + BAR_HEIGHT - 3


@dataclass
class BarChart:
    chart_id: str
    title: str
    summary: str
    category_header: str
    series: list[str]
    groups: list[Group]
    table_rows: list[list[str]]
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    value_width: int = VALUE_WIDTH

    @property
    def width(self) -> int:
        return self.label_width + self.plot_width + self.value_width

    @property
    def is_empty(self) -> bool:
        return not self.groups


def bar_chart(
    *,
    chart_id: str,
    title: str,
    category_header: str,
    series: Sequence[str],
    rows: Sequence[tuple[str, Sequence[Decimal | int | None]]],
    display: Callable[[Decimal], str],
    summary: str = "",
) -> BarChart:
    """Bars for `rows` = [(category, [value of each series])]; None values are drawn as
    nothing and written "—". The longest bar is the largest value of the chart."""
    values = [Decimal(v) for _label, vs in rows for v in vs if v is not None]
    top = max(values, default=Decimal(0)) or Decimal(1)
    groups: list[Group] = []
    table_rows: list[list[str]] = []
    y = 0
    for label, row_values in rows:
        group = Group(label=label, y=y)
        cells = [label]
        for i, (name, value) in enumerate(zip(series, row_values, strict=True)):
            shown = "—" if value is None else display(Decimal(value))
            cells.append(shown)
            amount = Decimal(value or 0)
            group.bars.append(
                Bar(
                    series=name,
                    value=amount,
                    display=shown,
                    y=y,
                    width=max(
                        Decimal(0),
                        (Decimal(PLOT_WIDTH) * amount / top).quantize(
                            Decimal("0.1"), rounding=ROUND_DOWN
                        ),
                    ),
                    colour=SERIES_COLOURS[i % len(SERIES_COLOURS)],
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
        groups.append(group)
        table_rows.append(cells)
    if not summary:
        summary = "; ".join(
            f"{row[0]}: " + ", ".join(f"{s} {c}" for s, c in zip(series, row[1:], strict=True))
            for row in table_rows
        )
    return BarChart(
        chart_id=chart_id,
        title=title,
        summary=summary,
        category_header=category_header,
        series=list(series),
        groups=groups,
        table_rows=table_rows,
        height=max(y, BAR_HEIGHT + GROUP_GAP),
    )


def euros(value: Decimal) -> str:
    """`12345.5` → `12 345,50 €` (French grouping, as the report is read in French)."""
    text = f"{Decimal(value):,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text} €"


def hours(value: Decimal) -> str:
    text = f"{Decimal(value):,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",") + " h"


def count(value: Decimal) -> str:
    return f"{int(value):,}".replace(",", "\u202f")


# --- The yearly report's charts ------------------------------------------------------------


def report_charts(report: Any) -> dict[str, BarChart]:
    """The charts of a `YearlyReport` (reciprocity.selectors.reports_yearly)."""
    return {
        "regions": bar_chart(
            chart_id="chart-regions",
            title=_("Missions awarded per region"),
            category_header=_("Region"),
            series=[_("Missions")],
            rows=[(r.name, [r.missions]) for r in report.regions],
            display=count,
        ),
        "policies": bar_chart(
            chart_id="chart-policies",
            title=_("Contributions by policy: expected and paid (€ HT)"),
            category_header=_("Policy"),
            series=[_("Expected"), _("Paid")],
            rows=[(p.label, [p.expected, p.paid]) for p in report.policies if p.missions or p.paid],
            display=euros,
        ),
        "commons": bar_chart(
            chart_id="chart-commons",
            title=_("Commons: budgeted by missions and paid into their funds (€ HT)"),
            category_header=_("Common"),
            series=[_("Budgeted"), _("Paid in")],
            rows=[(c.name, [c.budgeted, c.paid_in]) for c in report.commons],
            display=euros,
        ),
        "in_kind": bar_chart(
            chart_id="chart-in-kind",
            title=_("Hours given in kind, and the association's animation hours"),
            category_header=_("Kind"),
            series=[_("Hours")],
            rows=[(k.label, [k.hours]) for k in report.in_kind]
            + (
                [(_("Animation by the association"), [report.animation_hours])]
                if report.animation_hours
                else []
            ),
            display=hours,
        ),
    }
