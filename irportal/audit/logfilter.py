"""Log records carry the request id the audit log records for the same request or task."""

import logging

from irportal.audit.context import current_context


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_context().request_id
        return True
