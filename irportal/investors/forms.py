from django import forms

from irportal.investors.models import CompanyProfile
from irportal.investors.services import PROFILE_FIELDS


class CompanyProfileForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https")

    class Meta:
        model = CompanyProfile
        fields = PROFILE_FIELDS
