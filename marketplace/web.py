"""Helpers shared by the HTML views."""

from flask import request
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
