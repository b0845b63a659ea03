"""Scheduled moments from many tables, read in one query.

An app that changes what the public reads at a moment of its own (an embargo, a replay window, a last day
of service) describes where those moments are as ``Moments``: a queryset of the rows still to come and the
column that holds the moment. ``earliest`` reads any number of them in one statement (a UNION ALL of the
moments still ahead, each a handful of rows) and answers the earliest one after ``now``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import DateTimeField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast


@dataclass(frozen=True)
class Moments:
    queryset: QuerySet  # the rows whose moment is still ahead
    field: str  # the column (or annotation) holding it: a datetime, or a date turned into one by ``to_moment``
    to_moment: Callable[[date], datetime] | None = None

    def rows(self, index: int) -> QuerySet:
        moment = Cast(F(self.field), DateTimeField()) if self.to_moment else F(self.field)
        return (
            self.queryset.order_by()
            .annotate(scheduled_moment=moment, scheduled_source=Value(index, output_field=IntegerField()))
            .values_list("scheduled_moment", "scheduled_source")
        )


def earliest(groups: list[Moments], now: datetime) -> datetime | None:
    """The earliest moment after ``now`` of all ``groups``, in one query; None when nothing is ahead."""
    if not groups:
        return None
    branches = [group.rows(index) for index, group in enumerate(groups)]
    found = []
    for value, index in branches[0].union(*branches[1:], all=True):
        convert = groups[index].to_moment
        if value is not None:
            found.append(convert(value.date()) if convert else value)
    return min((moment for moment in found if moment > now), default=None)
