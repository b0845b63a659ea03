"""The request context an audit entry carries: who asked from where.

Held in a context variable for the duration of one request (set by
``AuditContextMiddleware``), so that actions called from views need not pass
the request down. Celery tasks and commands have no context: their entries
carry empty request fields and a fresh group id.
"""

import contextvars
import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    user_agent: str = ""
    request_id: str = ""
    group_id: uuid.UUID = field(default_factory=uuid.uuid4)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("audit_request_context", default=None)


def current_context() -> RequestContext:
    return _current.get() or RequestContext()


def activate(context: RequestContext) -> contextvars.Token:
    return _current.set(context)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
