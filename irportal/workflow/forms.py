from django import forms

from irportal.forms import CleanTextMixin
from irportal.workflow.models import ApprovalStep


class ApprovalStepForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ApprovalStep
        fields = ["name", "group", "order", "is_active"]
        help_texts = {
            "group": "Members of this group approve this step.",
            "order": "Steps are approved in increasing order.",
        }
