"""The rich-text editor (Jodit) on every page that has it, under the site's content security policy: it breaks
no rule of the policy (no style attribute, no inline script), while it is loaded and while text is edited."""

import pytest

from irportal.accounts.roles import IR_ADMIN, IR_AUTHOR
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory, make_release

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""


def edit_text(page):
    """What an author does in the editor: type, make something bold, add a list and a table."""
    page.wait_for_selector(".jodit-wysiwyg")
    editor = page.locator(".jodit-wysiwyg").first
    editor.click()
    page.keyboard.type("Revenue of $84.2 million. ")
    page.keyboard.press("Control+a")
    page.locator('.jodit-toolbar-button_bold button, [aria-label="Bold"]').first.click()
    page.locator('.jodit-toolbar-button_ul button, [aria-label="Insert Unordered List"]').first.click()
    page.locator('.jodit-toolbar-button_table button, [aria-label="Insert table"]').first.click()
    page.locator(".jodit-form__table-creator-box td, .jodit-table-creator td, [data-index]").first.click(timeout=5_000)


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


@pytest.mark.parametrize("where", ["new release", "release edit", "new boilerplate"])
def test_the_editor_breaks_no_rule_of_the_content_security_policy(page, company, where):
    author = UserFactory(username="author", roles=[IR_AUTHOR, IR_ADMIN])
    page.add_init_script(COLLECT)
    sign_in(page, "author", PASSWORD)
    url = {
        "new release": "/staff/releases/new/",
        "release edit": f"/staff/releases/{make_release(author).pk}/edit/",
        "new boilerplate": "/staff/boilerplates/new/",
    }[where]
    page.goto(url)
    edit_text(page)
    page.wait_for_timeout(300)
    assert page.locator(".jodit-wysiwyg table").count() >= 1
    assert violations(page) == []
