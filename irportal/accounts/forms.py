from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from irportal.accounts import usernames
from irportal.accounts.roles import IR_ADMIN, ROLES, role_label
from irportal.forms import CleanTextMixin

User = get_user_model()


class RolesField(forms.ModelMultipleChoiceField):
    """The roles (groups) to tick, each shown by its name in the reader's language."""

    def label_from_instance(self, obj):
        return role_label(obj.name)


def _roles_field() -> forms.ModelMultipleChoiceField:
    return RolesField(
        queryset=Group.objects.filter(name__in=ROLES).order_by("name"),
        to_field_name="name",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Roles"),
        help_text=_("A user without a role can sign in but sees nothing."),
    )


class UserCreateForm(CleanTextMixin, forms.ModelForm):
    """A new user, invited by email to choose their own password: an IR Admin never types one."""

    roles = _roles_field()

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email")
        help_texts = {"email": _("The invitation goes here: a link to choose a password, then a second factor.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_username(self):
        username = self.cleaned_data["username"]
        usernames.validate(username)
        return username


class UserUpdateForm(CleanTextMixin, forms.ModelForm):
    roles = _roles_field()

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email", "is_active")

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.initial.setdefault(
            "roles", list(self.instance.groups.filter(name__in=ROLES).values_list("name", flat=True))
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk == self.editor.pk:
            if not cleaned.get("is_active", True):
                self.add_error("is_active", _("You cannot deactivate your own account."))
            roles = {group.name for group in cleaned.get("roles") or []}
            if IR_ADMIN not in roles and self.editor.groups.filter(name=IR_ADMIN).exists():
                self.add_error("roles", _("You cannot remove your own IR Admin role; ask another IR Admin."))
        return cleaned
