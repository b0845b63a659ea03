from django import template

from packages.workflow import package_of

register = template.Library()


@register.simple_tag
def package_holding(item, kind):
    """The package ``item`` (of the console kind ``kind``) belongs to, or None."""
    return package_of(kind.workflow.kind, item.pk)
