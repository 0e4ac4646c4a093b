"""The report page as PDF, through WeasyPrint: the same HTML (and its inline SVG charts),
laid out on A4 by the page's own print rules, so the PDF and the page never disagree."""

from __future__ import annotations

import asyncio

from services.reporting.domain.report import MonthlyReport
from services.reporting.entrypoints import page


def _pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, and a host without it should
    # still answer every other report (the PDF route then fails, saying why, in the log).
    from weasyprint import HTML

    document: bytes = HTML(string=html).write_pdf()
    return document


async def pdf(report: MonthlyReport) -> bytes:
    # Layout takes a few hundred milliseconds of CPU: off the event loop.
    return await asyncio.to_thread(_pdf, page.render(report))
