"""Every disclosure language in one revision: the hash, the approval, the publication and the comparison cover
them all together."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from irportal.accounts.roles import IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow import engine
from irportal.workflow.console import kind_for_slug
from irportal.workflow.console.diff import revision_diff
from irportal.workflow.engine import TransitionNotAllowed
from irportal.workflow.models import Approval, State
from irportal.workflow.sweep import run_sweep
from packages.workflow import PACKAGE
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.services import release_restore, release_update
from releases.workflow import RELEASE, release_approve, release_publish, release_submit
from tests.factories import UserFactory, fresh_step_up, make_company, make_release, sign_in
from tests.packages.builders import earnings_items, every_warning, make_package

pytestmark = pytest.mark.django_db

FRENCH = {
    "headline": "Halvorsen Instruments publie ses résultats du troisième trimestre",
    "subheadline": "Chiffre d'affaires en hausse de 12 % grâce aux systèmes d'étalonnage",
    "highlights": ["Chiffre d'affaires de 84,2 M$", "Marge brute de 58,1 %"],
    "body": "<p>Halvorsen Instruments, Inc. (Nasdaq : HLVI) a publié ses résultats.</p>",
}


@pytest.fixture
def bilingual(db):
    return make_company(disclosure_languages=["en", "fr"])


def translate(release, actor, **french):
    release = Release.objects.get(pk=release.pk)
    return release_update(
        actor=actor, pk=release.pk, base_version=release.version, translations={"fr": FRENCH | french}
    )


def working(release):
    release = Release.objects.get(pk=release.pk)
    return release.revisions.get(number=release.version)


def test_the_revision_holds_the_text_of_each_secondary_language(bilingual, author):
    release = translate(make_release(author), author)
    content = working(release).content
    assert content["headline"] == "Halvorsen Instruments Reports Third Quarter Results"
    assert content["translations"] == {"fr": FRENCH}


def test_a_company_with_one_language_keeps_its_revisions_as_they_were(company, author):
    release = make_release(author)
    release = release_update(actor=author, pk=release.pk, base_version=release.version, translations={"fr": FRENCH})
    assert release.version == 1  # text in a language the company does not disclose in is not a change
    assert "translations" not in working(release).content


def test_french_rich_text_is_sanitized_as_the_english_is(bilingual, author):
    release = translate(make_release(author), author, body='<p onclick="steal()">Texte<script>x()</script></p>')
    assert working(release).content["translations"]["fr"]["body"] == "<p>Texte</p>"


def test_approval_is_refused_while_french_text_is_missing_and_names_the_fields(bilingual, author, approver):
    release = make_release(author, subheadline="")
    release_submit(release_id=release.pk, actor=author)
    checks = engine.checks_for(RELEASE, Release.objects.get(pk=release.pk))
    blocker = next(check for check in checks if check.code == "translation-fr")
    assert (blocker.blocking, blocker.message) == (True, "French text missing: Headline, Highlights, Body")
    with pytest.raises(TransitionNotAllowed, match="French text missing: Headline, Highlights, Body"):
        release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, step_up=fresh_step_up())
    assert Release.objects.get(pk=release.pk).status == State.IN_REVIEW
    assert not Approval.objects.exists()


def test_a_partly_translated_release_names_only_what_is_missing(bilingual, author):
    release = translate(make_release(author), author, highlights=[], body="<p> </p>")
    checks = engine.checks_for(RELEASE, Release.objects.get(pk=release.pk))
    assert [check.message for check in checks if check.blocking] == ["French text missing: Highlights, Body"]


def test_a_package_is_not_approved_while_its_release_lacks_french(bilingual, author, approver):
    package = make_package(author, earnings_items(author))
    engine.submit(PACKAGE, pk=package.pk, actor=author)
    with pytest.raises(TransitionNotAllowed, match=r"Release “.*”: French text missing: Headline"):
        engine.approve(
            PACKAGE,
            pk=package.pk,
            actor=approver,
            publish_at=timezone.now() + dt.timedelta(hours=3),
            acknowledged=every_warning(package),
            step_up=fresh_step_up(),
        )
    assert not Approval.objects.exists()


def test_approval_and_publication_record_every_language_they_cover(bilingual, author, approver):
    release = translate(make_release(author), author)
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, step_up=fresh_step_up())
    release_publish(release_id=release.pk, actor=approver, step_up=fresh_step_up())
    approve = AuditEntry.objects.get(action="release.approve")
    publish = AuditEntry.objects.get(action="release.publish")
    assert approve.data["languages"] == publish.data["languages"] == ["en", "fr"]
    assert approve.data["content_hash"] == publish.data["content_hash"] == working(release).content_hash


def test_the_sweep_records_the_languages_it_published(bilingual, author, approver):
    release = translate(make_release(author), author)
    release_submit(release_id=release.pk, actor=author)
    embargo = timezone.now() + dt.timedelta(hours=1)
    release_approve(
        release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, publish_at=embargo, step_up=fresh_step_up()
    )
    with time_machine.travel(embargo + dt.timedelta(seconds=1)):
        run_sweep()
    entry = AuditEntry.objects.get(action="release.publish")
    assert (entry.actor_id, entry.data["by"], entry.data["languages"]) == (None, "sweep", ["en", "fr"])


def test_a_one_language_release_records_its_one_language(company, author, approver):
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, step_up=fresh_step_up())
    assert AuditEntry.objects.get(action="release.approve").data["languages"] == ["en"]


def test_an_edit_of_only_the_french_text_changes_the_hash_and_voids_the_approval(bilingual, author, approver):
    release = translate(make_release(author), author)
    release_submit(release_id=release.pk, actor=author)
    embargo = timezone.now() + dt.timedelta(hours=1)
    release = release_approve(
        release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, publish_at=embargo, step_up=fresh_step_up()
    )
    approved_hash = release.approved_revision.content_hash
    release = translate(release, author, headline="Halvorsen Instruments publie des résultats corrigés")
    assert working(release).content_hash != approved_hash
    assert working(release).content["headline"] == "Halvorsen Instruments Reports Third Quarter Results"
    assert (release.status, release.approved_revision) == (State.DRAFT, None)
    edit = AuditEntry.objects.filter(action="release.edit").latest("sequence")
    assert edit.changes["status"] == {"before": State.APPROVED, "after": State.DRAFT}
    assert edit.changes["translations"]["after"]["fr"]["headline"].endswith("résultats corrigés")
    with time_machine.travel(embargo + dt.timedelta(seconds=1)):
        assert Release.objects.public(timezone.now()).filter(pk=release.pk).count() == 0


def test_restoring_a_revision_restores_its_french_text(bilingual, author):
    release = translate(make_release(author), author)
    first_french = release.version
    release = translate(release, author, headline="Un autre titre")
    release = release_restore(actor=author, pk=release.pk, number=first_french)
    assert Release.objects.get(pk=release.pk).translations["fr"]["headline"] == FRENCH["headline"]
    assert working(release).content["translations"] == {"fr": FRENCH}


def test_the_comparison_shows_each_language_s_changes_labelled_by_language(bilingual, author):
    release = translate(make_release(author), author)
    before = working(release)
    release = release_update(
        actor=author,
        pk=release.pk,
        base_version=release.version,
        headline="Halvorsen Instruments Reports Record Third Quarter",
        translations={"fr": FRENCH | {"headline": "Halvorsen Instruments publie un trimestre record"}},
    )
    changes = revision_diff(before.content, working(release).content, kind_for_slug("releases"))
    assert [change["field"] for change in changes] == ["Headline (English)", "Headline (French)"]
    assert changes[1]["pieces"] == [
        ("same", "Halvorsen Instruments publie "),
        ("removed", "ses résultats du troisième"),
        ("added", "un"),
        ("same", " trimestre"),
        ("added", " record"),
    ]


def test_the_first_french_text_shows_as_added_in_the_comparison(bilingual, author):
    release = make_release(author)
    before = working(release)
    release = translate(release, author)
    changes = revision_diff(before.content, working(release).content, kind_for_slug("releases"))
    assert [change["field"] for change in changes] == [
        "Headline (French)",
        "Subheadline (French)",
        "Highlights (French)",
        "Body (French)",
    ]
    assert changes[0]["pieces"] == [("added", FRENCH["headline"])]


def test_reading_the_french_text_on_the_console_puts_the_reader_on_the_insider_list(client, bilingual, author):
    """The preview shows every language of the working revision: a read of the French version is a read of the
    item, recorded for the insider list like any other."""
    release = translate(make_release(author), author)
    reader = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, reader)
    page = client.get(reverse("console:preview", kwargs={"kind": "releases", "pk": release.pk}))
    assert FRENCH["headline"] in page.content.decode()
    assert AuditEntry.objects.filter(
        action="release.access", actor_id=reader.pk, object_id=str(release.pk), data__view="preview"
    ).exists()
