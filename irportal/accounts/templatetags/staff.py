from django import template

from irportal.accounts import navigation
from irportal.accounts.roles import role_label

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_navigation(context):
    request = context["request"]
    return navigation.items_for(request.user, request.path)


register.filter("role_label", role_label)
