"""The SVG chart tags: one link per figure, text escaped, no link without a URL."""

from __future__ import annotations

from tepai.web.dashboard import Chart, Series
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
    assert "24-02" in svg


def test_a_funnel_shows_each_steps_share_of_the_first() -> None:
    steps = [
        Figure("已发布", 4, "/d/?s=1"),
        Figure("对接中", 3, "/d/?s=2"),
        Figure("已完成", 1, "/d/"),
    ]
    svg = str(funnel(steps))
    assert svg.count("<a ") == 3
    assert "3（75%）" in svg and "1（25%）" in svg
