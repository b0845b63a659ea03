from django import forms


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": "Enter a complete email address, such as name@example.com.",
            "max_length": "An email address has at most 254 characters.",
        },
    )
    news = forms.BooleanField(label="News releases", required=False, initial=True)
    events = forms.BooleanField(label="Events and webcast replays", required=False, initial=True)
    reports = forms.BooleanField(label="Financial results, reports and presentations", required=False, initial=True)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("news") and not cleaned.get("events") and not cleaned.get("reports"):
            raise forms.ValidationError("Choose news releases, events, financial reports, or more than one.")
        return cleaned


class ResendFailedForm(forms.Form):
    """Which failed alerts to send again: one item's (both fields) or all (neither)."""

    topic = forms.CharField(max_length=40, required=False)
    item_id = forms.IntegerField(min_value=1, required=False)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("topic")) != (cleaned.get("item_id") is not None):
            raise forms.ValidationError("Name both the alert and the item, or neither.")
        return cleaned
