"""A stand-in for a delete view another app will have: it deletes without checking first."""

from django.http import HttpResponse
from django.urls import include, path

from company.models import CompanyProfile


def delete_profile(request):
    CompanyProfile.objects.get().delete()
    return HttpResponse("deleted")


urlpatterns = [
    path("delete-profile/", delete_profile),
    path("staff/", include("irportal.accounts.urls")),
]
