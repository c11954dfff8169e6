"""SVG bar charts: proportional lengths from zero, text for every value, a table."""

from __future__ import annotations

from decimal import Decimal

from cercle.reciprocity.charts import PLOT_WIDTH, bar_chart, euros, hours

D = Decimal


def test_bars_are_proportional_and_labelled() -> None:
    chart = bar_chart(
        chart_id="c",
        title="Par politique",
        category_header="Politique",
        series=["Attendu", "Payé"],
        rows=[("Taux", [D("400"), D("100")]), ("Frais", [D("200"), None])],
        display=euros,
    )
    first, second = chart.groups
    assert first.bars[0].width == D(PLOT_WIDTH)
    assert first.bars[1].width == D(PLOT_WIDTH) / 4
    assert second.bars[1].display == "—"
    assert second.bars[1].width == 0
    assert chart.table_rows[0] == ["Taux", "400,00 €", "100,00 €"]
    assert "Frais: Attendu 200,00 €, Payé —" in chart.summary
    assert chart.height > 0


def test_empty_chart_and_formats() -> None:
    chart = bar_chart(
        chart_id="e", title="Vide", category_header="x", series=["n"], rows=[], display=hours
    )
    assert chart.is_empty
    assert euros(D("12345.5")) == "12\u202f345,50 €"
    assert hours(D("6.50")) == "6,5 h"
    assert hours(D("10")) == "10 h"
