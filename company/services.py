import hashlib

from django.db import transaction
from django.forms.models import model_to_dict

from company.images import ProcessedImage
from company.models import CompanyProfile
from irportal.audit.services import audit_record, diff_fields

PROFILE_FIELDS = (
    "legal_name",
    "short_name",
    "exchange",
    "ticker",
    "lead_description",
    "website",
    "investor_section_name",
    "dateline_city",
    "dateline_region",
    "newswire",
    "newswire_other",
    "home_time_zone",
    "date_style",
    "disclosure_languages",
    "cik",
    "default_replay_days",
    "accent_colour",
    "fiscal_year_end_month",
    "fiscal_year_end_day",
)
LOGO_RENDITION = "thumbnail"


def _snapshot(profile: CompanyProfile) -> dict:
    return model_to_dict(profile, fields=PROFILE_FIELDS) | {
        "logo": profile.logo.name or "",
        "translations": profile.translations,
    }


@transaction.atomic
def company_profile_update(
    *, actor, logo: ProcessedImage | None = None, remove_logo: bool = False, **values
) -> CompanyProfile:
    """Change the company profile; ``logo`` is an image already checked and re-encoded by ``process_image``."""
    profile = CompanyProfile.objects.select_for_update().filter(pk=CompanyProfile.SINGLETON_PK).first()
    profile = profile or CompanyProfile.load()
    before = _snapshot(profile) if profile.pk else {}
    for name, value in values.items():
        if name not in (*PROFILE_FIELDS, "translations"):
            raise ValueError(f"{name} is not a company profile field")
        setattr(profile, name, value)
    if remove_logo:
        profile.logo = ""
    if logo is not None:
        rendition = logo.renditions[LOGO_RENDITION]
        digest = hashlib.sha256(rendition.read()).hexdigest()[:16]
        rendition.seek(0)
        profile.logo.save(f"logo-{digest}.{logo.extension}", rendition, save=False)
    profile.full_clean()
    profile.save()
    changes = diff_fields(before, _snapshot(profile))
    if changes:
        audit_record(action="company.profile_update", actor=actor, obj=profile, changes=changes)
    return profile
