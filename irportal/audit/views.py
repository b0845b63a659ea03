from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from irportal.audit import registry
from irportal.audit.models import AuditEntry
from irportal.audit.permissions import StaffPermissionMixin

PAGE_SIZE = 50


class AuditLogView(StaffPermissionMixin, TemplateView):
    """The audit log, newest first, paged by sequence number (keyset) rather than offset."""

    permission_required = "audit.view_auditentry"
    template_name = "staff/audit/list.html"

    def get_context_data(self, **kwargs):
        entries = AuditEntry.objects.order_by("-sequence")
        before = self.request.GET.get("before", "")
        if before.isdigit():
            entries = entries.filter(sequence__lt=int(before))
        page = list(entries[: PAGE_SIZE + 1])
        has_more = len(page) > PAGE_SIZE
        page = page[:PAGE_SIZE]
        for entry in page:
            entry.action_label = registry.action_label(entry.action)
        return super().get_context_data(
            entries=page,
            next_before=page[-1].sequence if has_more else None,
            **kwargs,
        )


class AuditEntryView(StaffPermissionMixin, DetailView):
    permission_required = "audit.view_auditentry"
    template_name = "staff/audit/detail.html"
    context_object_name = "entry"

    def get_object(self, queryset=None):
        entry = get_object_or_404(AuditEntry, sequence=self.kwargs["sequence"])
        entry.action_label = registry.action_label(entry.action)
        return entry
