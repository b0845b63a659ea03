"""The console's stock pages: the price history (CSV upload), dividends, stock splits and analyst coverage.

Dividends, splits and analysts share one list, one form and one removal,
each configured by a ``Register``; every view checks its permission on the
server and every refused request is audited (``StaffPermissionMixin``).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, View

from company.files import record_refusals
from irportal.audit.permissions import StaffPermissionMixin, deny
from irportal.audit.retention import refuse_if_protected
from irportal.ops import imports
from stock import services
from stock.forms import AnalystCoverageForm, DividendForm, PricesUploadForm, StockSplitForm
from stock.models import AnalystCoverage, DailyPrice, Dividend, StockSplit
from stock.prices_csv import PricesRejected

RECENT_PRICES = 10


@dataclass(frozen=True)
class Register:
    slug: str
    model: type
    form_class: type
    action: str
    title: str
    item_label: str
    columns: tuple[tuple[str, str], ...]
    explanation: str = ""

    def perm(self, verb: str) -> str:
        return f"stock.{verb}_{self.model._meta.model_name}"


REGISTERS = {
    register.slug: register
    for register in (
        Register(
            "dividends",
            Dividend,
            DividendForm,
            "stock.dividend",
            gettext_lazy("Dividends"),
            gettext_lazy("dividend"),
            (
                (gettext_lazy("Amount"), "amount"),
                (gettext_lazy("Currency"), "currency"),
                (gettext_lazy("Kind"), "get_kind_display"),
                (gettext_lazy("Declared"), "declared_on"),
                (gettext_lazy("Ex-dividend"), "ex_dividend_on"),
                (gettext_lazy("Record"), "record_on"),
                (gettext_lazy("Payable"), "payable_on"),
                (gettext_lazy("Public from"), "public_from"),
            ),
            gettext_lazy(
                "A dividend is shown on the public stock page from its “public from” moment: set it to the second "
                "the release declaring it goes out, never earlier."
            ),
        ),
        Register(
            "splits",
            StockSplit,
            StockSplitForm,
            "stock.split",
            gettext_lazy("Stock splits"),
            gettext_lazy("stock split"),
            (
                (gettext_lazy("Ratio"), "ratio"),
                (gettext_lazy("Effective"), "effective_on"),
                (gettext_lazy("Note"), "note"),
                (gettext_lazy("Public from"), "public_from"),
            ),
            gettext_lazy("A split is shown on the public stock page from its “public from” moment."),
        ),
        Register(
            "analysts",
            AnalystCoverage,
            AnalystCoverageForm,
            "stock.analyst",
            gettext_lazy("Analyst coverage"),
            gettext_lazy("analyst"),
            (
                (gettext_lazy("Firm"), "firm"),
                (gettext_lazy("Analyst"), "analyst"),
                (gettext_lazy("Order"), "order"),
                (gettext_lazy("Shown"), "is_active"),
            ),
        ),
    )
}


class RegisterMixin(StaffPermissionMixin):
    verb = "view"

    @property
    def register(self) -> Register:
        register = REGISTERS.get(self.kwargs["register"])
        if register is None:
            raise Http404("No such register")
        return register

    def get_permission_required(self):
        return (self.register.perm(self.verb),)

    def get_context_data(self, **kwargs):
        return super().get_context_data(register=self.register, **kwargs)


class RegisterListView(RegisterMixin, ListView):
    template_name = "staff/stock/list.html"
    context_object_name = "items"

    def get_queryset(self):
        return self.register.model.objects.all()

    def get_context_data(self, **kwargs):
        register = self.register
        rows = [(item, [_cell(item, attribute) for _, attribute in register.columns]) for item in self.object_list]
        user = self.request.user
        return super().get_context_data(
            rows=rows,
            can_change=user.has_perm(register.perm("change")),
            now=timezone.now(),
            **kwargs,
        )


def _cell(item, attribute):
    value = getattr(item, attribute)
    return value() if callable(value) else value


class RegisterFormView(RegisterMixin, FormView):
    verb = "change"
    template_name = "staff/stock/form.html"

    def get_form_class(self):
        return self.register.form_class

    def get_form_kwargs(self):
        pk = self.kwargs.get("pk")
        instance = get_object_or_404(self.register.model, pk=pk) if pk else None
        return super().get_form_kwargs() | {"instance": instance}

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_delete=self.request.user.has_perm(self.register.perm("delete")), **kwargs)

    def form_valid(self, form):
        services.record_save(actor=self.request.user, form=form, action=self.register.action)
        messages.success(self.request, _("The %(item)s was saved.") % {"item": self.register.item_label})
        return redirect("stock_console:list", register=self.register.slug)


class RegisterDeleteView(RegisterMixin, View):
    verb = "delete"
    http_method_names = ["post"]

    def post(self, request, register, pk):
        item = get_object_or_404(self.register.model, pk=pk)
        refuse_if_protected(item, actor=request.user)
        services.record_delete(
            actor=request.user, obj=item, action=self.register.action, fields=self.register.form_class.Meta.fields
        )
        messages.success(request, _("The %(item)s was removed.") % {"item": self.register.item_label})
        return redirect("stock_console:list", register=self.register.slug)


class PricesView(StaffPermissionMixin, FormView):
    """The price history: its state, the last days stored, and the CSV upload (IR Admin)."""

    permission_required = "stock.view_dailyprice"
    template_name = "staff/stock/prices.html"
    form_class = PricesUploadForm

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("stock.add_dailyprice"):
            deny(request, "stock.add_dailyprice")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        checked = form.cleaned_data["file"]
        try:
            stored = services.prices_upload(
                actor=self.request.user, data=checked.upload.read(), filename=checked.upload.name
            )
        except PricesRejected as rejected:
            form.add_error("file", _("Nothing was imported: fix these rows and upload the file again."))
            return self.render_to_response(self.get_context_data(form=form, rejected=rejected.errors), status=400)
        messages.success(
            self.request,
            _("%(rows)s days imported: %(added)s new, %(changed)s replaced.")
            % {"rows": stored.rows, "added": stored.added, "changed": stored.changed},
        )
        return redirect("stock_console:prices")

    def form_invalid(self, form):
        record_refusals(form, actor=self.request.user)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        sources = {state.name: state for state in imports.active_statuses(timezone.now())}
        return super().get_context_data(
            recent=DailyPrice.objects.all()[:RECENT_PRICES],
            count=DailyPrice.objects.count(),
            feed=sources.get(services.SOURCE),
            **kwargs,
        )
