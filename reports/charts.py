"""Charts as plain numbers for an inline SVG template: no JavaScript, readable on a cheap phone."""

from dataclasses import dataclass

from marketplace.money import format_rupiah

WIDTH, HEIGHT, GAP = 640, 240, 6
LABEL_WIDTH, ROW_HEIGHT = 200, 28


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


def _value_text(value, money):
    return format_rupiah(value) if money else f"{value:,}".replace(",", ".")


def column_chart(rows, *, label, value, money=False, title=""):
    """Vertical columns, e.g. one per month; the tallest one fills the chart's height."""
    rows = list(rows)
    top = max([row[value] for row in rows] + [1])
    step = WIDTH / max(len(rows), 1)
    bars = []
    for i, row in enumerate(rows):
        height = (HEIGHT - 40) * row[value] / top
        bars.append(
            Bar(
                x=round(i * step + GAP / 2, 1),
                y=round(HEIGHT - 20 - height, 1),
                width=round(step - GAP, 1),
                height=round(height, 1),
                label=str(row[label]),
                value=_value_text(row[value], money),
            )
        )
    return {
        "kind": "columns",
        "bars": bars,
        "width": WIDTH,
        "height": HEIGHT,
        "title": title,
        # The scale, written once on a line at the tallest column's height.
        "top_y": 20,
        "top_label": _value_text(max([row[value] for row in rows] + [0]), money),
    }


def bar_chart(rows, *, label, value, money=False, title="", limit=12):
    """Horizontal bars with their names, e.g. categories or regencies, largest first."""
    rows = list(rows)[:limit]
    top = max([row[value] for row in rows] + [1])
    room = WIDTH - LABEL_WIDTH - 130
    bars = [
        Bar(
            x=LABEL_WIDTH,
            y=i * ROW_HEIGHT + 4,
            width=round(room * row[value] / top, 1),
            height=ROW_HEIGHT - 8,
            label=str(row[label] or "—"),
            value=_value_text(row[value], money),
        )
        for i, row in enumerate(rows)
    ]
    height = max(len(bars), 1) * ROW_HEIGHT
    return {
        "kind": "bars",
        "bars": bars,
        "width": WIDTH,
        "height": height,
        "title": title,
        "label_x": LABEL_WIDTH - 6,
    }
