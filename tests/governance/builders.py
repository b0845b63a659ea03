"""People and committees for tests, made through the services and published through the workflow."""

import datetime as dt
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from company.files import IMAGES, check_upload
from governance import services
from governance.checks import CODES as EVERY_WARNING
from governance.demo import portrait
from governance.workflow import COMMITTEE, PERSON
from irportal.workflow import engine

_numbers = itertools.count(1)


def photo_upload(name: str = "Ada Quist"):
    return check_upload(SimpleUploadedFile("portrait.png", portrait(name), "image/png"), accept=IMAGES)


def make_committee(author, **overrides):
    number = next(_numbers)
    fields = {"name": f"Audit Committee {number}", "description": "Oversees financial reporting.", "order": number}
    return services.committee_create(actor=author, **(fields | overrides))


def make_person(author, *, committees=(), chairs=(), photo=None, **overrides):
    number = next(_numbers)
    fields = {
        "name": f"Director Number{number}",
        "board_title": "Director",
        "management_title": "",
        "independent": True,
        "service_start": dt.date(2020, 1, 1),
        "biography": "<p>Served on boards.</p>",
        "order": number,
        "memberships": [{"committee": item.pk, "chair": item in chairs} for item in committees],
    }
    return services.person_create(actor=author, photo=photo, **(fields | overrides))


def approve(spec, item, approver, **options):
    engine.submit(spec, pk=item.pk, actor=item.last_edited_by)
    return engine.approve(spec, pk=item.pk, actor=approver, acknowledged=EVERY_WARNING, **options)


def publish(spec, item, approver):
    approve(spec, item, approver)
    return engine.publish(spec, pk=item.pk, actor=approver)


def published_committee(author, approver, **overrides):
    return publish(COMMITTEE, make_committee(author, **overrides), approver)


def published_person(author, approver, **overrides):
    return publish(PERSON, make_person(author, **overrides), approver)
