from reports import charts


def test_columns_scale_to_the_tallest_and_keep_their_values():
    chart = charts.column_chart(
        [{"m": "01/26", "v": 30_000}, {"m": "02/26", "v": 0}, {"m": "03/26", "v": 60_000}],
        label="m",
        value="v",
        money=True,
    )

    heights = [bar.height for bar in chart["bars"]]
    assert heights[2] == charts.HEIGHT - 40 and heights[1] == 0 and heights[0] == heights[2] / 2
    assert [bar.value for bar in chart["bars"]] == ["Rp30.000", "Rp0", "Rp60.000"]
    assert chart["top_label"] == "Rp60.000"


def test_bars_are_named_and_limited():
    rows = [{"name": f"Kab {i}", "n": i} for i in range(20, 0, -1)]

    chart = charts.bar_chart(rows, label="name", value="n", limit=12)

    assert len(chart["bars"]) == 12
    assert chart["bars"][0].label == "Kab 20" and chart["bars"][0].value == "20"


def test_an_empty_chart_draws_nothing():
    assert charts.bar_chart([], label="name", value="n")["bars"] == []
    assert charts.column_chart([], label="m", value="v")["bars"] == []
