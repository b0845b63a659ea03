"""The compliance views: audit explorer, entry, object history, exports and insider lists. All read-only.

Every page and every export writes its own ``audit.*`` entry first, so the log
shows who looked at what.
"""

import json
import re
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.generic import TemplateView, View

from irportal.audit import exports, insiders, registry, signing
from irportal.audit.checkpoint import checkpoint_path
from irportal.audit.forms import OBJECT_TYPE, AuditFilterForm, CursorForm
from irportal.audit.health import chain_health
from irportal.audit.models import AuditEntry, format_timestamp
from irportal.audit.permissions import StaffPermissionMixin
from irportal.audit.selectors import export_records, filtered_entries, keyset_page
from irportal.audit.services import audit_record

VIEW = "audit.view_auditentry"
EXPORT = ("audit.view_auditentry", "audit.export_auditentry")
_OBJECT_ID = re.compile(r"^[^\x00-\x1f]{1,64}$")


def _valid_object(object_type: str, object_id: str) -> bool:
    try:
        OBJECT_TYPE(object_type)
    except Exception:  # noqa: BLE001 - any validation failure is a 404
        return False
    return bool(_OBJECT_ID.match(object_id))


class FilteredLogMixin(StaffPermissionMixin):
    """Reads the explorer's filters from the query string; a malformed value is a form error and a 400."""

    def get_filters(self) -> AuditFilterForm:
        return AuditFilterForm(self.request.GET)

    def page(self, form, cursor):
        """The entries the valid ``form`` selects, one keyset page at ``cursor``."""
        return keyset_page(
            filtered_entries(form.cleaned_data),
            before=cursor.cleaned_data.get("before"),
            after=cursor.cleaned_data.get("after"),
        )

    def invalid(self, form, cursor=None):
        context = self.explorer_context(form, cursor or CursorForm(), page=None)
        return self.render_to_response(context, status=400)

    def explorer_context(self, form, cursor, page, **extra):
        filters = form.active_filters() if form.is_bound else {}
        return {
            "form": form,
            "cursor_form": cursor,
            "page": page,
            "filters": filters,
            "export_query": f"?{urlencode(filters)}" if filters else "",
            "health": chain_health(),
            "can_export": self.request.user.has_perms(EXPORT),
            **extra,
        }

    def render_to_response(self, context, status=200):
        return TemplateResponse(self.request, "staff/audit/list.html", context, status=status)


class AuditLogView(FilteredLogMixin, View):
    """The audit log, newest first, filtered, paged by sequence number (keyset) rather than offset."""

    permission_required = VIEW

    def get(self, request):
        form, cursor = self.get_filters(), CursorForm(request.GET)
        if not (form.is_valid() and cursor.is_valid()):
            return self.invalid(form, cursor)
        page = self.page(form, cursor)
        # Recorded once the page is read, so that a search does not find its own record.
        audit_record(action="audit.log_view", actor=request.user, data={"view": "list", **form.active_filters()})
        return self.render_to_response(self.explorer_context(form, cursor, page))


class ObjectHistoryView(FilteredLogMixin, View):
    """Every entry about one object (a release, an event, a user): the "History" the console links to."""

    permission_required = VIEW

    def get(self, request, object_type, object_id):
        if not _valid_object(object_type, object_id):
            raise Http404("No such object")
        cursor = CursorForm(request.GET)
        form = AuditFilterForm({"object_type": object_type, "object_id": object_id})
        if not (form.is_valid() and cursor.is_valid()):
            return self.invalid(form, cursor)
        page = self.page(form, cursor)
        audit_record(
            action="audit.log_view",
            actor=request.user,
            data={"view": "history", "object_type": object_type, "object_id": object_id},
        )
        label = page.entries[0].object_label if page.entries else ""
        return self.render_to_response(
            self.explorer_context(
                form,
                cursor,
                page,
                history={
                    "object_type": object_type,
                    "object_id": object_id,
                    "object_label": label,
                    "has_insider_list": object_type in insiders.INSIDER_KINDS,
                },
            )
        )


class AuditEntryView(StaffPermissionMixin, TemplateView):
    permission_required = VIEW
    template_name = "staff/audit/detail.html"

    def get_context_data(self, **kwargs):
        entry = get_object_or_404(AuditEntry, sequence=self.kwargs["sequence"])
        audit_record(
            action="audit.log_view", actor=self.request.user, data={"view": "entry", "sequence": entry.sequence}
        )
        entry.action_label = registry.action_label(entry.action)
        return super().get_context_data(
            entry=entry,
            hash_matches=entry.compute_hash() == entry.entry_hash,
            data_json=json.dumps(entry.data, indent=2, ensure_ascii=False, sort_keys=True),
            changes=[
                {
                    "field": name,
                    "before": _display(change.get("before") if isinstance(change, dict) else None),
                    "after": _display(change.get("after") if isinstance(change, dict) else change),
                }
                for name, change in sorted(entry.changes.items())
            ],
            has_insider_list=entry.object_type in insiders.INSIDER_KINDS,
            **kwargs,
        )


def _display(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class AuditExportView(FilteredLogMixin, View):
    """The filtered log as a file, oldest first, through the entry that records this export."""

    permission_required = EXPORT
    extension = ""
    # The CSV for opening in a spreadsheet: cells a spreadsheet would evaluate are made text.
    for_spreadsheets = False

    def get(self, request):
        form = self.get_filters()
        if not form.is_valid():
            return self.invalid(form)
        record = audit_record(
            action="audit.export",
            actor=request.user,
            data={"format": "csv-spreadsheet" if self.for_spreadsheets else self.extension, **form.active_filters()},
        )
        records = export_records(filtered_entries(form.cleaned_data), through=record.sequence)
        filters = form.active_filters()
        if self.extension == "jsonl":
            return exports.attachment(
                exports.jsonl_lines(records, filters=filters),
                stem=exports.filtered_stem("audit-log", filters),
                extension="jsonl",
                content_type=exports.JSONL_CONTENT_TYPE,
            )
        return exports.attachment(
            exports.audit_csv_lines(records, for_spreadsheets=self.for_spreadsheets, filters=filters),
            stem=exports.filtered_stem("audit-log-spreadsheet-safe" if self.for_spreadsheets else "audit-log", filters),
            extension="csv",
            content_type=exports.CSV_CONTENT_TYPE,
        )


class CheckpointDownloadView(StaffPermissionMixin, View):
    """The checkpoint file as it is on disk, or the public key that verifies its signatures: with an export,
    what ``tools/verify_audit_export.py --checkpoints … --public-key …`` needs, from the browser alone."""

    permission_required = EXPORT
    what = "checkpoints"

    def get(self, request):
        try:
            if self.what == "checkpoints":
                body, extension, content_type = checkpoint_path().read_bytes(), "jsonl", exports.JSONL_CONTENT_TYPE
            else:
                body, extension, content_type = signing.public_key_pem().encode(), "pem", "application/x-pem-file"
        except FileNotFoundError:
            raise Http404("No checkpoint has been written yet") from None
        except signing.SigningKeyMissing:
            raise Http404("No checkpoint signing key") from None
        audit_record(action="audit.checkpoints_download", actor=request.user, data={"file": self.what})
        stem = "audit-checkpoints" if self.what == "checkpoints" else "audit-checkpoint-key"
        return exports.attachment([body], stem=stem, extension=extension, content_type=content_type)


class InsiderListIndexView(StaffPermissionMixin, TemplateView):
    permission_required = VIEW
    template_name = "staff/audit/insiders_index.html"

    def get_context_data(self, **kwargs):
        audit_record(action="audit.insider_list_view", actor=self.request.user, data={"view": "index"})
        return super().get_context_data(
            lists=insiders.insider_list_index(),
            permanent=insiders.permanent_insiders(),
            permissions=insiders.PERMANENT_INSIDER_PERMISSIONS,
            **kwargs,
        )


class InsiderListMixin(StaffPermissionMixin):
    def load_list(self) -> insiders.InsiderList:
        object_type, object_id = self.kwargs["object_type"], self.kwargs["object_id"]
        if object_type not in insiders.INSIDER_KINDS or not _valid_object(object_type, object_id):
            raise Http404("No insider list for this object")
        return insiders.insider_list(object_type, object_id)

    def record(self, action: str, insider_list, **data):
        audit_record(
            action=action,
            actor=self.request.user,
            data={"object_type": insider_list.object_type, "object_id": insider_list.object_id, **data},
        )


class InsiderListView(InsiderListMixin, TemplateView):
    permission_required = VIEW
    template_name = "staff/audit/insiders.html"

    def get_context_data(self, **kwargs):
        insider_list = self.load_list()
        self.record("audit.insider_list_view", insider_list)
        return super().get_context_data(
            insider_list=insider_list,
            permanent=insiders.permanent_insiders(),
            permissions=insiders.PERMANENT_INSIDER_PERMISSIONS,
            history_url=reverse("audit:object", args=[insider_list.object_type, insider_list.object_id]),
            can_export=self.request.user.has_perms(EXPORT),
            **kwargs,
        )


INSIDER_COLUMNS = (
    "object_type",
    "object_id",
    "object_label",
    "list_status",
    "closed_at_sequence",
    "insider_type",
    "user_id",
    "username",
    "roles",
    "first_access_utc",
    "last_access_utc",
    "accesses",
    "views",
)


def _utc(value) -> str:
    return format_timestamp(value) if value else ""


class InsiderListExportView(InsiderListMixin, View):
    permission_required = EXPORT

    def get(self, request, object_type, object_id):
        insider_list = self.load_list()
        self.record("audit.insider_list_export", insider_list, format="csv")
        closed = insider_list.closed_by
        status = f"closed at publication {_utc(insider_list.closed_at)}" if closed else "open (unpublished)"
        common = [object_type, object_id, insider_list.object_label, status, closed.sequence if closed else ""]
        rows = [
            [
                *common,
                "accessed",
                person.actor_id,
                person.actor_label,
                "; ".join(person.roles),
                _utc(person.first_access),
                _utc(person.last_access),
                person.accesses,
                "; ".join(person.views),
            ]
            for person in insider_list.insiders
        ]
        rows += [
            [*common, "permanent", person.user.pk, person.user.get_username(), "; ".join(person.roles), "", "", "", ""]
            for person in insiders.permanent_insiders()
        ]
        return exports.attachment(
            # Read in spreadsheets, and headlines and usernames are typed by people: nothing in it is evaluated.
            exports.csv_lines(INSIDER_COLUMNS, rows, cell=exports.spreadsheet_cell),
            stem=exports.file_stem("insider-list", object_type, object_id),
            extension="csv",
            content_type=exports.CSV_CONTENT_TYPE,
        )
