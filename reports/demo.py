"""Demo documents for the fictional Halvorsen Instruments: two years of quarters, an annual report, a proxy
statement and a conference presentation, with PDFs and data files made here, by code, at seed time.

Every PDF is drawn with Pillow (pages of text and a bar chart) and written
with Pillow's PDF writer; every document goes through the same actions staff
use, so its thumbnail is made by the Celery worker like any upload.
"""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from company.files import DATA_FILES, PDF, check_upload
from company.numfmt import millions
from events.models import Event
from irportal.workflow import engine
from releases.models import Release
from reports import services
from reports.checks import CODES as EVERY_WARNING
from reports.models import Document
from reports.workflow import DOCUMENT

ACCENT = (11, 83, 148)
# Fiscal year = calendar year (the profile's default year end, Dec. 31). Revenue and EPS by quarter.
QUARTERS = [
    (2024, 4, 71.8, 0.44),
    (2025, 1, 68.9, 0.39),
    (2025, 2, 72.4, 0.45),
    (2025, 3, 75.1, 0.48),
    (2025, 4, 79.6, 0.53),
    (2026, 1, 76.3, 0.50),
    (2026, 2, 80.7, 0.56),
    (2026, 3, 84.2, 0.61),
]
ORDINALS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth"}
RESULTS_RELEASE = "halvorsen-reports-third-quarter-2026-results"
RESULTS_EVENT = "third-quarter-2026-earnings-call"
CONFERENCE_EVENT = "autumn-growth-conference"


def _font(size: int):
    return ImageFont.load_default(size=size)


def _page(size, title: str, lines: list[str], bars: list[tuple[str, float]] | None = None) -> Image.Image:
    page = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(page)
    width, height = size
    draw.rectangle([0, 0, width, 18], fill=ACCENT)
    draw.text((60, 60), "Halvorsen Instruments, Inc. (Nasdaq: HLVI)", fill=ACCENT, font=_font(24))
    draw.text((60, 110), title, fill="black", font=_font(44))
    for number, line in enumerate(lines):
        draw.text((60, 200 + number * 40), line, fill=(40, 40, 40), font=_font(26))
    if bars:
        top, bottom, left = 200 + len(lines) * 40 + 40, height - 80, 60
        highest = max(value for _, value in bars)
        step = (width - 2 * left) // len(bars)
        for number, (label, value) in enumerate(bars):
            x = left + number * step
            y = bottom - int((bottom - top - 40) * value / highest)
            draw.rectangle([x + 10, y, x + step - 10, bottom], fill=ACCENT)
            draw.text((x + 10, bottom + 10), label, fill="black", font=_font(18))
            draw.text((x + 10, y - 28), f"{value:.1f}", fill="black", font=_font(18))
    return page


def make_pdf(pages: list[Image.Image]) -> bytes:
    """Pages drawn with Pillow, written as one PDF."""
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=100)
    return buffer.getvalue()


def results_pdf(fiscal_year: int, quarter: int, revenue: float, eps: float) -> bytes:
    letter = (850, 1100)
    title = f"{ORDINALS[quarter]} quarter {fiscal_year} results"
    return make_pdf(
        [
            _page(
                letter,
                title,
                [
                    f"Revenue: ${revenue:.1f} million",
                    f"Diluted earnings per share: ${eps:.2f}",
                    "Condensed consolidated statements of operations (unaudited)",
                ],
            ),
            _page(letter, "Balance sheet and cash flow", ["Condensed consolidated balance sheets (unaudited)"]),
        ]
    )


def slides_pdf(title: str, history: list[tuple[str, float]]) -> bytes:
    slide = (1280, 720)
    return make_pdf(
        [
            _page(slide, title, ["Ingrid Halvorsen, President and CEO", "Tomas Brandt, Chief Financial Officer"]),
            _page(slide, "Revenue by quarter ($ millions)", [], bars=history),
            _page(slide, "Outlook", ["Full-year revenue growth of 10 to 12 percent", "Gross margin near 58 percent"]),
        ]
    )


def report_pdf(title: str, lines: list[str]) -> bytes:
    letter = (850, 1100)
    return make_pdf([_page(letter, title, lines), _page(letter, "Contents", ["Letter to shareholders", "Form 10-K"])])


def data_csv(fiscal_year: int, quarter: int, revenue: float, eps: float) -> bytes:
    rows = ["line,amount", f"revenue_millions,{revenue:.1f}", f"diluted_eps,{eps:.2f}", "gross_margin_percent,58.1"]
    return ("\n".join([f"# Q{quarter} FY{fiscal_year}", *rows]) + "\n").encode()


def _pdf(name: str, data: bytes):
    return check_upload(SimpleUploadedFile(name, data, content_type="application/pdf"), accept=PDF)


def _publish(document: Document, *, author, approver) -> Document:
    Document.objects.filter(pk=document.pk).update(is_demo=True)
    engine.submit(DOCUMENT, pk=document.pk, actor=author)
    engine.approve(DOCUMENT, pk=document.pk, actor=approver, acknowledged=EVERY_WARNING)
    return engine.publish(DOCUMENT, pk=document.pk, actor=approver)


def seed_demo_documents() -> list[Document]:
    """Add the demo documents once; later runs leave existing documents alone."""
    if Document.objects.exists():
        return []
    users = get_user_model().objects
    author, approver = users.get(username="author"), users.get(username="approver")
    release = Release.objects.filter(slug=RESULTS_RELEASE).first()
    call = Event.objects.filter(slug=RESULTS_EVENT).first()
    created = []
    history = []
    for fiscal_year, quarter, revenue, eps in QUARTERS:
        history.append((f"Q{quarter} {fiscal_year % 100:02d}", revenue))
        reported = dt.date(fiscal_year + (quarter == 4), (quarter * 3) % 12 + 1, 5 if quarter < 4 else 20)
        latest = (fiscal_year, quarter) == QUARTERS[-1][:2]
        filings = [{"label": "Form 10-K" if quarter == 4 else "Form 10-Q", "url": "https://www.sec.gov/"}]
        results = services.document_create(
            actor=author,
            main_file=_pdf(f"hlvi-q{quarter}-{fiscal_year}.pdf", results_pdf(fiscal_year, quarter, revenue, eps)),
            kind=Document.Kind.QUARTERLY_RESULTS,
            title=f"{ORDINALS[quarter]} quarter results",
            fiscal_year=fiscal_year,
            fiscal_quarter=quarter,
            document_date=release.release_date if latest and release else reported,
            summary=f"Revenue of {millions(revenue, 'USD')}; diluted EPS of ${eps:.2f}.",
            release=release if latest else None,
            event=call if latest else None,
            filings=filings,
        )
        data = data_csv(fiscal_year, quarter, revenue, eps)
        services.document_add_file(
            actor=author,
            pk=results.pk,
            checked=check_upload(
                SimpleUploadedFile(f"hlvi-q{quarter}-{fiscal_year}.csv", data, "text/csv"), accept=DATA_FILES
            ),
            label="Financial data (CSV)",
        )
        slides = services.document_create(
            actor=author,
            main_file=_pdf("slides.pdf", slides_pdf(f"Q{quarter} FY{fiscal_year} earnings presentation", history[-5:])),
            kind=Document.Kind.PRESENTATION,
            title="Earnings presentation",
            fiscal_year=fiscal_year,
            fiscal_quarter=quarter,
            document_date=reported,
            event=call if latest else None,
        )
        created += [
            _publish(results, author=author, approver=approver),
            _publish(slides, author=author, approver=approver),
        ]
    others = [
        (Document.Kind.ANNUAL_REPORT, "Annual report 2025", 2025, dt.date(2026, 3, 2), ["A record year"], None),
        (Document.Kind.PROXY_STATEMENT, "2026 proxy statement", 2025, dt.date(2026, 4, 10), ["Annual meeting"], None),
        (
            Document.Kind.PRESENTATION,
            "Autumn Growth Conference presentation",
            2026,
            dt.date(2026, 11, 10),
            ["Precision calibration for the next node"],
            Event.objects.filter(slug=CONFERENCE_EVENT).first(),
        ),
    ]
    for kind, title, fiscal_year, day, lines, event in others:
        is_slides = kind == Document.Kind.PRESENTATION
        data = slides_pdf(title, history[-5:]) if is_slides else report_pdf(title, lines)
        document = services.document_create(
            actor=author,
            main_file=_pdf("document.pdf", data),
            kind=kind,
            title=title,
            fiscal_year=fiscal_year,
            fiscal_quarter=None,
            document_date=day,
            event=event,
        )
        created.append(_publish(document, author=author, approver=approver))
    return created
