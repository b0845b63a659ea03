"""Addresses of pages, reversed once per process and script prefix.

``reverse()`` costs about 25 µs here and the Investor page prints some
thirty addresses (its navigation, each release and event), a tenth of the
page's time. An address depends only on the URL configuration, the view's
name, its arguments and the script prefix the site is served under, so each
is remembered (the most recent few thousand) under exactly those.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=4096)
def _reversed(viewname: str, args: tuple, script_prefix: str) -> str:
    return reverse(viewname, args=args)


def address(viewname: str, *args) -> str:
    """``reverse(viewname, args=args)``, remembered."""
    return _reversed(viewname, args, get_script_prefix())
