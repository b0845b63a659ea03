"""The request context an audit entry carries: who asked from where.

Held in a context variable for the duration of one request (set by
``AuditContextMiddleware``), so that actions called from views need not pass
the request down. A Celery task runs in a context whose request id is the
task's id (``task_started``/``task_finished``, connected in ``ready()``) and
the scheduler sweep command in one with an id of its own
(``system_context``): every entry of one run shares that request id and one
group id, and the log lines of the run carry the same request id. Code
outside both writes entries with empty request fields and a fresh group id.
"""

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def system_context(request_id: str | None = None) -> Iterator[RequestContext]:
    """The context of one run of background work: a request id (fresh unless given) and one group id."""
    context = RequestContext(request_id=request_id or uuid.uuid4().hex)
    token = activate(context)
    try:
        yield context
    finally:
        deactivate(token)


_task_tokens: dict[str, contextvars.Token] = {}


def task_started(task_id=None, **kwargs) -> None:
    _task_tokens[task_id] = activate(RequestContext(request_id=task_id or ""))


def task_finished(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        deactivate(token)
