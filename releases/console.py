"""Releases on the staff console: the kind's form, content template, services and file operations."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from company.files import download, inline_image
from company.models import CompanyProfile
from irportal.workflow.console import Kind, Link, Operation
from releases import services
from releases.content import ReleaseDocument
from releases.forms import AttachmentUploadForm, ImageUploadForm, ReleaseForm
from releases.models import Audience, ReleaseAttachment, ReleaseImage
from releases.selectors import default_boilerplate
from releases.workflow import RELEASE


def _add_image(*, actor, item, data):
    checked = data["image"]
    processed = checked.image

    def build(release, token):
        image = ReleaseImage(
            release=release,
            token=token,
            alt_text=data["alt_text"],
            caption=data["caption"],
            original_name=checked.original_name[:200],
            uploaded_by=actor,
            width=processed.sizes["large"][0],
            height=processed.sizes["large"][1],
        )
        image.large.save(f"{token}-large.{processed.extension}", processed.renditions["large"], save=False)
        image.thumbnail.save(f"{token}-thumb.{processed.extension}", processed.renditions["thumbnail"], save=False)
        image.save()
        return image

    services.release_attach(actor=actor, pk=item.pk, kind="image", build=build)


def _add_attachment(*, actor, item, data):
    checked = data["file"]

    def build(release, token):
        attachment = ReleaseAttachment(
            release=release,
            token=token,
            title=data["title"],
            content_type="application/pdf",
            size=checked.size,
            sha256=checked.sha256,
            scan=checked.scan,
            uploaded_by=actor,
        )
        attachment.file.save(f"{token}.pdf", checked.upload, save=False)
        attachment.save()
        return attachment

    services.release_attach(actor=actor, pk=item.pk, kind="attachment", build=build)


class FileRemoveForm(forms.Form):
    file_kind = forms.ChoiceField(choices=[("image", "image"), ("attachment", "attachment")], widget=forms.HiddenInput)
    file_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


def _remove_file(*, actor, item, data):
    related = item.images if data["file_kind"] == "image" else item.attachments
    if not related.filter(pk=data["file_id"], removed=False).exists():
        raise forms.ValidationError(gettext("That file is not part of this release any more."))
    services.release_detach(actor=actor, pk=item.pk, kind=data["file_kind"], file_id=data["file_id"])


def _contact_line(contact: dict) -> str:
    parts = [contact.get(part) for part in ("name", "title", "organization", "phone", "email")]
    return ", ".join(part for part in parts if part) + f" ({Audience(contact['audience']).label})"


class ReleaseKind(Kind):
    workflow = RELEASE
    slug = "releases"
    label = pgettext_lazy("kind of content", "release")
    label_plural = pgettext_lazy("kind of content", "releases")
    date_field = "release_date"
    title_field = "headline"
    title_label = _("Headline")
    search_fields = ("headline", "subheadline", "slug", "body")
    form_class = ReleaseForm
    content_template = "public/news/_release.html"
    nav_order = 10
    list_links = (
        Link(_("Contacts"), "releases:contacts", "releases.view_mediacontact"),
        Link(_("Boilerplates"), "releases:boilerplates", "releases.view_boilerplate"),
    )
    review_panels = ("staff/releases/_files.html",)
    diff_labels = {
        "headline": _("Headline"),
        "subheadline": _("Subheadline"),
        "highlights": _("Highlights"),
        "slug": _("Address"),
        "dateline": _("Dateline"),
        "body": _("Body"),
        "about": _("About"),
        "safe_harbor": _("Forward-looking statements"),
        "contacts": _("Contacts"),
        "images": _("Images"),
        "attachments": _("Documents"),
        "website_only": _("Website only"),
    }
    operations = (
        Operation(
            "add_image",
            _("Add an image"),
            ImageUploadForm,
            _add_image,
            _("The image was added as a new revision."),
            multipart=True,
        ),
        Operation(
            "add_attachment",
            _("Add a PDF document"),
            AttachmentUploadForm,
            _add_attachment,
            _("The document was added as a new revision."),
            multipart=True,
        ),
        Operation(
            "remove_file",
            _("Remove a file"),
            FileRemoveForm,
            _remove_file,
            _("The file was removed from the release (kept with older revisions)."),
            template="",  # each file's Remove button is in the files panel
        ),
    )

    def form(self, data=None, files=None, *, item=None):
        if item is not None:
            return ReleaseForm(data, files, instance=item)
        company = CompanyProfile.load()
        initial = {
            "release_date": timezone.localdate(),
            "dateline_city": company.dateline_city,
            "dateline_region": company.dateline_region,
            "distribution": company.distribution,
            "about": default_boilerplate("about"),
            "safe_harbor": default_boilerplate("safe_harbor"),
        }
        return ReleaseForm(data, files, initial=initial)

    def create(self, *, actor, form, translations):
        return services.release_create(
            actor=actor, contacts=form.cleaned_data["contacts"], translations=translations, **form.service_fields()
        )

    def update(self, *, actor, item, form, base_version, translations):
        return services.release_update(
            actor=actor,
            pk=item.pk,
            base_version=base_version,
            contacts=form.cleaned_data["contacts"],
            translations=translations,
            **form.service_fields(),
        )

    def restore(self, *, actor, item, number):
        return services.release_restore(actor=actor, pk=item.pk, number=number)

    def document(self, item, revision, *, now):
        return ReleaseDocument(
            revision.content, release=item, revision=revision, file_base=self.url("detail", item) + "files/"
        )

    def field_text(self, name, value):
        if name == "dateline" and value:
            return f"{value['city']}, {value['region']}, {value['date']} ({value['distribution']})"
        if name in {"about", "safe_harbor"} and value:
            return gettext("%(name)s (version %(number)s): %(title)s") % {
                "name": value["boilerplate"],
                "number": value["number"],
                "title": value["title"],
            }
        if name == "contacts":
            return "\n".join(_contact_line(contact) for contact in value or [])
        if name == "images":
            return "\n".join(image["alt"] for image in value or [])
        if name == "attachments":
            return "\n".join(item["title"] for item in value or [])
        return None

    def serve_file(self, item, token, rendition):
        image = ReleaseImage.objects.filter(release=item, token=token).first()
        if image is not None and rendition in {"large", "thumbnail"}:
            return inline_image(getattr(image, rendition), private=True)
        attachment = ReleaseAttachment.objects.filter(release=item, token=token).first()
        if attachment is not None and rendition == "file":
            return download(attachment.file, format="pdf", name=attachment.title, private=True)
        return None
