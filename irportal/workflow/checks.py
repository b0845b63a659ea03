"""Content checks: what an approver must know about the working copy before approving it.

Each kind of item answers ``checks(item)`` with ``Check``s. A blocker stops
approval until the content is fixed (an event notice without its webcast
link); a warning may be right to override (a release that must go out in
market hours), so the approver acknowledges each one shown, and the
acknowledgements are kept with the approval and in its audit entry.

A check's message is best lazily translated (``gettext_lazy``, ``format_lazy``):
the review screen shows it in the reader's language, and the record of an
acknowledgement keeps it in the primary language, as the audit log does.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation


@dataclass(frozen=True)
class Check:
    code: str
    message: str
    blocking: bool = False

    @property
    def level(self) -> str:
        return "blocker" if self.blocking else "warning"

    def as_record(self) -> dict:
        with translation.override(settings.LANGUAGE_CODE):
            return {"code": self.code, "message": str(self.message)}
