from django.db import models


class Audience(models.TextChoices):
    INVESTORS = "investors", "For Investors"
    MEDIA = "media", "For Media"


class MediaContact(models.Model):
    """A person the press or investors can call: shown on releases and the Investor page."""

    name = models.CharField(max_length=120)
    title = models.CharField(max_length=120, blank=True)
    organization = models.CharField(max_length=160, blank=True, help_text="E.g. an outside IR or PR agency")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.INVESTORS)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are listed first")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["audience", "order", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_audience_display()})"

    @staticmethod
    def group_by_audience(contacts) -> list[tuple[str, list["MediaContact"]]]:
        """Contacts grouped the way a release prints them: ``For Investors:`` then ``For Media:``."""
        groups = []
        for value, label in Audience.choices:
            members = [contact for contact in contacts if contact.audience == value]
            if members:
                groups.append((f"{label}:", members))
        return groups
