"""The SVG chart tags: one link per figure, text escaped, no link without a URL."""

from __future__ import annotations

from tepai.reports.documents.svg import FigureLike, ticks
from tepai.web.dashboard_figures import Chart, Series
from tepai.web.figures import Figure
from tepai.web.templatetags.charts import bar_chart, column_chart, funnel


def test_a_bar_chart_links_each_bar_and_escapes_labels() -> None:
    chart = Chart(
        "t",
        "",
        ["<b>中心</b>", "空"],
        [
            Series("成员", [Figure("a", 3, "/c/?x=1&y=2"), Figure("b", 0, "/c/?x=2")]),
            Series("项目", [Figure("a", 1, None), Figure("b", 0, "/p/")]),
        ],
    )
    svg = str(bar_chart(chart))
    assert svg.count("<a ") == 1
    assert 'href="/c/?x=1&amp;y=2"' in svg
    assert "&lt;b&gt;中心&lt;/b&gt;" in svg and "<b>" not in svg
    assert "空" not in svg  # a group with nothing to show is left out


def test_a_column_chart_draws_every_period() -> None:
    figures = [Figure(f"2024-{m:02d}", m, f"/a/?period=2024-{m:02d}") for m in range(1, 4)]
    svg = str(
        column_chart(Chart("培训", "", [f.label for f in figures], [Series("培训", figures)]))
    )
    assert svg.count("<a ") == 3
    assert ">2月<" in svg and ">2024<" in svg
    assert ">24-02<" not in svg  # a two-digit year is anybody's guess


def test_ticks_name_the_year_or_month_where_it_changes() -> None:
    assert ticks(["2024-11", "2024-12", "2025-01", "2025-02"]) == [
        ("11月", "2024"),
        ("12月", ""),
        ("1月", "2025"),
        ("2月", ""),
    ]
    assert ticks(["2024-Q4", "2025-Q1"]) == [("Q4", "2024"), ("Q1", "2025")]
    assert ticks(["05-31", "06-01", "06-02"]) == [("31", "5月"), ("1", "6月"), ("2", "")]
    assert ticks(["2023", "2024"]) == [("2023", ""), ("2024", "")]


def test_a_long_column_chart_labels_fewer_ticks_but_keeps_every_year() -> None:
    labels = [f"{2023 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in range(1, 25)]
    figures = [Figure(label, 1, None) for label in labels]
    svg = str(column_chart(Chart("培训", "", labels, [Series("培训", figures)])))
    assert svg.count('class="tick"') < 2 * 24
    assert ">2023<" in svg and ">2024<" in svg


def test_a_funnel_shows_each_steps_share_of_the_first() -> None:
    steps: list[FigureLike] = [
        Figure("已发布", 4, "/d/?s=1"),
        Figure("对接中", 3, "/d/?s=2"),
        Figure("已完成", 1, "/d/"),
    ]
    svg = str(funnel(steps))
    assert svg.count("<a ") == 3
    assert "3（75%）" in svg and "1（25%）" in svg
