"""The company's time zone, from one source: the profile's home time zone.

Every request of the staff console and its feeds (``CompanyTimeZoneMiddleware``)
and every Celery task (``task_prerun``, connected in ``CompanyConfig.ready``)
runs with it as Django's current zone, so ``timezone.localtime`` and
``localdate``, the ``when`` filter, alert and staff mails all show company
time, whatever the process's ``TIME_ZONE``. Public pages, which are the same
for everyone and cached, name the profile's zone explicitly instead.
``TIME_ZONE`` is only what a process shows before it knows the profile (the
first migration, a shell).
"""

from django.utils import timezone

from company.models import CompanyProfile


def activate() -> None:
    timezone.activate(CompanyProfile.load().zone)


def task_started(**kwargs) -> None:
    activate()


def task_finished(**kwargs) -> None:
    timezone.deactivate()
