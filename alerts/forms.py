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
