"""The staff console's views: the same for every kind (see ``irportal.workflow.console``).

Every view checks the kind's permission on the server (refusals audited);
every change goes through the workflow engine or the kind's service
functions; every staff read of content the public cannot read yet is an
insider-access record. A refused change answers one way for every kind: the
reason on a page with the 4xx status of the refusal, nothing changed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from company.files import record_refusals
from company.timefmt import datetime_text, utc_datetime
from irportal.accounts import stepup
from irportal.audit.permissions import StaffPermissionMixin, deny
from irportal.workflow import engine, languages
from irportal.workflow.console import kind_for_slug
from irportal.workflow.console.diff import revision_diff
from irportal.workflow.console.forms import CommentForm, ItemFilter, TransitionForm, translation_forms
from irportal.workflow.engine import STATE_PREDICATES, EditConflict, WorkflowError
from irportal.workflow.models import State

PAGE_SIZE = 50
# Checks are about a working copy on its way to approval; a published or withdrawn item has none to show.
CHECKED_STATES = {State.DRAFT, State.IN_REVIEW}


def refused(request, exc: WorkflowError, back: str):
    """A change that could not be made: the reason and the way back, with the refusal's status; nothing was saved."""
    return render(request, "staff/refused.html", {"message": str(exc), "back": back}, status=exc.status_code)


class KindMixin(StaffPermissionMixin):
    """The kind named in the address, and its permission ``verb`` checked before anything else."""

    verb = "view"

    def dispatch(self, request, *args, **kwargs):
        self.kind = kind_for_slug(kwargs["kind"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_required(self):
        return (self.kind.perm(self.verb),)

    def get_context_data(self, **kwargs):
        kwargs["kind"] = self.kind  # the Kind, in place of the slug the address gave
        return super().get_context_data(**kwargs)


class ItemMixin(KindMixin):
    """One item; a GET of it while the public cannot read it is recorded under ``access_view``."""

    access_view = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:  # an anonymous visitor learns nothing, not even whether it exists
            kind = kind_for_slug(kwargs["kind"])
            items = kind.model.objects.select_related(
                "current_step__group", "created_by", "last_edited_by", "live_revision", "approved_revision"
            )
            self.item = get_object_or_404(items, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.record_access()
        return super().get(request, *args, **kwargs)

    def record_access(self):
        if self.access_view:
            engine.record_access(self.kind.workflow, item=self.item, actor=self.request.user, view=self.access_view)

    def get_context_data(self, **kwargs):
        kwargs["item"] = self.item
        return super().get_context_data(**kwargs)

    def back(self) -> str:
        return self.kind.url("detail", self.item)


class ListView(KindMixin, TemplateView):
    template_name = "staff/console/list.html"

    def get_context_data(self, **kwargs):
        found = ItemFilter(self.request.GET or None, kind=self.kind)
        # The revisions the public reads, without their content: whether a row shows unpublished words.
        items = found.qs.select_related(
            "created_by", "current_step__group", "live_revision", "approved_revision"
        ).defer("live_revision__content", "approved_revision__content")
        page = Paginator(items, PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        facts = engine.ReviewFacts(self.kind.workflow, self.request.user, rows)
        for item in rows:
            item.console_actions = sorted(
                engine.allowed_transitions(self.kind.workflow, item, self.request.user, facts),
                key=engine.TRANSITIONS.index,
            )
        # The list shows the titles of unpublished items: each is an insider read.
        engine.record_access_many(self.kind.workflow, items=rows, actor=self.request.user, view="list")
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter=found, page=page, rows=rows, query=query.urlencode(), **kwargs)


class FormViewMixin:
    """Create and edit: the kind's form, and a form for each secondary language's text, on one template; the
    editor keeps every word on an error or a conflict."""

    template_name = "staff/console/form.html"

    def forms(self, data=None, files=None, *, item=None):
        form = self.kind.form(data, files, item=item)
        return form, translation_forms(self.kind, form, data, item=item)

    def render_form(self, form, translations, *, status=200, **context):
        for each in [form, *translations]:
            record_refusals(each, actor=self.request.user)
        context = self.get_context_data(form=form, translation_forms=translations, **context)
        return self.render_to_response(context, status=status)

    def saved_translations(self, translations, item=None) -> dict:
        """What the kind saves with the item: the text typed in each language over what the item kept (a language
        the company no longer discloses in keeps its text); nothing for a kind with no translatable fields."""
        if not self.kind.workflow.translatable:
            return {}
        kept = dict(item.translations) if item is not None else {}
        return {"translations": kept | {each.language: each.cleaned_data for each in translations}}


class CreateView(FormViewMixin, KindMixin, TemplateView):
    verb = "add"

    def get(self, request, *args, **kwargs):
        return self.render_form(*self.forms())

    def post(self, request, *args, **kwargs):
        form, translations = self.forms(request.POST, request.FILES)
        if not all([each.is_valid() for each in [form, *translations]]):
            return self.render_form(form, translations)
        try:
            item = self.kind.create(actor=request.user, form=form, **self.saved_translations(translations))
        except WorkflowError as exc:
            return refused(request, exc, self.kind.url("list"))
        messages.success(request, _("The %(kind)s was saved as a draft.") % {"kind": self.kind.label})
        return redirect(self.kind.url("detail", item))


class EditView(FormViewMixin, ItemMixin, TemplateView):
    verb = "change"
    access_view = "edit"

    def get(self, request, *args, **kwargs):
        self.record_access()
        return self.render_form(*self.forms(item=self.item), base_version=self.item.version)

    def post(self, request, *args, **kwargs):
        form, translations = self.forms(request.POST, request.FILES, item=self.item)
        try:
            base_version = int(request.POST.get("base_version", ""))
        except ValueError:
            return refused(
                request,
                WorkflowError(_("The form is missing the revision it was opened on; open it again.")),
                self.back(),
            )
        if not all([each.is_valid() for each in [form, *translations]]):
            return self.render_form(form, translations, base_version=base_version)
        try:
            self.kind.update(
                actor=request.user,
                item=self.item,
                form=form,
                base_version=base_version,
                **self.saved_translations(translations, self.item),
            )
        except EditConflict as conflict:
            return self.conflict(form, translations, conflict, base_version)
        except WorkflowError as exc:
            return refused(request, exc, self.back())
        messages.success(request, _("Your changes were saved as a new revision."))
        return redirect(self.back())

    def conflict(self, form, translations, conflict: EditConflict, base_version: int):
        """Keep the editor's text; say what the other save changed; saving again replaces it knowingly."""
        latest = conflict.item
        theirs = latest.revisions.get(number=latest.version).content
        started_from = latest.revisions.filter(number=base_version).first()
        changes = revision_diff(started_from.content, theirs, self.kind) if started_from else []
        return self.render_form(
            form, translations, base_version=latest.version, conflict=conflict, changes=changes, status=409
        )


def documents(kind, item, revision, *, now) -> list[dict]:
    """The revision as each disclosure language reads it, the primary first; ``doc`` None for a secondary
    language it holds no text in yet."""
    written = revision.content.get("translations") or {}
    shown = [languages.primary(), *(languages.secondary() if kind.workflow.translatable else ())]
    return [
        {
            "language": language,
            "name": languages.name(language),
            "doc": kind.document(item, languages.revision_in(revision, language), now=now)
            if language == languages.primary() or language in written
            else None,
        }
        for language in shown
    ]


class DetailView(ItemMixin, TemplateView):
    """The review screen: the content as the public will read it, beside the checks, approvals and actions."""

    template_name = "staff/console/detail.html"
    access_view = "detail"

    def get_context_data(self, *, operation_forms=None, approve_values=None, **kwargs):
        """``approve_values``: what the approver typed when an approval was refused; the checks are then shown as
        they stand at the embargo typed (one in market hours warns, an announced event public by then does not)."""
        kind, item, user = self.kind, self.item, self.request.user
        revision = item.revisions.get(number=item.version)
        embargo = (approve_values or {}).get("publish_at")
        checks = engine.checks_for(kind.workflow, item, embargo) if item.status in CHECKED_STATES else []
        can_change = user.has_perm(kind.perm("change")) and item.status != State.WITHDRAWN
        operations = []
        for operation in kind.all_operations:
            if user.has_perm(kind.perm(operation.authority(item)[0])) and operation.available(item):
                form = (operation_forms or {}).get(operation.name) or operation.form_class(
                    initial=operation.initial(item), **operation.form_kwargs(item)
                )
                operations.append({"operation": operation, "form": form})
        now = timezone.now()
        return super().get_context_data(
            documents=documents(kind, item, revision, now=now),
            revision=revision,
            content_template=kind.content_template,
            public_now=item.public_revision(timezone.now()) is not None,
            checks=checks,
            blockers=[check for check in checks if check.blocking],
            warnings=[check for check in checks if not check.blocking],
            actions=engine.allowed_transitions(kind.workflow, item, user),
            can_change=can_change,
            operations=operations,
            comments=engine.comments_for(kind.workflow, item),
            approvals=engine.approvals_for(kind.workflow, item),
            revisions=item.revisions.select_related("created_by")[:10],
            can_comment=engine.may_comment(kind.workflow, user),
            comment_form=CommentForm(),
            approve_values=approve_values or {},
            **kwargs,
        )


class PreviewView(ItemMixin, TemplateView):
    """The working revision on the public page's own frame: exactly what the public will read once published."""

    template_name = "staff/console/preview.html"
    access_view = "preview"

    def get_context_data(self, **kwargs):
        revision = self.item.revisions.get(number=self.item.version)
        return super().get_context_data(
            documents=documents(self.kind, self.item, revision, now=timezone.now()),
            revision=revision,
            preview=True,
            content_template=self.kind.content_template,
            **kwargs,
        )


class HistoryView(ItemMixin, TemplateView):
    """Every revision; two of them compared field by field, word by word."""

    template_name = "staff/console/history.html"
    access_view = "history"

    def get_context_data(self, **kwargs):
        revisions = list(self.item.revisions.select_related("created_by"))
        numbers = {revision.number: revision for revision in revisions}
        context = super().get_context_data(
            revisions=revisions,
            can_restore=self.request.user.has_perm(self.kind.perm("change")) and self.item.status != State.WITHDRAWN,
            **kwargs,
        )
        a, b = self.request.GET.get("a", ""), self.request.GET.get("b", "")
        if a.isdigit() and b.isdigit() and int(a) in numbers and int(b) in numbers:
            older, newer = numbers[int(a)], numbers[int(b)]
            context.update(a=older, b=newer, changes=revision_diff(older.content, newer.content, self.kind))
        elif a or b:
            context["diff_error"] = _("Pick two revisions of this %(kind)s to compare.") % {"kind": self.kind.label}
        return context


class RestoreView(ItemMixin, View):
    verb = "change"
    http_method_names = ["post"]

    def post(self, request, *args, number, **kwargs):
        if not self.item.revisions.filter(number=number).exists():
            raise Http404("No such revision")
        try:
            self.kind.restore(actor=request.user, item=self.item, number=number)
        except WorkflowError as exc:
            return refused(request, exc, self.back())
        messages.success(
            request, _("Revision %(number)s is the working copy again, as a new revision.") % {"number": number}
        )
        return redirect(self.back())


def _perform(spec, transition: str, *, pk: int, actor, data: dict, step_up: dict | None):
    """The engine's transition, with what the form carried that it takes."""
    if transition == "submit":
        return engine.submit(spec, pk=pk, actor=actor, comment=data["comment"])
    if transition == "request_changes":
        return engine.request_changes(spec, pk=pk, actor=actor, comment=data["comment"])
    if transition == "approve":
        return engine.approve(
            spec,
            pk=pk,
            actor=actor,
            comment=data["comment"],
            publish_at=data["publish_at"],
            acknowledged=data["acknowledge"],
            expected_revision=data["expected_revision"],
            expected_hash=data["expected_hash"],
            step_up=step_up,
        )
    if transition == "schedule":
        return engine.schedule(spec, pk=pk, actor=actor, publish_at=data["publish_at"], step_up=step_up)
    if transition == "publish":
        return engine.publish(spec, pk=pk, actor=actor, step_up=step_up)
    return engine.withdraw(spec, pk=pk, actor=actor, reason=data["reason"], step_up=step_up)


# Actions that publish in the company's name: a fresh second factor first (irportal/accounts/stepup.py).
# Lazy: the step-up page reads them in the person's language, the audit log in the primary one.
STEP_UP = {
    "approve": gettext_lazy("Approve this {kind}"),
    "schedule": gettext_lazy("Schedule this {kind}"),
    "publish": gettext_lazy("Publish this {kind} now"),
    "withdraw": gettext_lazy("Withdraw this {kind}"),
}


def transition_message(kind, item) -> str:
    """What the person who acted reads next: the new state, and for an approval whether and when it goes public
    (for an item its kind's gate holds, the gate's own sentence says when: ``item.transition_notes``)."""
    message = _("The %(kind)s is now %(state)s.") % {"kind": kind.label, "state": STATE_PREDICATES[item.status]}
    if item.status == State.APPROVED and item.publish_at is None:
        message += " " + _("It is not public: schedule it or publish it now.")
    elif item.status == State.APPROVED and item.publish_at > timezone.now() and not item.held:
        local = timezone.localtime(item.publish_at)
        message += " " + _("It goes public at %(when)s (%(utc)s).") % {
            "when": datetime_text(local),
            "utc": utc_datetime(item.publish_at),
        }
    return message + "".join(f" {note}" for note in getattr(item, "transition_notes", ()))


class TransitionView(ItemMixin, View):
    """POST only: a GET of an action's address answers 405, an action that does not exist 404."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if kwargs["transition"] not in engine.TRANSITIONS:
            raise Http404("No such action")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, transition, **kwargs):
        form = TransitionForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(f"{error}" for field in form.errors.values() for error in field)
            return refused(
                request, WorkflowError(_("Nothing was changed: %(errors)s") % {"errors": errors}), self.back()
            )
        step_up = None
        if transition in STEP_UP and transition in engine.allowed_transitions(
            self.kind.workflow, self.item, request.user
        ):
            if transition == "approve" and not form.has_shown_revision():
                message = _("Nothing was changed: the form does not say which revision you reviewed; open it again.")
                return refused(request, WorkflowError(message), self.back())
            try:
                step_up = stepup.evidence(request)
            except stepup.StepUpRequired as required:
                action = format_lazy(STEP_UP[transition], kind=self.kind.label)
                return stepup.challenge(request, required, action=action)
        try:
            item = _perform(
                self.kind.workflow,
                transition,
                pk=self.item.pk,
                actor=request.user,
                data=form.cleaned_data,
                step_up=step_up,
            )
        except engine.UnacknowledgedWarnings as exc:
            # The warnings at the embargo chosen, which the page may not have shown: show them, keep what was typed.
            context = DetailView(request=request, kwargs=self.kwargs, kind=self.kind, item=self.item).get_context_data(
                approve_values=form.cleaned_data, refusal=str(exc)
            )
            return render(request, DetailView.template_name, context, status=exc.status_code)
        except WorkflowError as exc:
            return refused(request, exc, self.back())
        messages.success(request, transition_message(self.kind, item))
        return redirect(self.back())


class CommentView(ItemMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = CommentForm(request.POST)
        if not form.is_valid():
            return refused(request, WorkflowError(_("Write something first: the comment is empty.")), self.back())
        try:
            engine.add_comment(self.kind.workflow, pk=self.item.pk, actor=request.user, body=form.cleaned_data["body"])
        except WorkflowError as exc:
            return refused(request, exc, self.back())
        return redirect(self.back() + "#comments")


class OperationView(DetailView):
    """POST one of the kind's own operations; a bad value brings the review screen back with the error (400)."""

    http_method_names = ["post"]

    def post(self, request, *args, operation, **kwargs):
        found = {op.name: op for op in self.kind.all_operations}.get(operation)
        if found is None or not found.available(self.item):
            raise Http404("No such operation")
        verb, needs_step_up = found.authority(self.item)
        if not request.user.has_perm(self.kind.perm(verb)):
            deny(request, self.kind.perm(verb))
        form = found.form_class(request.POST, request.FILES, **found.form_kwargs(self.item))
        if form.is_valid():
            extra = {}
            if found.may_ask_step_up:
                extra["step_up"] = None
                if needs_step_up:
                    try:
                        extra["step_up"] = stepup.evidence(request)
                    except stepup.StepUpRequired as required:
                        return stepup.challenge(request, required, action=found.label)
            try:
                found.perform(actor=request.user, item=self.item, data=form.cleaned_data, **extra)
            except ValidationError as exc:
                form.add_error(None, exc)
            except WorkflowError as exc:
                return refused(request, exc, self.back())
            else:
                messages.success(request, found.success)
                return redirect(self.back())
        record_refusals(form, actor=request.user)
        context = self.get_context_data(operation_forms={found.name: form})
        return self.render_to_response(context, status=400)


class FileView(ItemMixin, View):
    """A file (image, document) of any revision, for staff; the public address checks publication itself."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, token, rendition, **kwargs):
        response = self.kind.serve_file(self.item, token, rendition)
        if response is None:
            raise Http404("No such file")
        engine.record_access(self.kind.workflow, item=self.item, actor=request.user, view="file")
        return response
