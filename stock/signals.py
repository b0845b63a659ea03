"""Sent after a committed change the public stock pages show (the public cache drops its copies)."""

from django.dispatch import Signal

stock_changed = Signal()
