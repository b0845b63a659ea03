"""The public alert pages: sign up, confirm, unsubscribe (with RFC 8058 one-click).

Every answer is the same whether or not an address is subscribed. A bad,
used or expired link gets a page that says so (status 400), never an error.
"""

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Min, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView, TemplateView, View

from alerts import delivery, ratelimit, services
from alerts.forms import ResendFailedForm, SubscribeForm
from alerts.models import Delivery, DeliveryStatus, Subscriber, SubscriberStatus
from irportal.audit.middleware import client_ip
from irportal.audit.permissions import StaffPermissionMixin
from irportal.workflow import languages

RATE_LIMITED = gettext_lazy(
    "Too many sign-up requests have come from your network or for this address. "
    "Please try again in an hour; nothing else needs doing."
)


class SubscribeView(FormView):
    template_name = "public/alerts/subscribe.html"
    form_class = SubscribeForm

    def post(self, request, *args, **kwargs):
        window = settings.ALERTS_RATE_LIMIT_WINDOW
        if not ratelimit.allow("ip", client_ip(request), limit=settings.ALERTS_RATE_LIMIT_PER_IP, window=window):
            return self.rate_limited()
        return super().post(request, *args, **kwargs)

    def rate_limited(self):
        response = self.render_to_response(self.get_context_data(form=self.get_form(), rate_limited=RATE_LIMITED))
        response.status_code = 429
        response["Retry-After"] = str(settings.ALERTS_RATE_LIMIT_WINDOW)
        return response

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not ratelimit.allow(
            "address",
            services.address_hash(email),
            limit=settings.ALERTS_RATE_LIMIT_PER_ADDRESS,
            window=settings.ALERTS_RATE_LIMIT_WINDOW,
        ):
            return self.rate_limited()
        services.alert_subscribe(
            email=email,
            news=form.cleaned_data["news"],
            events=form.cleaned_data["events"],
            reports=form.cleaned_data["reports"],
            language=form.chosen_language(),
            actor=self.request.user,
        )
        return redirect("alerts:requested")


class RequestedView(TemplateView):
    template_name = "public/alerts/requested.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(hours=settings.ALERTS_CONFIRM_HOURS, **kwargs)


def _link_problem(request, error: services.TokenError, title: str):
    return render(request, "public/alerts/link_problem.html", {"title": title, "problem": str(error)}, status=400)


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows what will be confirmed and a button; POST (with CSRF) confirms. Mail scanners only GET."""
    try:
        if request.method == "POST":
            subscriber = services.alert_confirm(token=token, actor=request.user)
            choices = services.choice_labels(subscriber.news, subscriber.events, subscriber.reports)
            return render(request, "public/alerts/confirmed.html", {"choices": choices})
        subscriber = services.pending_confirmation(token)
    except services.TokenError as error:
        return _link_problem(request, error, _("This confirmation link cannot be used"))
    choices = services.choice_labels(
        subscriber.requested_news, subscriber.requested_events, subscriber.requested_reports
    )
    return render(request, "public/alerts/confirm.html", {"choices": choices})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button; POST unsubscribes, without login or CSRF token (RFC 8058 one-click from the mail client)."""
    try:
        if request.method == "POST":
            services.alert_unsubscribe(token=token, actor=request.user)
            return render(request, "public/alerts/unsubscribed.html")
        services.subscriber_for_unsubscribe(token)
    except services.TokenError as error:
        return _link_problem(request, error, _("This unsubscribe link cannot be used"))
    return render(request, "public/alerts/unsubscribe.html")


class OverviewView(StaffPermissionMixin, TemplateView):
    """Counts only: compliance and IR Admin see how the alerts are used, never who subscribed."""

    permission_required = "alerts.view_subscriber"
    template_name = "staff/alerts/overview.html"
    RECENT_ITEMS = 20

    def get_context_data(self, **kwargs):
        subscribers = Subscriber.objects.aggregate(
            pending=Count("pk", filter=Q(status=SubscriberStatus.PENDING)),
            confirmed=Count("pk", filter=Q(status=SubscriberStatus.CONFIRMED)),
            news=Count("pk", filter=Q(status=SubscriberStatus.CONFIRMED, news=True)),
            events=Count("pk", filter=Q(status=SubscriberStatus.CONFIRMED, events=True)),
            reports=Count("pk", filter=Q(status=SubscriberStatus.CONFIRMED, reports=True)),
            unsubscribed=Count("pk", filter=Q(status=SubscriberStatus.UNSUBSCRIBED)),
        )
        per_status = {status: Count("pk", filter=Q(status=status)) for status in DeliveryStatus.values}
        items = (
            Delivery.objects.values("topic", "item_id")
            .annotate(**per_status, first_at=Min("created_at"))
            .order_by("-first_at")[: self.RECENT_ITEMS]
        )
        by_language = []
        offered = languages.disclosure_languages()
        if len(offered) > 1:  # how many confirmed subscribers read each disclosure language
            confirmed = Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED)
            reading = dict(confirmed.values_list("language").annotate(count=Count("pk")).order_by())
            by_language = [(languages.name_in_use(code), reading.get(code, 0)) for code in offered]
        can_resend = self.request.user.has_perm(delivery.RESEND_PERMISSION)
        failed = Delivery.objects.filter(status=DeliveryStatus.FAILED).count()
        return super().get_context_data(
            subscribers=subscribers,
            by_language=by_language,
            items=items,
            can_resend=can_resend,
            failed=failed,
            **kwargs,
        )


class ResendFailedView(StaffPermissionMixin, View):
    """POST: send the failed alert mails again, of one item (``topic`` and ``item_id``) or all of them."""

    permission_required = delivery.RESEND_PERMISSION
    http_method_names = ["post"]

    def post(self, request):
        form = ResendFailedForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("That alert is not known; reload the page and try again."))
            return redirect("alerts_staff:overview")
        count = delivery.alerts_resend_failed(
            actor=request.user, topic_name=form.cleaned_data["topic"] or None, item_id=form.cleaned_data["item_id"]
        )
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d failed alert mail will be sent again.",
                    "%(count)d failed alert mails will be sent again.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("No failed alert mails were left to send again."))
        return redirect("alerts_staff:overview")
