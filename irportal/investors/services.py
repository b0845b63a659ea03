from django.db import transaction
from django.forms.models import model_to_dict

from irportal.audit.services import audit_record, diff_fields
from irportal.investors.models import CompanyProfile

PROFILE_FIELDS = ("legal_name", "short_name", "exchange", "ticker", "home_time_zone", "website", "default_replay_days")


@transaction.atomic
def company_profile_update(*, actor, **values) -> CompanyProfile:
    profile = CompanyProfile.objects.select_for_update().filter(pk=CompanyProfile.SINGLETON_PK).first()
    profile = profile or CompanyProfile.load()
    before = model_to_dict(profile, fields=PROFILE_FIELDS) if profile.pk else {}
    for name, value in values.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} is not a company profile field")
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    changes = diff_fields(before, model_to_dict(profile, fields=PROFILE_FIELDS))
    if changes:
        audit_record(action="investors.profile_update", actor=actor, obj=profile, changes=changes)
    return profile
