"""An email backend that fails on cue, standing in for an SMTP server having a bad day."""

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

# Each entry is an exception to raise for the next message, or None to deliver it.
script: list = []


class ScriptedBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            failure = script.pop(0) if script else None
            if failure is not None:
                raise failure
            mail.outbox.append(message)
        return len(messages)
