"""People and committees on the staff console: each kind's form, content template and services."""

from django.urls import reverse

from company.files import inline_image
from governance import services
from governance.content import CommitteeDocument, PersonDocument, committee_content
from governance.forms import CommitteeForm, PersonForm
from governance.models import Committee, PersonPhoto
from governance.workflow import COMMITTEE, PERSON
from irportal.workflow.console import Kind


class PersonKind(Kind):
    workflow = PERSON
    slug = "people"
    label = "person"
    label_plural = "people"
    title_field = "name"
    title_label = "Name"
    date_field = "service_start"
    search_fields = ("name", "slug", "board_title", "management_title")
    form_class = PersonForm
    content_template = "public/governance/_person.html"
    nav_order = 21
    diff_labels = {
        "name": "Name",
        "board_title": "Board title",
        "management_title": "Management title",
        "independent": "Independent",
        "memberships": "Committee memberships",
        "service_start": "Serving since",
        "service_end": "Last day of service",
        "biography": "Biography",
        "photo": "Photo",
        "order": "Order",
        "slug": "Address",
    }

    def form(self, data=None, files=None, *, item=None):
        return PersonForm(data, files, instance=item)

    def create(self, *, actor, form):
        return services.person_create(actor=actor, photo=form.cleaned_data["photo"], **form.service_fields())

    def update(self, *, actor, item, form, base_version):
        return services.person_update(
            actor=actor, pk=item.pk, base_version=base_version, photo=form.photo_change(), **form.service_fields()
        )

    def restore(self, *, actor, item, number):
        return services.person_restore(actor=actor, pk=item.pk, number=number)

    def document(self, item, revision, *, now):
        ids = [membership["committee"] for membership in revision.content["memberships"]]
        committees = {
            committee.pk: CommitteeDocument(committee_content(committee), committee=committee)
            for committee in Committee.objects.filter(pk__in=ids).select_related("charter")
        }
        return PersonDocument(
            revision.content,
            person=item,
            photo_address=self.url("detail", item) + "files/{token}/photo",
            committees=committees,
        )

    def field_text(self, name, value):
        if name == "memberships":
            return "\n".join(f"{item['name']}{' (chair)' if item['chair'] else ''}" for item in value) or "none"
        if name == "photo":
            return f"{value['width']} by {value['height']} pixels, SHA-256 {value['sha256']}" if value else "none"
        return None

    def serve_file(self, item, token, rendition):
        photo = PersonPhoto.objects.filter(person=item, token=token).first()
        return inline_image(photo.image, private=True) if photo is not None and rendition == "photo" else None


class CommitteeKind(Kind):
    workflow = COMMITTEE
    slug = "committees"
    label = "committee"
    label_plural = "committees"
    title_field = "name"
    title_label = "Name"
    search_fields = ("name", "slug", "description")
    form_class = CommitteeForm
    content_template = "public/governance/_committee.html"
    nav_order = 22
    diff_labels = {
        "name": "Name",
        "description": "Description",
        "charter": "Charter",
        "order": "Order",
        "slug": "Address",
    }

    def form(self, data=None, files=None, *, item=None):
        return CommitteeForm(data, files, instance=item)

    def create(self, *, actor, form):
        return services.committee_create(actor=actor, **form.service_fields())

    def update(self, *, actor, item, form, base_version):
        return services.committee_update(actor=actor, pk=item.pk, base_version=base_version, **form.service_fields())

    def restore(self, *, actor, item, number):
        return services.committee_restore(actor=actor, pk=item.pk, number=number)

    def document(self, item, revision, *, now):
        charter = revision.content["charter"]
        address = reverse("console:detail", kwargs={"kind": "documents", "pk": charter["id"]}) if charter else ""
        return CommitteeDocument(revision.content, committee=item, charter_url=address)

    def field_text(self, name, value):
        if name == "charter":
            return value["title"] if value else "none"
        return None
