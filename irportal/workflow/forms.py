from django import forms
from django.utils.translation import gettext_lazy as _

from irportal.accounts.roles import role_label
from irportal.forms import CleanTextMixin
from irportal.workflow.models import ApprovalStep


class ApprovalStepForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = ApprovalStep
        fields = ["name", "group", "order", "is_active"]
        labels = {"name": _("Name"), "group": _("Group"), "order": _("Order"), "is_active": _("Is active")}
        help_texts = {
            "group": _("Members of this group approve this step."),
            "order": _("Steps are approved in increasing order."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].label_from_instance = lambda group: role_label(group.name)
