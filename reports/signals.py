"""Signals of the reports app, sent after the change is committed.

``thumbnail_changed`` (with ``file_id``) is sent when a file's thumbnail was
made or failed: public pages that show thumbnails listen to it, since the
change is no workflow transition.
"""

from django.dispatch import Signal

thumbnail_changed = Signal()
