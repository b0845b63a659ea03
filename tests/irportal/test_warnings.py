"""`make test` fails on a deprecation warning raised on behalf of the project's own code (pyproject.toml)."""

import warnings

import pytest
from django.utils.deprecation import RemovedInDjango60Warning
from django.utils.html import format_html


def test_a_deprecated_call_from_the_projects_code_fails_the_test():
    with pytest.raises(RemovedInDjango60Warning):
        format_html("<b>a constant with nothing to format</b>")


def test_a_pending_deprecation_in_the_projects_code_fails_the_test_too():
    with pytest.raises(PendingDeprecationWarning):
        warnings.warn("going away", PendingDeprecationWarning, stacklevel=1)


@pytest.mark.parametrize(("label", "shown"), [("system", ">System</span>"), ("anonymous", ">Anonymous visitor</span>")])
def test_the_audit_log_shows_the_system_and_visitors_without_a_deprecated_call(label, shown):
    from irportal.audit.models import AuditEntry
    from irportal.audit.templatetags.audit import actor

    assert shown in str(actor(AuditEntry(actor_id=None, actor_label=label)))
