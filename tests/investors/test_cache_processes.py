"""The embedded default (SQLite, files under var/, no Redis) with two web processes: both see every change at once.

Each web process is a gunicorn of its own; the changes are made by a third
process, as a staff member's request would be. Before each change both
processes have the pages in the cache they share.
"""

import pytest

from tests.investors.servers import SETUP, app_environment, get, gunicorn, manage, rename_company, shell

HEADLINE = "Halvorsen Opens a Calibration Laboratory in Tempe"
RELEASE = "/investors/news/calibration-laboratory/"
LISTS = ("/investors/", "/investors/news/")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("embedded")
    env = app_environment(var_dir)
    manage(env, "migrate", "--noinput")
    shell(env, SETUP.format(slug="calibration-laboratory", headline=HEADLINE))
    with gunicorn(env, var_dir / "first.log") as first, gunicorn(env, var_dir / "second.log") as second:
        yield env, (first, second)


def visit_everything(sites, paths):
    """Every page from every process, twice: the second answer comes from the shared cache."""
    return {(site, path): get(site + path) for site in sites for path in paths for _ in range(2)}


def test_a_withdrawal_answers_410_and_leaves_both_lists_in_every_process_at_once(sites):
    env, processes = sites
    before = visit_everything(processes, (RELEASE, *LISTS))
    assert all(answer.status == 200 and HEADLINE in answer.text for answer in before.values())
    shell(
        env,
        "from django.contrib.auth import get_user_model\n"
        "from releases.models import Release\n"
        "from releases.workflow import release_withdraw\n"
        f"release = Release.objects.get(slug='{RELEASE.split('/')[-2]}')\n"
        "release_withdraw(release_id=release.pk, actor=get_user_model().objects.get(username='approver'),"
        " reason='Issued in error')\n",
    )
    for site in processes:
        assert get(site + RELEASE).status == 410, site
        for path in LISTS:
            answer = get(site + path)
            assert answer.status == 200
            assert HEADLINE not in answer.text, (site, path)


def test_a_company_profile_edit_shows_in_every_process_at_once(sites):
    env, processes = sites
    assert all("Halvorsen Instruments, Inc." in answer.text for answer in visit_everything(processes, LISTS).values())
    rename_company(env, "Halvorsen Precision, Inc.")
    for site in processes:
        for path in LISTS:
            assert "Halvorsen Precision, Inc." in get(site + path).text, (site, path)


def test_a_new_contact_shows_in_every_process_at_once(sites):
    env, processes = sites
    assert not any("Noor Newcontact" in answer.text for answer in visit_everything(processes, LISTS[:1]).values())
    shell(env, "from tests.factories import MediaContactFactory\nMediaContactFactory(name='Noor Newcontact')\n")
    for site in processes:
        assert "Noor Newcontact" in get(site + "/investors/").text, site


def test_a_publication_shows_in_every_process_at_once(sites):
    env, processes = sites
    headline = "Halvorsen Names a New Chief Financial Officer"
    assert not any(headline in answer.text for answer in visit_everything(processes, LISTS).values())
    shell(
        env,
        "from django.contrib.auth import get_user_model\n"
        "from releases.checks import CODES\n"
        "from releases.workflow import release_approve, release_publish, release_submit\n"
        "from tests.factories import make_release\n"
        "users = get_user_model().objects\n"
        "author, approver = users.get(username='author'), users.get(username='approver')\n"
        f"release = make_release(author, slug='new-cfo', headline='{headline}')\n"
        "release_submit(release_id=release.pk, actor=author)\n"
        "release_approve(acknowledged=CODES, release_id=release.pk, actor=approver)\n"
        "release_publish(release_id=release.pk, actor=approver)\n",
    )
    for site in processes:
        assert get(site + "/investors/news/new-cfo/").status == 200, site
        for path in LISTS:
            assert headline in get(site + path).text, (site, path)
