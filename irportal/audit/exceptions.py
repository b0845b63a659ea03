from django.core.exceptions import PermissionDenied


class RetentionRefused(PermissionDenied):
    """A deletion the retention rules forbid. Refused before anything is deleted.

    A subclass of ``PermissionDenied``: a view that lets it propagate answers
    403, and ``RetentionRefusalMiddleware`` records the attempt and says why.
    """

    def __init__(self, *, object_type: str, object_id: str, object_label: str, reason: str):
        self.object_type = object_type
        self.object_id = object_id
        self.object_label = object_label
        self.reason = reason
        super().__init__(f"{object_label or object_type} cannot be deleted: {reason}")

    @property
    def message(self) -> str:
        return str(self)
