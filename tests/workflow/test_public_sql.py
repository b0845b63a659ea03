"""The public rule in SQL (``due_sql``, ``public_sql``, ``public_revision_id_sql``) answers as the ORM's does for
every combination of the columns it reads."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from irportal.workflow.models import (
    State,
    public_revision_column,
    public_revision_id_sql,
    public_sql,
    public_sql_parameters,
)
from releases.models import Release
from releases.services import release_update
from tests.factories import make_release

pytestmark = pytest.mark.django_db

STATEMENT = f"""SELECT r.id, {public_revision_id_sql("r")} AS public_revision_id
FROM releases_release r WHERE r.id = %(pk)s AND {public_sql("r")}"""


def test_the_sql_rule_reads_what_the_orm_reads_for_every_combination(author):
    release = make_release(author)
    release = release_update(actor=author, pk=release.pk, base_version=release.version, headline="Second wording")
    first, second = release.revisions.order_by("number")
    now = timezone.now().replace(microsecond=0)
    moments = (None, now - dt.timedelta(hours=1), now, now + dt.timedelta(hours=1))
    combinations = itertools.product(State, moments, (False, True), moments, (None, second), (None, first))
    seen = set()
    for status, publish_at, held, gate_opens_at, approved, live in combinations:
        Release.objects.filter(pk=release.pk).update(
            status=status,
            publish_at=publish_at,
            held=held,
            gate_opens_at=gate_opens_at,
            approved_revision=approved,
            live_revision=live,
        )
        orm = list(
            Release.objects.public(now)
            .filter(pk=release.pk)
            .annotate(revision=public_revision_column("id", now))
            .values_list("revision", flat=True)
        )
        raw = [
            row.public_revision_id
            for row in Release.objects.raw(STATEMENT, public_sql_parameters(now) | {"pk": release.pk})
        ]
        assert raw == orm, (status, publish_at, held, gate_opens_at, approved, live)
        seen.add(tuple(orm))
    # Not public, public with the live revision, public with the approved one.
    assert seen == {(), (first.pk,), (second.pk,)}
