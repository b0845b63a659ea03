"""The one staff console over the workflow engine, for every kind of content.

A kind (releases, events, ...) describes itself with a ``Kind`` subclass and
registers it from its app's ``ready()``; the console's views, URLs and
templates are the same for every kind:

    /staff/<kind>/                      list: search, filters, sort, the actions each row allows
    /staff/<kind>/new/                  create
    /staff/<kind>/<pk>/                 review: the content as the public will see it, the checks,
                                        approvals, comments and the actions this user may take
    /staff/<kind>/<pk>/edit/            edit (a new working revision)
    /staff/<kind>/<pk>/preview/         the working revision on the public page's frame
    /staff/<kind>/<pk>/history/         every revision; ?a=&b= compares two, readably; restore
    /staff/<kind>/<pk>/do/<transition>/ POST: submit, approve, request changes, schedule, publish, withdraw
    /staff/<kind>/<pk>/comment/         POST: a comment
    /staff/<kind>/<pk>/op/<operation>/  POST: one of the kind's own operations (e.g. an event's replay link)
    /staff/<kind>/<pk>/files/<token>/<rendition>   a file of any revision, for staff

A new kind is its ``Kind``, its form, the template of its content and its
registrations: nothing else. An app above a kind's may add review panels and
operations to it (``extend``), e.g. the newswire's panel and its "send again"
on the releases' review screen.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.db import models
from django.http import HttpResponse
from django.urls import reverse
from django.utils.text import capfirst

from irportal.accounts import navigation
from irportal.workflow import languages
from irportal.workflow.engine import WorkflowSpec, name_kind


@dataclass(frozen=True)
class Operation:
    """A change of a kind's own (an event's replay link, a release's image), posted from the review screen.

    ``perform(actor=..., item=..., data=...)`` is the kind's service
    function; it raises ``WorkflowError`` to refuse, or ``ValidationError`` for
    a bad value (shown on the form). ``template`` renders the operation's form
    on the review screen (it gets ``form``, ``operation``, ``item`` and
    ``kind``); empty when a review panel of the kind renders it instead.

    Changing what the public sees needs the authority publishing needs: on an
    item the public can read (it has a live revision), an operation with a
    ``public_verb`` needs that permission instead of ``verb`` and a fresh
    second factor (``irportal/accounts/stepup.py``); ``step_up`` asks for one
    always (e.g. cancelling an event). Such an operation's ``perform`` also
    gets ``step_up=``, the evidence, and checks it again itself.
    """

    name: str
    label: str
    form_class: type[forms.Form]
    perform: Callable[..., object]
    success: str
    template: str = "staff/console/_operation.html"
    button: str = ""  # the submit button's words when they are not the label's (a label naming a field)
    verb: str = "change"
    multipart: bool = False
    form_kwargs: Callable[[models.Model], dict] = field(default=lambda item: {})
    initial: Callable[[models.Model], dict] = field(default=lambda item: {})
    available: Callable[[models.Model], bool] = field(default=lambda item: item.status != "withdrawn")
    public_verb: str = ""
    step_up: bool = False

    @property
    def may_ask_step_up(self) -> bool:
        return bool(self.public_verb or self.step_up)

    def authority(self, item) -> tuple[str, bool]:
        """The permission verb this operation needs on ``item`` now, and whether it needs a fresh factor."""
        if self.public_verb and item.live_revision_id is not None:
            return self.public_verb, True
        return self.verb, self.step_up


@dataclass(frozen=True)
class Link:
    """A page of the kind's own beside its list (e.g. the contacts beside the releases)."""

    label: str
    url_name: str
    permission: str = ""


@dataclass(frozen=True)
class CalendarEntry:
    """One dated thing on the publication calendar."""

    at: datetime
    kind: str  # "embargo", "event", "replay_opens", "replay_closes"
    title: str
    url: str
    ends_at: datetime | None = None
    item: models.Model | None = None


class Kind:
    """How one kind of workflow item appears on the staff console."""

    workflow: WorkflowSpec
    slug: str  # in the address: /staff/<slug>/
    label: str  # "release"
    label_plural: str  # "releases"
    title_field: str  # the model field a row is named by
    title_label: str = "Title"
    # The date (or time) that tells two items of the same name apart: an event's start, a release's dateline date.
    date_field: str = ""
    search_fields: tuple[str, ...] = ()
    form_class: type[forms.Form]
    content_template: str  # renders ``doc`` as the public page shows it
    # Revision content keys shown in a comparison, in order, with their labels.
    diff_labels: dict[str, str] = {}
    operations: tuple[Operation, ...] = ()
    # Templates of extra sections on the review screen (they get ``item``, ``kind`` and ``can_change``).
    review_panels: tuple[str, ...] = ()
    list_links: tuple[Link, ...] = ()
    nav_order: int = 50

    @property
    def model(self) -> type[models.Model]:
        return self.workflow.model

    def perm(self, verb: str) -> str:
        return self.workflow.perm(verb)

    @property
    def add_permission(self) -> str:
        return self.perm("add")

    def url(self, name: str, item=None, **kwargs) -> str:
        """The console's address ``name`` (list, detail, edit, ...) for this kind, and ``item``."""
        kwargs["kind"] = self.slug
        if item is not None:
            kwargs["pk"] = item.pk
        return reverse(f"console:{name}", kwargs=kwargs)

    def title_of(self, item) -> str:
        return getattr(item, self.title_field)

    @property
    def panels(self) -> tuple[str, ...]:
        """The review screen's extra sections: the kind's own, then those apps above it added."""
        return self.review_panels + _EXTENSIONS.get(self.slug, ((), ()))[0]

    @property
    def all_operations(self) -> tuple[Operation, ...]:
        """The kind's operations, then those apps above it added."""
        return self.operations + _EXTENSIONS.get(self.slug, ((), ()))[1]

    # -- what each kind answers --------------------------------------------------------------------

    def form(self, data=None, files=None, *, item=None):
        """The create or edit form (``item`` None for a new one)."""
        raise NotImplementedError

    def create(self, *, actor, form):
        """Save a new item; a kind with translatable fields also takes ``translations``, the text of each
        secondary language (``{"fr": {"headline": ...}}``) for the item's ``translations``."""
        raise NotImplementedError

    def update(self, *, actor, item, form):
        """Save the edit as a new working revision; raises ``EditConflict`` when someone saved meanwhile.
        ``translations`` as for ``create``."""
        raise NotImplementedError

    def restore(self, *, actor, item, number: int):
        raise NotImplementedError

    def document(self, item, revision, *, now: datetime):
        """What ``content_template`` renders as ``doc`` for ``revision`` of ``item``."""
        raise NotImplementedError

    def field_text(self, name: str, value) -> str | None:
        """A revision value as a person reads it in a comparison; None for the generic rendering."""
        return None

    def serve_file(self, item, token: str, rendition: str) -> HttpResponse | None:
        """A file of any revision of ``item``, for staff; None when there is no such file."""
        return None

    def calendar_items(self):
        """The kind's items with what deciding "shown to the public yet?" reads, without revision content."""
        return self.model.objects.select_related("live_revision", "approved_revision").defer(
            "live_revision__content", "approved_revision__content"
        )

    def calendar_entries(self, start: datetime, end: datetime) -> list[CalendarEntry]:
        """The kind's dated things between ``start`` and ``end``: by default, embargoes of approved items."""
        approved = self.calendar_items().filter(status="approved", publish_at__gte=start, publish_at__lt=end)
        return [
            CalendarEntry(item.publish_at, "embargo", self.title_of(item), self.url("detail", item), item=item)
            for item in approved.order_by("publish_at")
        ]


_KINDS: dict[str, Kind] = {}
# slug -> (review panels, operations) that apps above the kind add to its review screen.
_EXTENSIONS: dict[str, tuple[tuple[str, ...], tuple[Operation, ...]]] = {}


def extend(slug: str, *, review_panels: tuple[str, ...] = (), operations: tuple[Operation, ...] = ()) -> None:
    """Add review panels and operations to the kind ``slug``; called from an upper app's ``ready()``."""
    panels, ops = _EXTENSIONS.get(slug, ((), ()))
    _EXTENSIONS[slug] = (
        panels + tuple(panel for panel in review_panels if panel not in panels),
        ops + tuple(op for op in operations if op.name not in {known.name for known in ops}),
    )


def register(kind: Kind) -> Kind:
    """Put a kind on the console, and in the staff navigation; called from its app's ``ready()``."""
    _KINDS[kind.slug] = kind
    name_kind(kind.workflow.kind, kind.label)  # the engine's messages name the kind as the console does
    languages.register_form(kind.workflow, kind.form_class)
    navigation.register(
        navigation.NavItem(
            capfirst(kind.label_plural),
            "console:list",
            kind.perm("view"),
            order=kind.nav_order,
            url_kwargs=(("kind", kind.slug),),
        )
    )
    return kind


def kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.nav_order, kind.slug))


def kind_for_slug(slug: str) -> Kind:
    return _KINDS[slug]
