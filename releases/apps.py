from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Press releases"

    def ready(self):
        from releases import workflow  # noqa: F401 - registers the workflow spec and the sweep part
