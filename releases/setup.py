"""This app's steps of the IR Admin's set-up checklist (``company.setup``): the boilerplates and the contacts."""

from company.setup import Status, Step, register
from releases.models import Boilerplate, MediaContact


def boilerplates_status() -> Status:
    defaults = dict(Boilerplate.objects.filter(is_default=True, is_active=True).values_list("kind", "is_demo"))
    missing = [str(label) for kind, label in Boilerplate.Kind.choices if kind not in defaults or defaults[kind]]
    if missing:
        missing_text = ", ".join(missing)
        return Status(False, f"No default text of the company's own yet (the demo's does not count): {missing_text}.")
    return Status(True, "The default About text and forward-looking statements are the company's own.")


def contacts_status() -> Status:
    own = MediaContact.objects.filter(is_active=True, is_demo=False).count()
    if not own:
        return Status(False, "No contact of the company's own yet: releases and the Investor page list none.")
    plural = "s" if own != 1 else ""
    return Status(True, f"{own} contact{plural} of the company's own on releases and the Investor page.")


register(
    Step("boilerplates", "About text and forward-looking statements", "releases:boilerplates", boilerplates_status, 30)
)
register(Step("contacts", "Investor and media contacts", "releases:contacts", contacts_status, 40))
