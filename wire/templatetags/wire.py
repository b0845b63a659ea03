from django import template

from wire.operations import release_panel

register = template.Library()


@register.inclusion_tag("staff/wire/_transmissions.html", takes_context=True)
def wire_panel(context, release):
    """The newswire panel on a release's review screen."""
    return {
        **release_panel(release, context["request"].user),
        "item": release,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
