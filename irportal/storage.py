"""The static files' storage: WhiteNoise's compressed, hashed files, each file's address worked out once per process."""

from functools import lru_cache

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Every page asks for the same few addresses (the style sheets, the scripts, the icon), and each answer
    depends only on the file's name and the manifest, which is read once when the storage is made: a new
    ``collectstatic`` comes with a restart. So each is worked out once (with ``DEBUG``, which serves the
    unhashed names) and kept for the life of the process."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses = lru_cache(maxsize=256)(self._address)

    def url(self, name, force=False):
        return self._addresses(name, force, settings.DEBUG)

    def _address(self, name, force, debug):
        return super().url(name, force)
