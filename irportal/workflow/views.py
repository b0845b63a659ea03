from django.contrib import messages
from django.db import transaction
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView

from irportal.accounts import stepup
from irportal.audit.permissions import StaffPermissionMixin
from irportal.audit.services import audit_record, diff_fields
from irportal.workflow.forms import ApprovalStepForm
from irportal.workflow.models import ApprovalStep

STEP_FIELDS = ("name", "group", "order", "is_active")


class ApprovalStepListView(StaffPermissionMixin, ListView):
    permission_required = "workflow.view_approvalstep"
    template_name = "staff/workflow/steps.html"
    context_object_name = "steps"

    def get_queryset(self):
        return ApprovalStep.objects.select_related("group").order_by("order")


class ApprovalStepFormView(StaffPermissionMixin, FormView):
    """IR Admin sets the chain: e.g. "IR review" then "Legal", each a group, approved in order."""

    permission_required = "workflow.change_approvalstep"
    template_name = "staff/workflow/step_form.html"
    form_class = ApprovalStepForm

    def get_form_kwargs(self):
        instance = get_object_or_404(ApprovalStep, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None
        return super().get_form_kwargs() | {"instance": instance}

    def form_valid(self, form):
        # The chain decides who must approve before anything goes public (deactivating "Legal" would let
        # releases out without it): every change needs a fresh second factor, as publishing does.
        try:
            step_up = stepup.evidence(self.request)
        except stepup.StepUpRequired as required:
            return stepup.challenge(self.request, required, action=gettext_lazy("Change the approval steps"))
        evidence = stepup.require_or_deny(self.request.user, step_up, action="change approval steps")
        with transaction.atomic():
            before = (
                {}
                if form.instance.pk is None
                else model_to_dict(ApprovalStep.objects.get(pk=form.instance.pk), fields=STEP_FIELDS)
            )
            step = form.save()
            audit_record(
                action="workflow.step_change",
                actor=self.request.user,
                obj=step,
                changes=diff_fields(before, model_to_dict(step, fields=STEP_FIELDS)),
                data={"step_up": evidence} if evidence else None,
            )
        messages.success(self.request, _("Approval step “%(name)s” was saved.") % {"name": step.name})
        return redirect("workflow:steps")
