"""This app's steps of the IR Admin's set-up checklist (``company.setup``): the boilerplates and the contacts."""

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from company.setup import Status, Step, register
from releases.models import Boilerplate, MediaContact


def boilerplates_status() -> Status:
    defaults = dict(Boilerplate.objects.filter(is_default=True, is_active=True).values_list("kind", "is_demo"))
    missing = [str(label) for kind, label in Boilerplate.Kind.choices if kind not in defaults or defaults[kind]]
    if missing:
        return Status(
            False,
            gettext("No default text of the company's own yet (the demo's does not count): %(missing)s.")
            % {"missing": ", ".join(missing)},
        )
    return Status(True, gettext("The default About text and forward-looking statements are the company's own."))


def contacts_status() -> Status:
    own = MediaContact.objects.filter(is_active=True, is_demo=False).count()
    if not own:
        return Status(False, gettext("No contact of the company's own yet: releases and the Investor page list none."))
    return Status(
        True,
        ngettext(
            "%(count)s contact of the company's own on releases and the Investor page.",
            "%(count)s contacts of the company's own on releases and the Investor page.",
            own,
        )
        % {"count": own},
    )


register(
    Step(
        "boilerplates", _("About text and forward-looking statements"), "releases:boilerplates", boilerplates_status, 30
    )
)
register(Step("contacts", _("Investor and media contacts"), "releases:contacts", contacts_status, 40))
