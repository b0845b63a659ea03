"""Staff pages of the release directory: media and investor contacts, and boilerplates.

Releases themselves are on the shared console (``releases.console``).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.generic import FormView, ListView

from irportal.audit.permissions import StaffPermissionMixin
from releases import services
from releases.forms import BoilerplateForm, MediaContactForm
from releases.models import Boilerplate, MediaContact


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
        messages.success(self.request, gettext("The contact was saved."))
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
            **BoilerplateForm.translated_initial(latest.translations if latest else {}, BoilerplateForm.translated),
        }

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in ("name", "kind", "title", "text", "is_default")}
        services.boilerplate_save(
            actor=self.request.user, pk=self.kwargs.get("pk"), translations=form.translations(), **fields
        )
        messages.success(self.request, gettext("The boilerplate was saved as a new version."))
        return redirect("releases:boilerplates")

    def get_context_data(self, **kwargs):
        return super().get_context_data(editing="pk" in self.kwargs, **kwargs)
