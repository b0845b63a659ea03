import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from releases.models import Audience, MediaContact

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class MediaContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaContact

    name = factory.Faker("name")
    title = "Investor Relations"
    phone = "+1 555 0100"
    email = factory.Sequence(lambda n: f"contact{n}@example.test")
    audience = Audience.INVESTORS
