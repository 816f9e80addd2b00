"""Helpers shared by the HTML views."""

import hashlib
from pathlib import Path

from flask import Flask, request
from wtforms import FieldList, FormField


def form_status(form) -> int:
    """A form shown again with errors answers 422, which also rolls the request back."""
    return 422 if has_errors(form) else 200


def has_errors(form) -> bool:
    """Looks at every field, rows of lists included: a service's error may be attached to any of them
    after validation, which WTForms' own `form.errors` summary (computed while validating) does not see."""
    if getattr(form, "form_errors", None):
        return True
    for field in form:
        if isinstance(field, FieldList):
            if any(has_errors(entry.form) if isinstance(entry, FormField) else entry.errors for entry in field):
                return True
            if any(isinstance(error, str) for error in field.errors):
                return True
        elif isinstance(field, FormField):
            if has_errors(field.form):
                return True
        elif field.errors:
            return True
    return False


MAX_PAGE = 10_000  # as the API's PageArgs: page × per_page stays far inside a 64-bit OFFSET


def page_arg() -> int:
    """`?page=`, from 1 to MAX_PAGE: a huge number would overflow the query's OFFSET (a 500), and
    any page past the last simply lists nothing."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


# --- static files: fingerprinted URLs, cached for a year -----------------------------------------------

STATIC_MAX_AGE = 365 * 24 * 3600


def fingerprint_static(app: Flask) -> None:
    """url_for('static', ...) writes ?v=<the file's hash>, so a URL names one version of the file for ever and
    a browser may keep it a year (Marketplace.get_send_file_max_age); a changed file gets a new URL."""
    hashes: dict[str, tuple[float, str]] = {}

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "filename" not in values or "v" in values:
            return
        path = Path(app.static_folder) / values["filename"]
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return  # no such file: the URL 404s as it would
        known = hashes.get(values["filename"])
        if known is None or known[0] != mtime:
            known = hashes[values["filename"]] = (mtime, hashlib.blake2b(path.read_bytes(), digest_size=6).hexdigest())
        values["v"] = known[1]
