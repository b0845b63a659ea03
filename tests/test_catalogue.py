"""The French catalogue: `make messages` writes and compiles it; `make check-messages` fails naming each message the
project marks that the committed catalogue lacks, leaves untranslated or marks fuzzy, and a stale django.mo."""

from pathlib import Path

import polib
import pytest
from django.core.management import CommandError, call_command

PO = Path("locale/fr/LC_MESSAGES/django.po")
MO = PO.with_suffix(".mo")


@pytest.fixture
def project(tmp_path):
    """A throwaway project: a template and a module with marked strings, its catalogue made and translated."""
    root = tmp_path / "project"
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "page.html").write_text('{% load i18n %}<h1>{% translate "Investor relations" %}</h1>\n')
    (root / "pages.py").write_text(
        "from django.utils.translation import gettext, ngettext, pgettext\n\n"
        'TITLE = gettext("Webcast replay")\n'
        'CLOSE = pgettext("stock price", "Close")\n'
        "\n\ndef count(n):\n"
        '    return ngettext("%(count)d release", "%(count)d releases", n) % {"count": n}\n'
    )
    # Ignored like the project's own: tests, virtualenvs, runtime files, vendored libraries.
    for ignored in ("tests", ".venv", "var", "static/vendor", "bench", "node_modules"):
        (root / ignored).mkdir(parents=True)
        (root / ignored / "ignored.html").write_text('{% load i18n %}{% translate "Not ours" %}\n')
    call_command("catalogue", root=root)
    translate(
        root,
        {
            "Investor relations": "Relations avec les investisseurs",
            "Webcast replay": "Rediffusion de la webdiffusion",
            "Close": "Clôture",
            "%(count)d release": ["%(count)d communiqué", "%(count)d communiqués"],
        },
    )
    return root


def translate(root: Path, translations: dict) -> None:
    catalogue = polib.pofile(str(root / PO))
    for entry in catalogue:
        french = translations.get(entry.msgid)
        if isinstance(french, list):
            entry.msgstr_plural = dict(enumerate(french))
        elif french:
            entry.msgstr = french
    catalogue.save()
    call_command("catalogue", root=root)


def check(root: Path) -> str:
    with pytest.raises(CommandError) as failed:
        call_command("catalogue", check=True, root=root)
    return str(failed.value)


def test_a_complete_catalogue_passes_and_is_used_by_django(project, capsys):
    call_command("catalogue", check=True, root=project)

    assert "every message translated" in capsys.readouterr().out
    catalogue = polib.mofile(str(project / MO))
    assert {entry.msgid for entry in catalogue} == {
        "Investor relations",
        "Webcast replay",
        "Close",
        "%(count)d release",
    }
    assert catalogue.find("Close", msgctxt="stock price").msgstr == "Clôture"


def test_a_new_untranslated_string_fails_the_check_by_name(project):
    (project / "templates" / "alerts.html").write_text(
        '{% load i18n %}<p>{% translate "Sign up for email alerts" %}</p>\n'
    )

    message = check(project)

    assert 'missing: "Sign up for email alerts"' in message
    assert message.count("missing:") == 1 and "Not ours" not in message


def test_a_string_made_but_not_translated_fails_the_check_by_name(project):
    (project / "templates" / "alerts.html").write_text(
        "{% load i18n %}<p>{% blocktranslate trimmed %}\n  Sign up for\n  email alerts\n{% endblocktranslate %}</p>\n"
    )
    call_command("catalogue", root=project)

    message = check(project)

    assert 'untranslated: "Sign up for email alerts"' in message
    translate(project, {"Sign up for email alerts": "Abonnez-vous aux alertes par courriel"})
    call_command("catalogue", check=True, root=project)


def test_a_message_the_sources_no_longer_mark_fails_the_check(project):
    """A translation the extraction no longer finds would be dropped by the next ``make messages``: here the call
    moved inside an f-string's braces, where makemessages does not look."""
    (project / "pages.py").write_text(
        (project / "pages.py")
        .read_text()
        .replace('TITLE = gettext("Webcast replay")', "TITLE = f\"<b>{gettext('Webcast replay')}</b>\"")
    )

    message = check(project)

    assert 'no longer marked in the sources: "Webcast replay"' in message and "missing:" not in message


def test_a_fuzzy_translation_fails_the_check(project):
    catalogue = polib.pofile(str(project / PO))
    catalogue.find("Webcast replay").flags.append("fuzzy")
    catalogue.save()
    call_command("catalogue", root=project)

    assert 'fuzzy: "Webcast replay"' in check(project)


def test_a_plural_with_one_form_untranslated_fails_the_check(project):
    translate(project, {"%(count)d release": ["%(count)d communiqué", ""]})

    assert 'untranslated: "%(count)d release"' in check(project)


def test_a_translation_with_other_placeholders_than_its_msgid_fails_the_check(project):
    translate(project, {"%(count)d release": ["%(nombre)d communiqué", "%(nombre)d communiqués"]})

    assert "placeholders:" in check(project)


def test_a_stale_compiled_catalogue_fails_the_check(project):
    catalogue = polib.pofile(str(project / PO))
    catalogue.find("Webcast replay").msgstr = "Rediffusion"
    catalogue.save()

    assert "locale/fr/LC_MESSAGES/django.mo is not the compilation of django.po" in check(project)
    call_command("catalogue", root=project)
    call_command("catalogue", check=True, root=project)


def test_the_compilation_is_the_same_bytes_every_time(project):
    before = (project / MO).read_bytes()
    polib.pofile(str(project / PO)).save_as_mofile(str(project / MO))

    assert (project / MO).read_bytes() == before


def test_the_repositorys_own_catalogue_is_complete_and_compiled(capsys):
    call_command("catalogue", check=True)

    assert "every message translated" in capsys.readouterr().out
