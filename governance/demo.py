"""Demo governance for the fictional Halvorsen Instruments: a board of seven with three committees, four
executives, the committee charters, a code of conduct and the bylaws; portraits drawn by Pillow at seed time.

Everything goes through the same services and transitions staff use, and
is marked ``is_demo``.
"""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from company.files import IMAGES, check_upload
from governance import services
from governance.checks import CODES as EVERY_WARNING
from governance.models import Committee, Person
from governance.workflow import COMMITTEE, PERSON
from irportal.workflow import engine
from reports import services as document_services
from reports.checks import CODES as EVERY_DOCUMENT_WARNING
from reports.demo import _pdf, report_pdf
from reports.models import Document
from reports.workflow import DOCUMENT

COMMITTEES = [
    ("Audit Committee", "Oversees financial reporting, internal controls and the independent auditor."),
    ("Compensation Committee", "Sets executive pay and oversees the equity plans."),
    ("Nominating and Governance Committee", "Recommends director nominees and oversees governance practices."),
]
AUDIT, PAY, GOVERNANCE = (name for name, _ in COMMITTEES)
# name, board title, management title, independent, serving since, {committee: chair?}
PEOPLE = [
    ("Marguerite Olsson", "Chair of the Board", "", True, dt.date(2016, 5, 12), {GOVERNANCE: True}),
    ("Ingrid Halvorsen", "Director", "President and Chief Executive Officer", False, dt.date(2014, 1, 6), {}),
    ("Desmond Achebe", "Director", "", True, dt.date(2018, 6, 1), {AUDIT: True, PAY: False}),
    ("Lucia Verhoeven", "Director", "", True, dt.date(2019, 9, 15), {PAY: True, GOVERNANCE: False}),
    ("Kenji Morrow", "Lead Independent Director", "", True, dt.date(2017, 3, 20), {AUDIT: False, GOVERNANCE: False}),
    ("Ruth Abernathy", "Director", "", True, dt.date(2021, 11, 4), {AUDIT: False, PAY: False}),
    ("Paulo Sandoval", "Director", "", False, dt.date(2023, 2, 27), {}),
    ("Tomas Brandt", "", "Chief Financial Officer", False, dt.date(2020, 8, 3), {}),
    ("Elena Marsh", "", "Chief Operating Officer", False, dt.date(2019, 4, 22), {}),
    ("Wen Holloway", "", "General Counsel and Corporate Secretary", False, dt.date(2022, 1, 10), {}),
]
DOCUMENTS = [
    (Document.Kind.CODE_OF_CONDUCT, "Code of business conduct and ethics", dt.date(2025, 2, 12)),
    (Document.Kind.BYLAWS, "Amended and restated bylaws", dt.date(2024, 5, 30)),
    (Document.Kind.POLICY, "Corporate governance guidelines", dt.date(2025, 2, 12)),
    (Document.Kind.POLICY, "Insider trading policy", dt.date(2024, 11, 7)),
]


def portrait(name: str) -> bytes:
    """A plain portrait placeholder: the initials on a coloured square, as a PNG."""
    image = Image.new("RGB", (320, 320), (11, 83, 148))
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2])
    draw.text((160, 160), initials, fill="white", anchor="mm", font_size=120)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _biography(name: str, board_title: str, management_title: str, since: dt.date) -> str:
    role = management_title or board_title
    return (
        f"<p>{name} has served as {role.lower()} of Halvorsen Instruments since {since.year}. "
        "Earlier, they held leadership roles in precision manufacturing and measurement.</p>"
    )


def _publish(spec, item, *, author, approver, warnings):
    engine.submit(spec, pk=item.pk, actor=author)
    engine.approve(spec, pk=item.pk, actor=approver, acknowledged=warnings)
    return engine.publish(spec, pk=item.pk, actor=approver)


def _document(kind, title: str, day: dt.date, *, author, approver) -> Document:
    document = document_services.document_create(
        actor=author,
        main_file=_pdf("governance.pdf", report_pdf(title, [f"Adopted by the board of directors on {day:%B %d, %Y}"])),
        kind=kind,
        title=title,
        fiscal_year=day.year,
        fiscal_quarter=None,
        document_date=day,
    )
    return _publish(DOCUMENT, document, author=author, approver=approver, warnings=EVERY_DOCUMENT_WARNING)


def seed_demo_governance() -> list:
    """Add the demo board, management, committees and governance documents once; later runs change nothing."""
    if Person.objects.exists() or Committee.objects.exists():
        return []
    users = get_user_model().objects
    author, approver = users.get(username="author"), users.get(username="approver")
    documents = [_document(*row, author=author, approver=approver) for row in DOCUMENTS]
    committees = {}
    for order, (name, description) in enumerate(COMMITTEES, start=1):
        charter = _document(
            Document.Kind.CHARTER, f"{name} charter", dt.date(2025, 2, 12), author=author, approver=approver
        )
        documents.append(charter)
        committee = services.committee_create(
            actor=author, name=name, description=description, charter=charter, order=order
        )
        committees[name] = _publish(COMMITTEE, committee, author=author, approver=approver, warnings=EVERY_WARNING)
    people = []
    for order, (name, board_title, management_title, independent, since, seats) in enumerate(PEOPLE, start=1):
        photo = check_upload(SimpleUploadedFile(f"{name}.png", portrait(name), "image/png"), accept=IMAGES)
        person = services.person_create(
            actor=author,
            photo=photo,
            name=name,
            board_title=board_title,
            management_title=management_title,
            independent=independent,
            memberships=[{"committee": committees[seat].pk, "chair": chair} for seat, chair in seats.items()],
            service_start=since,
            biography=_biography(name, board_title, management_title, since),
            order=order,
        )
        people.append(_publish(PERSON, person, author=author, approver=approver, warnings=EVERY_WARNING))
    Document.objects.filter(pk__in=[item.pk for item in documents]).update(is_demo=True)
    Committee.objects.filter(pk__in=[item.pk for item in committees.values()]).update(is_demo=True)
    Person.objects.filter(pk__in=[item.pk for item in people]).update(is_demo=True)
    return documents + list(committees.values()) + people
