"""The demo items of each kind: counted, removed with what the workflow keeps about them, and the company's
own items that were public (after which the demo content stays; see ``company.demo``)."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from company.demo import DemoContent, delete_with_files
from irportal.workflow.engine import WorkflowSpec, specs
from irportal.workflow.models import Approval, Comment, Publication

SHOWN = 3  # own published items named in a refusal


def demo_items(spec: WorkflowSpec) -> QuerySet:
    return spec.model.objects.filter(is_demo=True)


def demo_items_delete(spec: WorkflowSpec, *, files: Iterable[tuple[type, str]] = (), detach: Iterable[str] = ()) -> int:
    """Delete the kind's demo items in the caller's transaction: their approvals, publications and comments,
    their revisions, and their files (``files``: each file model with its field naming the item; ``detach``:
    the item's own fields naming one of those files, emptied first)."""
    ids = list(demo_items(spec).values_list("pk", flat=True))
    if not ids:
        return 0
    content_type = ContentType.objects.get_for_model(spec.model)
    for record in (Approval, Publication, Comment):
        record.objects.filter(content_type=content_type, object_id__in=ids).delete()
    emptied = dict.fromkeys(("live_revision", "approved_revision", *detach))
    spec.model.objects.filter(pk__in=ids).update(**emptied)
    for model, field in files:
        delete_with_files(model.objects.filter(**{f"{field}__in": ids}))
    revisions = spec.model._meta.get_field("revisions")
    revisions.related_model.objects.filter(**{f"{revisions.field.name}__in": ids}).delete()
    return delete_with_files(spec.model.objects.filter(pk__in=ids))


def demo_kind(
    spec: WorkflowSpec, label: str, order: int, *, files: Iterable[tuple[type, str]] = (), detach: Iterable[str] = ()
) -> DemoContent:
    """The demo content of one kind of item, for ``company.demo.register``."""
    return DemoContent(
        name=spec.kind,
        label=label,
        count=lambda: demo_items(spec).count(),
        remove=lambda: demo_items_delete(spec, files=files, detach=detach),
        order=order,
    )


def own_published() -> list[str]:
    """A few of the company's own items, of any kind, that were ever public."""
    named = []
    for spec in specs():
        was_public = Q(first_published_at__isnull=False) | Q(live_revision__isnull=False)
        items = spec.model.objects.filter(was_public, is_demo=False).order_by("pk")[:SHOWN]
        named += [f"{spec.kind} “{item}”" for item in items]
    return named[:SHOWN]
