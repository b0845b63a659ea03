"""Context-specific words in passwords: the company's, the product's, the department's, the user's own.

These are the first words anyone guessing a password at this company would
try, so a password that contains one is refused (ASVS 5.0 6.2.11; the list
is documented in docs/security/password-policy.md). It is read when the
password is set: the product's name; the company profile's legal and short
names (without words every company has, such as "Inc."), its ticker (from
three letters), its exchange, the hosts of its website and of ``SITE_URL``;
the department's words and the roles' names; the system's reserved names;
a season or month followed by a year (``Winter2026``); and the user's
username, first and last names and the name part of their email address.
Words shorter than ``min_length`` are not checked. Digits and signs used
for letters (``h4lv0rs3n``, ``$``) and spaces or hyphens between letters
are seen through.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from company.models import CompanyProfile
from irportal.accounts.usernames import RESERVED_USERNAMES

PRODUCT_WORDS = ("irportal", "portal")
DEPARTMENT_WORDS = ("investor", "relations", "disclosure", "embargo", "pressrelease", "earnings")
ROLE_WORDS = ("author", "approver", "compliance", "reviewer", "admin", "administrator")
_SEASON_AND_YEAR = re.compile(
    r"(winter|spring|summer|autumn|fall|january|february|march|april|may|june|july|august|september|october"
    r"|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)(19|20)?\d\d"
)
# Words of company names that are no more guessable at this company than at any other.
GENERIC_WORDS = frozenset(
    [
        "the",
        "and",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "company",
        "co",
        "ltd",
        "limited",
        "llc",
        "plc",
        "sa",
        "ag",
        "nv",
        "holdings",
        "group",
        "international",
        "technologies",
        "www",
        "com",
    ]
)
_LETTERS_FOR = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text).casefold())


def _forms(password: str) -> set[str]:
    """The password as written and with digits and signs read as the letters they stand for (1 as i and as l)."""
    folded = unicodedata.normalize("NFKD", password).casefold()
    read = folded.translate(_LETTERS_FOR)
    return {_letters(folded), _letters(read), _letters(read.replace("i", "l"))}


def _words(text: str) -> list[str]:
    return [_letters(word) for word in re.split(r"[\s,.;:&/()+-]+", text or "")]


def context_words(user=None, *, min_length: int = 4) -> set[str]:
    profile = CompanyProfile.load()
    words = {*PRODUCT_WORDS, *DEPARTMENT_WORDS, *ROLE_WORDS, *RESERVED_USERNAMES}
    words.update(_words(profile.legal_name))
    words.update(_words(profile.short_name))
    words.add(_letters(profile.short_name))
    words.add(_letters(profile.exchange))
    for address in (profile.website, settings.SITE_URL):
        words.update(_words((urlsplit(address).hostname or "").replace("-", " ")))
    if user is not None:
        words.update(_words(user.get_username()))
        words.update(_words(getattr(user, "first_name", "")))
        words.update(_words(getattr(user, "last_name", "")))
        words.update(_words((getattr(user, "email", "") or "").split("@", 1)[0]))
    found = {word for word in words if len(word) >= min_length and word not in GENERIC_WORDS}
    ticker = _letters(profile.ticker)
    if len(ticker) >= 3:
        found.add(ticker)
    return found


class ContextWordsValidator:
    """Refuse a password that contains a context-specific word (see the module's docstring)."""

    def __init__(self, min_length: int = 4):
        self.min_length = min_length

    def validate(self, password, user=None):
        forms = _forms(password)
        words = context_words(user, min_length=self.min_length)
        if any(word in form for word in words for form in forms) or _SEASON_AND_YEAR.search(_letters(password)):
            raise ValidationError(
                _(
                    "This password names the company, IR Portal or you (a name, the ticker, the username): "
                    "those are the first words anyone would try. Choose other words."
                ),
                code="password_context_word",
            )

    def get_help_text(self):
        return _("Your password cannot contain the company's name or ticker, IR Portal, or your own names.")
