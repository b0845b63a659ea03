"""Reads one PDF from standard input and prints, as JSON, what a site that publishes it needs to know.

Run by ``company.files`` in a child process of its own, never imported by
the web process: ``python -I company/pdfscan.py PAGE_LIMIT`` with the file
on standard input. It imports nothing but the standard library and pypdf,
so it starts in a fraction of a second, and it caps its own memory and CPU
time before it reads a byte; the parent kills it at its wall-clock limit.
A hostile file (an endless object graph, a decompression bomb in a stream)
costs one child process, never a web worker's thread.

It prints ``{"pages": n, "found": [...]}`` (``found`` lists active content
in plain words), or ``{"refused": "encrypted"}`` / ``{"refused": "pages",
"pages": n}``. Anything it cannot parse ends it with a non-zero status.

Active content is looked for everywhere a PDF can hold it: the catalog's
``/OpenAction`` and ``/AA``, the ``/JavaScript`` and ``/EmbeddedFiles`` name
trees, the outline (bookmarks), the actions of pages, annotations and form
fields, an ``/XFA`` form; then every object of the file is swept for an
action dictionary, a script or an embedded file that none of those places
leads to (a bookmark, a field or an annotation reached some other way).
"""

import json
import resource
import sys

# What the child may use: address space and CPU seconds (the parent's wall-clock limit is the other bound).
MEMORY_BYTES = 1024 * 1024 * 1024
CPU_SECONDS = 30

ALLOWED_ACTIONS = {"/GoTo", "/URI", "/Named"}
ALLOWED_URI_SCHEMES = ("http:", "https:", "mailto:")
ACTION_NAMES = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that starts a program (Launch)",
    "/SubmitForm": "an action that sends form data (SubmitForm)",
    "/ImportData": "an action that imports data (ImportData)",
    "/GoToE": "a link into an embedded file (GoToE)",
    "/GoToR": "a link into another file (GoToR)",
    "/RichMediaExecute": "rich media (RichMediaExecute)",
    "/Rendition": "a media rendition (Rendition)",
    "/Sound": "a sound (Sound)",
    "/Movie": "a movie (Movie)",
    "/ResetForm": "an action that resets a form (ResetForm)",
    "/Hide": "an action that hides parts of the page (Hide)",
    "/SetOCGState": "an action that changes what the page shows (SetOCGState)",
    "/GoTo3DView": "a 3D view (GoTo3DView)",
}
ACTIVE_ANNOTATIONS = {
    "/FileAttachment": "an attached file",
    "/RichMedia": "rich media (video, Flash)",
    "/Movie": "a movie",
    "/Sound": "a sound",
    "/Screen": "a media screen",
    "/3D": "a 3D model",
}
# How deep a chain of actions (/Next), form fields (/Kids) or bookmarks is followed before the file counts as
# hostile, and how many bookmarks or objects are looked at.
MAX_DEPTH = 32
MAX_OUTLINE_ITEMS = 100_000
MAX_OBJECTS = 2_000_000


class Findings:
    def __init__(self):
        self.found: list[str] = []

    def note(self, what: str) -> None:
        if what not in self.found:
            self.found.append(what)


def _resolved(value):
    return value.get_object() if value is not None else None


def _dictionary(value):
    from pypdf.generic import DictionaryObject

    value = _resolved(value)
    return value if isinstance(value, DictionaryObject) else None


def check_action(action, findings: Findings, *, depth: int = 0) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject

    action = _resolved(action)
    if depth > MAX_DEPTH:
        findings.note("a chain of actions too long to check")
        return
    if isinstance(action, ArrayObject):  # a destination, or a list of actions under /Next
        for element in action:
            if isinstance(_resolved(element), DictionaryObject):
                check_action(element, findings, depth=depth + 1)
        return
    if not isinstance(action, DictionaryObject):
        return
    kind = action.get("/S")
    if kind is not None and kind not in ALLOWED_ACTIONS:
        findings.note(ACTION_NAMES.get(kind, f"an action of type {str(kind).lstrip('/')}"))
    if "/JS" in action:
        findings.note("JavaScript")
    if kind == "/URI":
        uri = str(_resolved(action.get("/URI")) or "").strip().lower()
        if not uri.startswith(ALLOWED_URI_SCHEMES):
            findings.note("a link that is not a web or mail address")
    if "/Next" in action:
        check_action(action["/Next"], findings, depth=depth + 1)


def check_additional_actions(holder, findings: Findings) -> None:
    actions = _dictionary(holder.get("/AA"))
    if actions is not None:
        for action in actions.values():
            check_action(action, findings)


def check_fields(fields, findings: Findings, *, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        findings.note("form fields nested too deep to check")
        return
    for field in _resolved(fields) or []:
        field = _dictionary(field)
        if field is None:
            continue
        check_action(field.get("/A"), findings)
        check_additional_actions(field, findings)
        check_fields(field.get("/Kids"), findings, depth=depth + 1)


def check_outline(outlines, findings: Findings) -> None:
    """Every bookmark, breadth first along /First and /Next, each one's action and its additional actions."""
    root = _dictionary(outlines)
    pending = [root.get("/First")] if root is not None else []
    seen: set[int] = set()
    while pending:
        item_reference = pending.pop()
        item = _dictionary(item_reference)
        if item is None:
            continue
        key = id(item) if getattr(item_reference, "idnum", None) is None else item_reference.idnum
        if key in seen:  # a loop in the outline
            continue
        seen.add(key)
        if len(seen) > MAX_OUTLINE_ITEMS:
            findings.note("more bookmarks than can be checked")
            return
        check_action(item.get("/A"), findings)
        check_additional_actions(item, findings)
        pending.extend(item[name] for name in ("/First", "/Next") if name in item)


def check_structure(reader, findings: Findings) -> None:
    """The places a viewer looks for something to run, in the order a viewer reaches them."""
    root = reader.trailer["/Root"].get_object()
    names = _dictionary(root.get("/Names"))
    if names is not None:
        if "/JavaScript" in names:
            findings.note("JavaScript")
        if "/EmbeddedFiles" in names:
            findings.note("embedded files")
    acroform = _dictionary(root.get("/AcroForm"))
    if acroform is not None:
        if "/XFA" in acroform:
            findings.note("an XFA form")
        check_fields(acroform.get("/Fields"), findings)
    check_action(root.get("/OpenAction"), findings)
    check_additional_actions(root, findings)
    check_outline(root.get("/Outlines"), findings)
    for page in reader.pages:
        check_additional_actions(page, findings)
        for annotation in _resolved(page.get("/Annots")) or []:
            annotation = _dictionary(annotation)
            if annotation is None:
                continue
            subtype = annotation.get("/Subtype")
            if subtype in ACTIVE_ANNOTATIONS:
                findings.note(ACTIVE_ANNOTATIONS[subtype])
            check_action(annotation.get("/A"), findings)
            check_additional_actions(annotation, findings)


def sweep_objects(reader, findings: Findings) -> None:
    """Every object the file holds: an action, a script or an embedded file anywhere is found, reachable or not."""
    numbers = {number for table in reader.xref.values() for number in table} | set(reader.xref_objStm)
    if len(numbers) > MAX_OBJECTS:
        findings.note("more objects than can be checked")
        return
    for number in sorted(numbers):
        value = reader.get_object(number)
        if value is None or not hasattr(value, "get"):
            continue
        kind = value.get("/S")
        if kind in ACTION_NAMES:
            findings.note(ACTION_NAMES[kind])
        if "/JS" in value:
            findings.note("JavaScript")
        if value.get("/Type") == "/EmbeddedFile" or "/EF" in value:
            findings.note("embedded files")
        if "/XFA" in value:
            findings.note("an XFA form")
        if value.get("/Subtype") in ACTIVE_ANNOTATIONS and value.get("/Type", "/Annot") == "/Annot":
            findings.note(ACTIVE_ANNOTATIONS[value["/Subtype"]])


def scan(data: bytes, page_limit: int) -> dict:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        return {"refused": "encrypted"}
    pages = len(reader.pages)
    if pages > page_limit:
        return {"refused": "pages", "pages": pages}
    findings = Findings()
    if pages:
        check_structure(reader, findings)
        sweep_objects(reader, findings)
    return {"pages": pages, "found": findings.found}


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    sys.setrecursionlimit(2000)
    page_limit = int(sys.argv[1])
    json.dump(scan(sys.stdin.buffer.read(), page_limit), sys.stdout)


if __name__ == "__main__":
    main()
