"""Sent after an import committed filings the public pages show (the public cache drops its copies)."""

from django.dispatch import Signal

filings_changed = Signal()
