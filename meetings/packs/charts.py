"""Charts for the PDF pack as SVG, drawn here: vector, no JavaScript, no image library."""

from __future__ import annotations

from django.utils.html import escape

from meetings.packs import labels

COLOURS = {
    "completed": "#4a6fc4",
    "on_track": "#3f8f4d",
    "ongoing": "#2f8793",
    "at_risk": "#d19a1c",
    "behind": "#c0463e",
    "not_started": "#9aa3ae",
}
BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 22, 8, 110, 520
# The pack's own font (pack.html @font-face): SVG text must not fall back to the server's.
FONT = 'font-size="12" font-family="PackSerif"'


def status_bars_svg(statuses: dict[str, int]) -> str:
    """A horizontal bar per status, its count at the end of the bar."""
    peak = max(statuses.values(), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - 40) / peak
    parts = []
    for i, code in enumerate(labels.STATUS_ORDER):
        count = statuses.get(code, 0)
        y = i * (BAR_HEIGHT + GAP)
        length = count * scale
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" {FONT}>'
            f"{escape(labels.status_label(code))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{COLOURS[code]}"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}" {FONT}>{count}</text>'
        )
    height = len(labels.STATUS_ORDER) * (BAR_HEIGHT + GAP)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img">{"".join(parts)}</svg>'
    )
