"""The meeting pack as PDF.

`render_pdf` is Typst's (meetings/packs/typst_pdf.py): on the bench's 30-task plan it lays
the pack out ~15× faster than WeasyPrint (0.30 s against 4.4 s), with tables that repeat
their header and keep each task's row whole (docs/performance.md, "PDF engine"). The
WeasyPrint rendering (HTML templates, the GB 2312 subset fonts of static/fonts) is kept only
for that comparison, which bench/packs.py runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from meetings.packs import labels
from meetings.packs.charts import status_bars_svg
from meetings.packs.ledger import ledger_summary, ledger_summary_headers, ledger_summary_note
from meetings.packs.typst_pdf import render_pdf_typst

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"


def render_pdf(data: dict[str, Any]) -> bytes:
    return render_pdf_typst(data)


def render_pdf_weasyprint(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: Pango loads only when a PDF is made

    html = render_to_string("meetings/pack.html", pdf_context(data))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_context(data: dict[str, Any]) -> dict[str, Any]:
    sections = [
        {
            "heading": f"{s['label']}{s['title']}" if s["title"] else None,
            "numeral": labels.numeral(i),
            "tasks": [
                {
                    **t,
                    "status_label": labels.status_label(t["status"]),
                    "light_label": labels.light_label(t["light"]),
                }
                for t in s["tasks"]
            ],
        }
        for i, s in enumerate(data["sections"], start=1)
    ]
    return {
        "data": data,
        "title": labels.pack_title(data),
        "headings": labels.numbered_headings(data),
        "task_headers": labels.task_headers(),
        "indicator_headers": labels.indicator_headers(),
        "decision_headers": labels.decision_headers(),
        "ledger_headers": ledger_summary_headers(),
        "ledger_note": ledger_summary_note(),
        "reports_sentence": labels.reports_sentence(data["overall"]["reports"]),
        "sections": sections,
        "statuses": [
            (labels.status_label(c), data["overall"]["statuses"].get(c, 0))
            for c in labels.STATUS_ORDER
        ],
        "status_chart": mark_safe(status_bars_svg(data["overall"]["statuses"])),  # noqa: S308 - built and escaped in charts.py  # nosec B308 B703
        "decisions": [
            {**d, "outcome": labels.decision_outcome(d)} for d in data["previous_decisions"]
        ],
        "ledger": ledger_summary(data["ledger"]),
        "serif_font": (FONTS / "NotoSerifSC-Regular-subset.otf").as_uri(),
        "sans_font": (FONTS / "NotoSansSC-Bold-subset.otf").as_uri(),
    }
