from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Press releases"

    def ready(self):
        from irportal.accounts import navigation
        from releases import workflow  # noqa: F401 - registers the workflow spec and the sweep part

        navigation.register(navigation.NavItem("Releases", "releases:list", "releases.view_release", order=10))
        navigation.register(navigation.NavItem("Contacts", "releases:contacts", "releases.view_mediacontact", order=30))
        navigation.register(
            navigation.NavItem("Boilerplates", "releases:boilerplates", "releases.view_boilerplate", order=40)
        )
