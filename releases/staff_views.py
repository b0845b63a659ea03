"""The staff console for releases, contacts and boilerplates.

Every view checks its permission on the server; every state change goes
through ``releases.workflow``; every look at an unpublished release is an
insider-access record.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from company.images import check_attachment, process_image
from irportal.audit.permissions import StaffPermissionMixin
from irportal.workflow import engine
from irportal.workflow.engine import EditConflict, WorkflowError, WorkflowPermissionDenied
from releases import services, workflow
from releases.checks import release_checks
from releases.content import ReleaseDocument
from releases.diff import revision_diff
from releases.forms import (
    AttachmentUploadForm,
    BoilerplateForm,
    CommentForm,
    ImageUploadForm,
    MediaContactForm,
    ReleaseFilterForm,
    ReleaseForm,
    TransitionForm,
)
from releases.models import Boilerplate, MediaContact, Release, ReleaseAttachment, ReleaseImage
from releases.workflow import RELEASE

User = get_user_model()


def refused(request, exc: WorkflowError, back: str):
    """A change that could not be made: the reason, and the way back; nothing was saved."""
    if isinstance(exc, WorkflowPermissionDenied):
        raise PermissionDenied(str(exc))
    return render(request, "staff/refused.html", {"message": str(exc), "back": back}, status=exc.status_code)


class ReleaseMixin(StaffPermissionMixin):
    permission_required = "releases.view_release"
    access_view: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.release = get_object_or_404(Release, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.access_view:
            engine.record_access(RELEASE, item=self.release, actor=request.user, view=self.access_view)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(release=self.release, **kwargs)


class ReleaseListView(StaffPermissionMixin, ListView):
    permission_required = "releases.view_release"
    template_name = "staff/releases/list.html"
    context_object_name = "releases"
    paginate_by = 50

    def get_filter_form(self):
        form = ReleaseFilterForm(self.request.GET or None)
        form.fields["status"].choices = [("", "Any state"), *Release._meta.get_field("status").choices]
        authors = User.objects.filter(pk__in=Release.objects.values("created_by")).order_by("username")
        form.fields["author"].widget.choices = [("", "Any author")] + [(u.pk, u.get_username()) for u in authors]
        return form

    def get_queryset(self):
        releases = Release.objects.select_related("created_by", "current_step").order_by("-updated_at")
        self.filter_form = self.get_filter_form()
        if self.filter_form.is_bound and self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            if data["status"]:
                releases = releases.filter(status=data["status"])
            if data["author"]:
                releases = releases.filter(created_by_id=data["author"])
            if data["updated_from"]:
                releases = releases.filter(updated_at__date__gte=data["updated_from"])
            if data["updated_to"]:
                releases = releases.filter(updated_at__date__lte=data["updated_to"])
        return releases

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter_form=self.filter_form, **kwargs)
        for release in context["releases"]:
            release.actions = sorted(engine.allowed_transitions(RELEASE, release, self.request.user))
        return context


class ReleaseCreateView(StaffPermissionMixin, FormView):
    permission_required = "releases.add_release"
    template_name = "staff/releases/form.html"
    form_class = ReleaseForm

    def get_initial(self):
        return {"release_date": timezone.localdate(), "distribution": "BUSINESS WIRE"}

    def form_valid(self, form):
        release = services.release_create(
            actor=self.request.user, contacts=form.cleaned_data["contacts"], **form.service_fields()
        )
        messages.success(self.request, "The release was saved as a draft.")
        return redirect(release.get_staff_url())


class ReleaseEditView(ReleaseMixin, FormView):
    permission_required = "releases.change_release"
    template_name = "staff/releases/form.html"
    form_class = ReleaseForm
    access_view = "edit"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.release}

    def form_valid(self, form):
        try:
            services.release_update(
                actor=self.request.user,
                pk=self.release.pk,
                base_version=form.cleaned_data["base_version"],
                contacts=form.cleaned_data["contacts"],
                **form.service_fields(),
            )
        except EditConflict as conflict:
            return self.conflict(form, conflict)
        except WorkflowError as exc:
            return refused(self.request, exc, self.release.get_staff_url())
        messages.success(self.request, "Your changes were saved as a new revision.")
        return redirect(self.release.get_staff_url())

    def conflict(self, form, conflict):
        """Keep the editor's text; show what the other save changed; let them save over it knowingly."""
        latest = conflict.item
        base = form.cleaned_data["base_version"]
        theirs = latest.revisions.get(number=latest.version).content
        mine_started_from = latest.revisions.filter(number=base).first()
        data = form.data.copy()
        data["base_version"] = latest.version
        context = self.get_context_data(
            form=ReleaseForm(data, instance=latest),
            conflict=conflict,
            changes=revision_diff(mine_started_from.content, theirs) if mine_started_from else [],
        )
        return self.render_to_response(context, status=409)


class ReleaseDetailView(ReleaseMixin, TemplateView):
    template_name = "staff/releases/detail.html"
    access_view = "detail"

    def get_context_data(self, **kwargs):
        release = self.release
        user = self.request.user
        return super().get_context_data(
            checks=release_checks(release),
            actions=engine.allowed_transitions(RELEASE, release, user),
            can_edit=user.has_perm("releases.change_release") and release.status != "withdrawn",
            comments=engine.comments_for(RELEASE, release),
            approvals=engine.approvals_for(RELEASE, release),
            revisions=release.revisions.select_related("created_by")[:20],
            images=release.images.filter(removed=False),
            attachments=release.attachments.filter(removed=False),
            transition_form=TransitionForm(),
            comment_form=CommentForm(),
            image_form=ImageUploadForm(),
            attachment_form=AttachmentUploadForm(),
            **kwargs,
        )


class ReleasePreviewView(ReleaseMixin, TemplateView):
    """The working revision exactly as the public page will show it."""

    template_name = "public/news/detail.html"
    access_view = "preview"

    def get_context_data(self, **kwargs):
        revision = self.release.revisions.get(number=self.release.version)
        return super().get_context_data(
            doc=ReleaseDocument(revision.content, release=self.release, revision=revision),
            preview=True,
            image_base=reverse("releases:detail", args=[self.release.pk]) + "images/",
            **kwargs,
        )


class ReleaseHistoryView(ReleaseMixin, TemplateView):
    template_name = "staff/releases/history.html"
    access_view = "history"

    def get_context_data(self, **kwargs):
        revisions = list(self.release.revisions.select_related("created_by"))
        numbers = {revision.number: revision for revision in revisions}
        context = super().get_context_data(revisions=revisions, **kwargs)
        a, b = self.request.GET.get("a", ""), self.request.GET.get("b", "")
        if a.isdigit() and b.isdigit() and int(a) in numbers and int(b) in numbers:
            context.update(
                a=numbers[int(a)],
                b=numbers[int(b)],
                changes=revision_diff(numbers[int(a)].content, numbers[int(b)].content),
            )
        elif a or b:
            context["diff_error"] = "Pick two revisions of this release to compare."
        return context


class ReleaseRestoreView(ReleaseMixin, View):
    permission_required = "releases.change_release"

    def post(self, request, pk, number):
        if not self.release.revisions.filter(number=number).exists():
            raise Http404("No such revision")
        try:
            services.release_restore(actor=request.user, pk=pk, number=number)
        except WorkflowError as exc:
            return refused(request, exc, self.release.get_staff_url())
        messages.success(request, f"Revision {number} is the working copy again, as a new revision.")
        return redirect(self.release.get_staff_url())


TRANSITIONS = {
    "submit": lambda r, u, d: workflow.release_submit(release_id=r, actor=u, comment=d["comment"]),
    "request_changes": lambda r, u, d: workflow.release_request_changes(release_id=r, actor=u, comment=d["comment"]),
    "approve": lambda r, u, d: workflow.release_approve(
        release_id=r, actor=u, comment=d["comment"], publish_at=d["publish_at"]
    ),
    "schedule": lambda r, u, d: workflow.release_schedule(release_id=r, actor=u, publish_at=d["publish_at"]),
    "publish": lambda r, u, d: workflow.release_publish(release_id=r, actor=u),
    "withdraw": lambda r, u, d: workflow.release_withdraw(release_id=r, actor=u, reason=d["reason"]),
}


class ReleaseTransitionView(ReleaseMixin, View):
    def post(self, request, pk, transition):
        if transition not in TRANSITIONS:
            raise Http404("No such action")
        form = TransitionForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(f"{error}" for field in form.errors.values() for error in field)
            return refused(request, WorkflowError(f"Nothing was changed: {errors}"), self.release.get_staff_url())
        try:
            release = TRANSITIONS[transition](pk, request.user, form.cleaned_data)
        except WorkflowError as exc:
            return refused(request, exc, self.release.get_staff_url())
        messages.success(request, f"The release is now {release.get_status_display().lower()}.")
        return redirect(release.get_staff_url())


class ReleaseCommentView(ReleaseMixin, View):
    def post(self, request, pk):
        form = CommentForm(request.POST)
        if not form.is_valid():
            return refused(
                request, WorkflowError("Write something first: the comment is empty."), self.release.get_staff_url()
            )
        try:
            engine.add_comment(RELEASE, pk=pk, actor=request.user, body=form.cleaned_data["body"])
        except WorkflowError as exc:
            return refused(request, exc, self.release.get_staff_url())
        return redirect(self.release.get_staff_url() + "#comments")


class _UploadView(ReleaseMixin, View):
    permission_required = "releases.change_release"
    form_class = None
    kind = ""

    def post(self, request, pk):
        form = self.form_class(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise ValidationError([error for errors in form.errors.values() for error in errors])
            build = self.builder(form.cleaned_data)
            services.release_attach(actor=request.user, pk=pk, kind=self.kind, build=build)
        except ValidationError as exc:
            return render(
                request,
                "staff/refused.html",
                {
                    "message": f"The {self.kind} was not added: {' '.join(exc.messages)}",
                    "back": self.release.get_staff_url(),
                },
                status=400,
            )
        except WorkflowError as exc:
            return refused(request, exc, self.release.get_staff_url())
        messages.success(request, f"The {self.kind} was added as a new revision.")
        return redirect(self.release.get_staff_url() + "#files")


class ImageUploadView(_UploadView):
    form_class = ImageUploadForm
    kind = "image"

    def builder(self, data):
        processed = process_image(data["image"])
        user = self.request.user

        def build(release, token):
            image = ReleaseImage(
                release=release,
                token=token,
                alt_text=data["alt_text"],
                caption=data["caption"],
                original_name=data["image"].name[:200],
                uploaded_by=user,
                width=processed.sizes["large"][0],
                height=processed.sizes["large"][1],
            )
            image.large.save(f"{token}-large.{processed.extension}", processed.renditions["large"], save=False)
            image.thumbnail.save(f"{token}-thumb.{processed.extension}", processed.renditions["thumbnail"], save=False)
            image.save()
            return image

        return build


class AttachmentUploadView(_UploadView):
    form_class = AttachmentUploadForm
    kind = "attachment"

    def builder(self, data):
        check_attachment(data["file"])
        user = self.request.user

        def build(release, token):
            attachment = ReleaseAttachment(
                release=release,
                token=token,
                title=data["title"],
                content_type="application/pdf",
                size=data["file"].size,
                uploaded_by=user,
            )
            attachment.file.save(f"{token}.pdf", data["file"], save=False)
            attachment.save()
            return attachment

        return build


class FileRemoveView(ReleaseMixin, View):
    permission_required = "releases.change_release"

    def post(self, request, pk, kind, file_id):
        if kind not in {"image", "attachment"}:
            raise Http404("No such file")
        related = self.release.images if kind == "image" else self.release.attachments
        get_object_or_404(related, pk=file_id, removed=False)
        try:
            services.release_detach(actor=request.user, pk=pk, kind=kind, file_id=file_id)
        except WorkflowError as exc:
            return refused(request, exc, self.release.get_staff_url())
        messages.success(request, f"The {kind} was removed from the release (kept with older revisions).")
        return redirect(self.release.get_staff_url() + "#files")


class StaffFileView(ReleaseMixin, View):
    """Images and attachments of any revision, for staff (the public path checks publication)."""

    def get(self, request, pk, token, rendition):
        image = ReleaseImage.objects.filter(release=self.release, token=token).first()
        if image is not None and rendition in {"large", "thumbnail"}:
            return FileResponse(getattr(image, rendition).open("rb"))
        attachment = ReleaseAttachment.objects.filter(release=self.release, token=token).first()
        if attachment is not None and rendition == "file":
            return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=f"{attachment.title}.pdf")
        raise Http404("No such file")


class ContactListView(StaffPermissionMixin, ListView):
    permission_required = "releases.view_mediacontact"
    template_name = "staff/releases/contacts.html"
    context_object_name = "contacts"

    def get_queryset(self):
        return MediaContact.objects.order_by("audience", "order", "name")


class ContactFormView(StaffPermissionMixin, FormView):
    permission_required = "releases.change_mediacontact"
    template_name = "staff/releases/contact_form.html"
    form_class = MediaContactForm

    def get_form_kwargs(self):
        instance = get_object_or_404(MediaContact, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None
        return super().get_form_kwargs() | {"instance": instance}

    def form_valid(self, form):
        services.contact_save(actor=self.request.user, form=form)
        messages.success(self.request, "The contact was saved.")
        return redirect("releases:contacts")


class BoilerplateListView(StaffPermissionMixin, ListView):
    permission_required = "releases.view_boilerplate"
    template_name = "staff/releases/boilerplates.html"
    context_object_name = "boilerplates"

    def get_queryset(self):
        return Boilerplate.objects.prefetch_related("versions")


class BoilerplateFormView(StaffPermissionMixin, FormView):
    """A new boilerplate, or a new version of one: versions are never edited in place."""

    permission_required = "releases.change_boilerplate"
    template_name = "staff/releases/boilerplate_form.html"
    form_class = BoilerplateForm

    def get_initial(self):
        if "pk" not in self.kwargs:
            return {}
        boilerplate = get_object_or_404(Boilerplate, pk=self.kwargs["pk"])
        latest = boilerplate.latest
        return {
            "name": boilerplate.name,
            "kind": boilerplate.kind,
            "title": latest.title if latest else "",
            "text": latest.text if latest else "",
            "is_default": boilerplate.is_default,
        }

    def form_valid(self, form):
        services.boilerplate_save(actor=self.request.user, pk=self.kwargs.get("pk"), **form.cleaned_data)
        messages.success(self.request, "The boilerplate was saved as a new version.")
        return redirect("releases:boilerplates")

    def get_context_data(self, **kwargs):
        return super().get_context_data(editing="pk" in self.kwargs, **kwargs)
