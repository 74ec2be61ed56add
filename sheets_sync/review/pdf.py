"""The review as PDF: the same HTML page laid out by WeasyPrint, its fonts embedded.

WeasyPrint is an optional extra (``pip install 'sheets-sync[pdf]'``) that needs
Pango from the system; it is imported only here, and either one missing is an
error saying what to install. WeasyPrint embeds the subset of each font a page
uses, so a Chinese or Russian review reads the same on a machine without those
fonts; the page's font list prefers Noto (Noto Sans CJK draws Chinese).
"""

from __future__ import annotations

from typing import Any

from sheets_sync.errors import SheetsSyncError
from sheets_sync.review.html import render_html
from sheets_sync.review.model import ReviewReport

SYSTEM_LIBRARIES = (
    "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1"
)


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as error:
        raise SheetsSyncError(
            "A PDF review needs WeasyPrint, which is not installed.",
            "Install the pdf extra: pip install 'sheets-sync[pdf]', or write --out review.html.",
        ) from error
    except OSError as error:  # WeasyPrint is there, Pango is not
        raise SheetsSyncError(
            f"WeasyPrint cannot load the system's text libraries: {error}.",
            f"Install Pango (Debian/Ubuntu: apt-get install {SYSTEM_LIBRARIES}).",
        ) from error
    return weasyprint


def render_pdf(report: ReviewReport) -> bytes:
    """``report`` as a PDF document, from the page :func:`render_html` writes."""
    weasyprint = _weasyprint()
    data: bytes = weasyprint.HTML(string=render_html(report)).write_pdf()
    return data
