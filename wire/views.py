"""The newswire's pages: the overview and settings, the Exhibit 99.1 download, the compliance record,
and the wire's signed webhook."""

import io
import json
import zipfile

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from irportal.audit.permissions import StaffPermissionMixin
from irportal.audit.services import audit_record
from irportal.workflow import engine
from irportal.workflow.engine import WorkflowError
from releases.models import Release
from releases.workflow import RELEASE
from wire import selectors, services
from wire.channels import configured_channel
from wire.exhibit import HTML_NAME, TEXT_NAME, ExhibitRefused, exhibit_for
from wire.forms import WireSettingsForm
from wire.models import Transmission, WireSettings

# A webhook call larger than this is not read.
WEBHOOK_MAX_BYTES = 64 * 1024
RECORD_PAGE_SIZE = 50
# A fixed time for every file in the exhibit's zip, so the same exhibit is always the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class WireOverviewView(StaffPermissionMixin, TemplateView):
    """The newswire at a glance: the channel the operator configured, the company's settings, the board."""

    permission_required = "wire.view_transmission"
    template_name = "staff/wire/overview.html"

    def get_context_data(self, **kwargs):
        can_change = self.request.user.has_perm("wire.change_wiresettings")
        return super().get_context_data(
            channel=configured_channel(),
            settings_row=WireSettings.load(),
            form=kwargs.pop("form", None) or (WireSettingsForm(instance=WireSettings.load()) if can_change else None),
            board=selectors.board(timezone.now()),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = WireSettingsForm(request.POST, instance=WireSettings.load())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.wire_settings_update(actor=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            return HttpResponse(str(exc), status=exc.status_code)
        messages.success(request, gettext("The newswire settings were saved."))
        return redirect("wire:overview")


class ExhibitDownloadView(StaffPermissionMixin, View):
    """The release as Exhibit 99.1, for the filing agent: the approved revision (before its embargo too) or
    the published one, as a zip of ``ex991.htm``, ``ex991.txt`` and its graphics, always the same bytes."""

    permission_required = "releases.view_release"

    def get(self, request, pk):
        release = get_object_or_404(Release.objects.select_related("approved_revision", "live_revision"), pk=pk)
        now = timezone.now()
        revision = selectors.exhibit_revision(release)
        if revision is None:
            raise Http404("Only an approved or published release has an exhibit")
        try:
            exhibit = exhibit_for(release, revision)
        except ExhibitRefused as refused:
            return HttpResponse(str(refused), status=409, content_type="text/plain; charset=utf-8")
        if release.public_revision(now) != revision:
            engine.record_access(RELEASE, item=release, actor=request.user, view="exhibit")
        audit_record(
            action="wire.exhibit_download",
            actor=request.user,
            obj=release,
            data={"revision": revision.number, "content_hash": revision.content_hash, "exhibit_sha256": exhibit.sha256},
        )
        response = HttpResponse(exhibit_zip(exhibit), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{release.slug}-ex99-1-r{revision.number}.zip"'
        response["X-Exhibit-SHA256"] = exhibit.sha256
        return response


def exhibit_zip(exhibit) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        files = [(HTML_NAME, bytes(exhibit.html)), (TEXT_NAME, bytes(exhibit.text))]
        files += [(image.name, bytes(image.data)) for image in exhibit.images.all()]
        for name, data in files:
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), data)
    return buffer.getvalue()


class WireRecordView(StaffPermissionMixin, TemplateView):
    """Compliance's record of what went out: every transmission, with the wire's answers and the hashes."""

    permission_required = "wire.view_transmission"
    template_name = "staff/wire/record.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        if status not in Transmission.Status.values:
            status = ""
        release = self.request.GET.get("release", "")
        found = selectors.record(release_id=int(release) if release.isdigit() else None, status=status)
        page = Paginator(found, RECORD_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            status=status,
            statuses=Transmission.Status.choices,
            **kwargs,
        )


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(View):
    """The wire's signed calls (accepted, crossed, rejected): ``X-Wire-Timestamp`` and ``X-Wire-Signature``
    (``sha256=`` and the HMAC of ``<timestamp>.<body>``); see docs/operators/newswire.md."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = WEBHOOK_MAX_BYTES + 1
        if length > WEBHOOK_MAX_BYTES:
            return JsonResponse({"error": "too large"}, status=413)
        try:
            transmission = services.webhook_receive(
                body=request.body,
                timestamp=request.headers.get("X-Wire-Timestamp", ""),
                signature=request.headers.get("X-Wire-Signature", ""),
                client_ip=request.META.get("REMOTE_ADDR"),
            )
        except services.WebhookRefused as refused:
            return JsonResponse({"error": str(refused)}, status=refused.status)
        return HttpResponse(
            json.dumps({"reference": str(transmission.reference), "status": transmission.status}),
            content_type="application/json",
        )
