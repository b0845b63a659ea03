"""The static files' storage: each file's hashed address from the manifest, worked out once per process."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from irportal.storage import StaticFilesStorage


@pytest.fixture
def manifest(tmp_path):
    paths = {"css/site.css": "css/site.0123456789ab.css", "img/favicon.svg": "img/favicon.ba9876543210.svg"}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1", "hash": "x"}))
    return tmp_path


def storages(location):
    return StaticFilesStorage(location=location, base_url="/static/"), CompressedManifestStaticFilesStorage(
        location=location, base_url="/static/"
    )


@pytest.mark.parametrize("name", ["css/site.css", "img/favicon.svg", "css/site.css#top", "css/"])
def test_each_address_is_the_one_the_manifest_gives(manifest, name):
    kept, plain = storages(manifest)
    assert kept.url(name) == plain.url(name)
    assert kept.url(name) == plain.url(name)  # the second time from what the first worked out
    assert kept.url(name, force=True) == plain.url(name, force=True)


def test_the_address_is_hashed_and_the_unhashed_one_served_with_debug(manifest, settings):
    kept, _plain = storages(manifest)
    assert kept.url("css/site.css") == "/static/css/site.0123456789ab.css"
    settings.DEBUG = True
    assert kept.url("css/site.css") == "/static/css/site.css"
    assert kept.url("css/site.css", force=True) == "/static/css/site.0123456789ab.css"


def test_a_file_missing_from_the_manifest_is_refused_every_time(manifest):
    kept, _plain = storages(manifest)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            kept.url("css/missing.css")
