"""Which group of the public filings page each EDGAR form type belongs to.

The groups are the ones investor sites use. A form's amendment (``/A``) goes
with the form; a form not named here is "Other". Beneficial ownership reports
by outside holders (Schedules 13D and 13G) are "Other": "Ownership" is the
Section 16 reports of the company's insiders (Forms 3, 4 and 5). Prospectuses
(424B) and free writing prospectuses go with the registration statements they
belong to.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormGroup(models.TextChoices):
    PERIODIC = "periodic", _("Annual and quarterly reports")
    CURRENT = "current", _("Current reports")
    PROXY = "proxy", _("Proxy materials")
    OWNERSHIP = "ownership", _("Ownership (Section 16)")
    REGISTRATION = "registration", _("Registration statements")
    OTHER = "other", _("Other")


_GROUP_OF_FORM = {
    **dict.fromkeys(
        ("10-K", "10-K405", "10-KT", "10-Q", "10-QT", "20-F", "40-F", "11-K", "ARS", "NT 10-K", "NT 10-Q", "NT 20-F"),
        FormGroup.PERIODIC,
    ),
    **dict.fromkeys(("8-K", "8-K12B", "8-K12G3", "8-K15D5", "6-K"), FormGroup.CURRENT),
    **dict.fromkeys(
        ("DEF 14A", "DEFA14A", "DEFM14A", "DEFR14A", "DEFC14A", "DEF 14C", "DEFM14C", "DEFR14C", "PRE 14A"),
        FormGroup.PROXY,
    ),
    **dict.fromkeys(
        ("PREM14A", "PREC14A", "PRER14A", "PRE 14C", "PREM14C", "DFAN14A", "PX14A6G", "PX14A6N"), FormGroup.PROXY
    ),
    **dict.fromkeys(("3", "4", "5"), FormGroup.OWNERSHIP),
    **dict.fromkeys(
        ("S-1", "S-1MEF", "S-3", "S-3ASR", "S-3D", "S-3MEF", "S-4", "S-4MEF", "S-8", "S-8 POS", "S-11", "F-1", "F-3"),
        FormGroup.REGISTRATION,
    ),
    **dict.fromkeys(
        ("F-3ASR", "F-4", "POS AM", "POSASR", "POS EX", "424B1", "424B2", "424B3", "424B4", "424B5", "424B7", "FWP"),
        FormGroup.REGISTRATION,
    ),
    **dict.fromkeys(("424B8", "10-12B", "10-12G", "8-A12B", "8-A12G"), FormGroup.REGISTRATION),
}


def form_group(form: str) -> str:
    """The group of an EDGAR form type as the submissions API spells it (``10-K/A``, ``DEF 14A``, ``4``)."""
    base = form.strip().upper().removesuffix("/A")
    return _GROUP_OF_FORM.get(base, FormGroup.OTHER).value
