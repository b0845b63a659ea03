"""How the files of financial documents are served; every upload is checked by ``company.files``.

Every file is served as a download with a fixed content type, ``nosniff``
and a content security policy that lets nothing run; a thumbnail (made by
this site, see ``reports.thumbnails``) is shown inline as an image and
nothing else.
"""

from django.http import FileResponse

from company.files import download, inline_image


def serve(stored, rendition: str, *, private: bool) -> FileResponse | None:
    """A ``DocumentFile`` as a download, or its thumbnail as an image; None for a rendition it does not have."""
    if rendition == "file":
        supplementary = stored.role == "supplementary"
        name = f"{stored.document.slug}-{stored.label}" if supplementary else stored.label
        return download(stored.file, format=stored.format, name=name, private=private)
    if rendition == "thumbnail" and stored.thumbnail_state == "ready":
        return inline_image(stored.thumbnail, private=private)
    return None
