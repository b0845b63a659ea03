"""People and committees on the staff console: each kind's form, content template and services."""

from django.urls import reverse
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

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
    label = pgettext_lazy("kind of content", "person")
    label_plural = pgettext_lazy("kind of content", "people")
    title_field = "name"
    title_label = _("Name")
    date_field = "service_start"
    search_fields = ("name", "slug", "board_title", "management_title")
    form_class = PersonForm
    content_template = "public/governance/_person.html"
    nav_order = 21
    diff_labels = {
        "name": _("Name"),
        "board_title": _("Board title"),
        "management_title": _("Management title"),
        "independent": _("Independent"),
        "memberships": _("Committee memberships"),
        "service_start": _("Serving since"),
        "service_end": _("Last day of service"),
        "biography": _("Biography"),
        "photo": _("Photo"),
        "order": _("Order"),
        "slug": _("Address"),
    }

    def form(self, data=None, files=None, *, item=None):
        return PersonForm(data, files, instance=item)

    def create(self, *, actor, form, translations):
        return services.person_create(
            actor=actor, photo=form.cleaned_data["photo"], translations=translations, **form.service_fields()
        )

    def update(self, *, actor, item, form, base_version, translations):
        return services.person_update(
            actor=actor,
            pk=item.pk,
            base_version=base_version,
            photo=form.photo_change(),
            translations=translations,
            **form.service_fields(),
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
            photo_address=self.url("detail", item) + "files/{token}/photo",
            committees=committees,
        )

    def field_text(self, name, value):
        if name == "memberships":
            lines = [gettext("%(name)s (chair)") % item if item["chair"] else item["name"] for item in value]
            return "\n".join(lines) or pgettext("nothing", "none")
        if name == "photo":
            if not value:
                return pgettext("nothing", "none")
            return gettext("%(width)s by %(height)s pixels, SHA-256 %(sha256)s") % value
        return None

    def serve_file(self, item, token, rendition):
        photo = PersonPhoto.objects.filter(person=item, token=token).first()
        return inline_image(photo.image, private=True) if photo is not None and rendition == "photo" else None


class CommitteeKind(Kind):
    workflow = COMMITTEE
    slug = "committees"
    label = pgettext_lazy("kind of content", "committee")
    label_plural = pgettext_lazy("kind of content", "committees")
    title_field = "name"
    title_label = _("Name")
    search_fields = ("name", "slug", "description")
    form_class = CommitteeForm
    content_template = "public/governance/_committee.html"
    nav_order = 22
    diff_labels = {
        "name": _("Name"),
        "description": _("Description"),
        "charter": _("Charter"),
        "order": _("Order"),
        "slug": _("Address"),
    }

    def form(self, data=None, files=None, *, item=None):
        return CommitteeForm(data, files, instance=item)

    def create(self, *, actor, form, translations):
        return services.committee_create(actor=actor, translations=translations, **form.service_fields())

    def update(self, *, actor, item, form, base_version, translations):
        return services.committee_update(
            actor=actor, pk=item.pk, base_version=base_version, translations=translations, **form.service_fields()
        )

    def restore(self, *, actor, item, number):
        return services.committee_restore(actor=actor, pk=item.pk, number=number)

    def document(self, item, revision, *, now):
        charter = revision.content["charter"]
        address = reverse("console:detail", kwargs={"kind": "documents", "pk": charter["id"]}) if charter else ""
        return CommitteeDocument(revision.content, committee=item, charter_url=address)

    def field_text(self, name, value):
        if name == "charter":
            return value["title"] if value else pgettext("nothing", "none")
        return None
