"""Helpers shared by the HTML views."""

from flask import current_app, request

from .media.services import read_upload


def form_status(form) -> int:
    """A form shown again with errors answers 422, which also rolls the request back."""
    return 422 if form.errors or getattr(form, "form_errors", None) else 200


def uploaded_files(field) -> list[bytes]:
    files = field.data if isinstance(field.data, list) else [field.data]
    limit = current_app.config["MAX_IMAGE_BYTES"]
    return [read_upload(f.stream, limit) for f in files if f and getattr(f, "filename", "")]


def page_arg() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)
