"""Reads of releases: what the public reads at a moment, searched and listed; the standing texts.

Visibility is decided at read time from the release's columns and ``now``
(``Release.objects.public(now)``): an approved release is public from its
``publish_at`` to the second, with or without the sweep.
"""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, OuterRef, Q, Subquery, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language

from irportal.workflow import languages
from irportal.workflow.models import State, due_approval, public_revision_id_sql, public_sql, public_sql_parameters
from releases.content import ReleaseDocument
from releases.models import (
    PUBLIC_DOCUMENT_FIELDS,
    Boilerplate,
    BoilerplateVersion,
    MediaContact,
    Release,
    ReleaseRevision,
)

MAX_PLAIN_TERMS = 8
# A slug (letters, digits, hyphens and underscores) stands as it is in the address it is reversed into.
_SLUG = "release-slug"
LATEST_COUNT = 5
# The columns of a contact's snapshot (``MediaContact.snapshot``) the public pages print.
CONTACT_FIELDS = ("name", "title", "organization", "phone", "email", "audience", "translations")


SEARCHED_FIELDS = ("headline", "subheadline", "body")


def _field_contains(prefix: str, field: str, word: str, language: str) -> Q:
    """``word`` in the field as the pages of ``language`` read it: its translation, else the primary's text."""
    primary = Q(**{f"{prefix}__content__{field}__icontains": word})
    if language == languages.primary():
        return primary
    translated = f"{prefix}__content__translations__{language}__{field}"
    return Q(**{f"{translated}__icontains": word}) | (Q(**{f"{translated}__isnull": True}) & primary)


def _text_contains(prefix: str, text: str, language: str) -> Q:
    """Every word of ``text`` in the headline, subheadline or body (at most ``MAX_PLAIN_TERMS`` words)."""
    words = list(dict.fromkeys(text.lower().split()))[:MAX_PLAIN_TERMS]
    condition = Q()
    for word in words:
        match = Q()
        for field in SEARCHED_FIELDS:
            match |= _field_contains(prefix, field, word, language)
        condition &= match
    return condition


# On PostgreSQL each revision carries a generated tsvector column per language with a GIN index:
# ``search_document`` of the primary (English) text (migration releases 0004) and ``search_document_fr`` of the
# French (0013). The SQL is constant, chosen from this table by the page's language; the visitor's text is always
# a query parameter.
SEARCH_DOCUMENTS = {"en": ("search_document", "english"), "fr": ("search_document_fr", "french")}


def _search_sql(language: str) -> tuple[str, str]:
    column, config = SEARCH_DOCUMENTS.get(language, SEARCH_DOCUMENTS[languages.primary()])
    query = f"websearch_to_tsquery('{config}'::regconfig, %s)"
    return f"{column} @@ {query}", f"ts_rank({column}, {query})"


def search_match(text: str, language: str | None = None) -> RawSQL:
    """Revisions whose search document in ``language`` (the page's) matches ``text`` (PostgreSQL full-text
    search)."""
    match_sql, _ = _search_sql(language or get_language())
    return RawSQL(match_sql, [text], BooleanField())  # noqa: S611 - constant SQL, text as a parameter


def search_public(releases, text: str, now, language: str | None = None):
    """Public releases whose public revision matches ``text`` in ``language`` (the page's language by default).

    On PostgreSQL: full-text search, best match first. Elsewhere: a plain
    case-insensitive match, newest first. Only the revision the public reads
    is searched, never an unpublished correction.
    """
    language = language or get_language()
    due = due_approval(now)
    if connection.vendor != "postgresql":
        return releases.filter(
            (due & _text_contains("approved_revision", text, language))
            | (~due & _text_contains("live_revision", text, language))
        )
    _, rank_sql = _search_sql(language)
    rank = RawSQL(rank_sql, [text], FloatField())  # noqa: S611 - constant SQL, text as a parameter
    public_revision = Case(When(due, then=F("approved_revision_id")), default=F("live_revision_id"))
    return (
        releases.annotate(public_revision_id=public_revision)
        .filter(public_revision_id__in=ReleaseRevision.objects.filter(search_match(text, language)).values("pk"))
        .annotate(
            rank=Subquery(
                ReleaseRevision.objects.filter(pk=OuterRef("public_revision_id")).annotate(rank=rank).values("rank")[:1]
            )
        )
        .order_by("-rank", "-public_since_at", "-pk")
    )


def public_document(release: Release, now, language: str | None = None) -> ReleaseDocument | None:
    """The revision the public reads at ``now``, in ``language`` (the page's by default): every language reads the
    same revision, public at the same second, or none."""
    revision = release.public_revision(now)
    if revision is None:
        return None
    content = languages.localized(revision.content, language or get_language())
    return ReleaseDocument(content, release=release, revision=revision)


# A public document's columns of each release, with the id and content of the revision the public reads at
# ``now`` (``public_revision_column``: the approved one past its embargo and gate, else the live one), read as one
# statement rather than built by the ORM for every list (the public rule in SQL, ``public_sql`` and the like). Held
# to the ORM's reading by tests/investors/test_public_lists.py.
DOCUMENTS_SQL = f"""SELECT r.id, r.slug, r.status, r.publish_at, r.held, r.gate_opens_at, r.first_published_at,
    r.last_published_at, r.approved_revision_id, v.id AS public_id, v.content AS public_content
FROM releases_release r
JOIN releases_releaserevision v ON v.id = {public_revision_id_sql("r")}"""  # noqa: S608 - made of the statement's own parts; every value is a parameter
# Since when a release is public (``public_since_at`` of ``ReleaseQuerySet.public_newest_first``, the expression
# of the publication order's index, ``release_public_order``).
_PUBLIC_SINCE = """COALESCE(r.first_published_at, CASE WHEN r.gate_opens_at > r.publish_at AND r.held
    THEN r.gate_opens_at ELSE r.publish_at END)"""
# The newest public releases, along the index, stopping after the rows needed.
NEWEST_SQL = f"""{DOCUMENTS_SQL}
WHERE {public_sql("r")}
ORDER BY {_PUBLIC_SINCE} DESC, r.id DESC
LIMIT %(count)s"""
# The archive's lists as a ``Paginator`` reads them (``PublicIds``), along the index: counted, then a page of ids
# newest first. Without a year, the newest public releases (at most ``cap``); a year, those that became public in a
# range of moments (``year_span``). Held to the ORM's reading by tests/investors/test_public_lists.py.
_PUBLIC = f"FROM releases_release r WHERE {public_sql('r')}"
_IN_SPAN = f"AND {_PUBLIC_SINCE} >= %(start)s AND {_PUBLIC_SINCE} < %(end)s"
_PAGE = f"ORDER BY {_PUBLIC_SINCE} DESC, r.id DESC LIMIT %(limit)s OFFSET %(offset)s"
NEWEST_COUNT_SQL = f"SELECT COUNT(*) FROM (SELECT r.id {_PUBLIC} LIMIT %(cap)s) AS newest"  # noqa: S608 - made of the statement's own parts; every value is a parameter
NEWEST_IDS_SQL = f"SELECT r.id {_PUBLIC} {_PAGE}"
SPAN_COUNT_SQL = f"SELECT COUNT(*) {_PUBLIC} {_IN_SPAN}"
SPAN_IDS_SQL = f"SELECT r.id {_PUBLIC} {_IN_SPAN} {_PAGE}"
# The first and the last moment a public release became public: the two ends of the index.
PUBLIC_SINCE_ENDS_SQL = f"SELECT MIN({_PUBLIC_SINCE}), MAX({_PUBLIC_SINCE}) {_PUBLIC}"


def public_documents(release_ids, now) -> list[ReleaseDocument]:
    """The public documents of these releases, in this order, read in one query (``DOCUMENTS_SQL``).

    Lists choose and order their releases by id first (no revision content is
    read for the thousands of releases they sort), then read the few shown.
    """
    ids = list(release_ids)
    if not ids:
        return []
    names = [f"id{number}" for number in range(len(ids))]
    listed = ", ".join(f"%({name})s" for name in names)
    params = public_sql_parameters(now) | dict(zip(names, ids, strict=True))
    releases = {
        release.pk: release for release in Release.objects.raw(f"{DOCUMENTS_SQL} WHERE r.id IN ({listed})", params)
    }
    return raw_documents(releases[pk] for pk in ids if pk in releases)


def latest_public_documents(now, count: int = LATEST_COUNT) -> list[ReleaseDocument]:
    """The newest public releases (the Investor page's, the feed's), in one query (``NEWEST_SQL``)."""
    params = public_sql_parameters(now) | {"count": count}
    return raw_documents(Release.objects.raw(NEWEST_SQL, params))


def public_since_ends(now) -> tuple:
    """When the first and the last public release became public (``None`` twice without one), in one query
    (``PUBLIC_SINCE_ENDS_SQL``)."""
    with connection.cursor() as cursor:
        cursor.execute(PUBLIC_SINCE_ENDS_SQL, public_sql_parameters(now))
        return tuple(_moment(value) for value in cursor.fetchone())


def year_span(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The moments of ``year`` in ``zone``: from its first to the next year's first, excluded."""
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


class PublicIds:
    """Ids of public releases, newest first, as a ``Paginator`` reads them: counted in one statement, a page at a
    time in another (``newest_public_ids``, ``public_ids_in_span``)."""

    def __init__(self, count_sql: str, ids_sql: str, parameters: dict):
        self.count_sql, self.ids_sql, self.parameters = count_sql, ids_sql, parameters

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self.count_sql, self.parameters)
            return cursor.fetchone()[0]

    def __getitem__(self, page: slice) -> list[int]:
        limits = {"limit": page.stop - page.start, "offset": page.start}
        with connection.cursor() as cursor:
            cursor.execute(self.ids_sql, self.parameters | limits)
            return [row[0] for row in cursor.fetchall()]


def newest_public_ids(now: datetime, cap: int) -> PublicIds:
    """The ids of the newest ``cap`` releases public at ``now`` (``NEWEST_COUNT_SQL``, ``NEWEST_IDS_SQL``)."""
    return PublicIds(NEWEST_COUNT_SQL, NEWEST_IDS_SQL, public_sql_parameters(now) | {"cap": cap})


def public_ids_in_span(now: datetime, span: tuple[datetime, datetime]) -> PublicIds:
    """The ids of the releases public at ``now`` that became public in ``span`` (``year_span``; ``SPAN_COUNT_SQL``,
    ``SPAN_IDS_SQL``)."""
    start, end = (connection.ops.adapt_datetimefield_value(moment) for moment in span)
    return PublicIds(SPAN_COUNT_SQL, SPAN_IDS_SQL, public_sql_parameters(now) | {"start": start, "end": end})


def _moment(value: datetime | str | None) -> datetime | None:
    """A moment a statement computed: PostgreSQL's, aware; SQLite's, the text of one in UTC as Django stores it."""
    return parse_datetime(value).replace(tzinfo=UTC) if isinstance(value, str) else value


def raw_documents(releases) -> list[ReleaseDocument]:
    """The public documents of releases read by a statement made of ``DOCUMENTS_SQL``, in the order read."""
    language = get_language()
    # Each release's address, reversed once for the list.
    head, tail = reverse("news:detail", args=[_SLUG]).rsplit(_SLUG, 1)
    return [
        ReleaseDocument(
            languages.localized(json.loads(release.public_content), language),
            release=release,
            revision_id=release.public_id,
            url=f"{head}{release.slug}{tail}",
        )
        for release in releases
        # What ``public_document`` leaves out: a withdrawn release.
        if release.status != State.WITHDRAWN
    ]


def public_release(slug: str) -> Release | None:
    """The release at this address with the content of both revisions the public may read and the columns its
    pages read (not the working copy's); whether it is public is the caller's."""
    releases = Release.objects.select_related("live_revision", "approved_revision")
    try:
        return releases.only("withdrawn_at", *PUBLIC_DOCUMENT_FIELDS).get(slug=slug)
    except Release.DoesNotExist:
        return None


def _default_versions(kind: str):
    """The versions of the active default boilerplate of ``kind``, latest first."""
    return BoilerplateVersion.objects.filter(
        boilerplate__kind=kind, boilerplate__is_default=True, boilerplate__is_active=True
    ).order_by("-number")


def default_boilerplate(kind: str) -> BoilerplateVersion | None:
    """The latest version of the active default boilerplate of ``kind`` (the Investor page's About text)."""
    return _default_versions(kind).first()


# The Investor page's standing texts, each read as one plain statement (the ORM took longer to build either query
# than the database takes to run it). tests/releases/test_languages.py holds them to the ORM's reading.
# The About text: the latest version of the active default About boilerplate (``default_boilerplate``).
ABOUT_SQL = """SELECT v.title, v.text, v.translations
FROM releases_boilerplateversion v
JOIN releases_boilerplate b ON b.id = v.boilerplate_id
WHERE b.kind = %(kind)s AND b.is_default AND b.is_active
ORDER BY v.number DESC
LIMIT 1"""
# Every active contact, with the columns of its snapshot the public pages print (``CONTACT_FIELDS``).
CONTACTS_SQL = f"""SELECT {", ".join(CONTACT_FIELDS)}
FROM releases_mediacontact
WHERE is_active
ORDER BY audience, "order", name
"""  # noqa: S608 - made of the statement's own parts


def public_about(language: str) -> dict | None:
    """The Investor page's About text (the default's latest version) in ``language``: ``title`` and ``text``, in
    one query (``ABOUT_SQL``)."""
    rows = _read_columns(ABOUT_SQL, {"kind": Boilerplate.Kind.ABOUT})
    return languages.localized(rows[0], language) if rows else None


def active_contact_groups(language: str) -> list[tuple[str, list[dict]]]:
    """Every active contact in ``language``, grouped by audience as a release prints them, in one query
    (``CONTACTS_SQL``)."""
    contacts = _read_columns(CONTACTS_SQL, {})
    return MediaContact.group_by_audience([languages.localized(contact, language) for contact in contacts])


def _read_columns(statement: str, params: dict) -> list[dict]:
    """The rows of a plain statement as dicts of their columns, each row's ``translations`` decoded (a bare cursor
    reads JSON as text)."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["translations"] = json.loads(row["translations"])
    return rows
