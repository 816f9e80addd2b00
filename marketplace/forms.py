"""The WTForms toolkit of every feature: a service's message next to its field, Vietnamese messages, coercion."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Length

from .errors import DomainError


def attach_error(form: FlaskForm, error: DomainError, default_field: str | None = None) -> None:
    """Show a service's refusal where the user looks for it: next to the field `error.field` names, else
    next to `default_field`, else above the form.

    A form says how the service's names map onto its own fields, when they differ:
    - `error_names`, a dict: the service's name -> the form's (the product form's `photos` is the service's
      `file`, the checkout's `street` its `address.street`);
    - `error_rows()`: for each list of rows, the filled ones in the order the service numbered them, so
      "variants.1.price_vnd" goes next to the price of the second filled row; an error about a list as a
      whole ("variants": none filled in) or about a row the page does not show goes above the form.
    """
    name = getattr(form, "error_names", {}).get(error.field, error.field) or ""
    rows_of = form.error_rows() if hasattr(form, "error_rows") else {}
    head, _, rest = name.partition(".")
    if head in rows_of:
        index, _, sub = rest.partition(".")
        rows = rows_of[head]
        if index.isdigit() and int(index) < len(rows) and sub in rows[int(index)].form._fields:
            _add(rows[int(index)].form._fields[sub], error.message)
        else:
            form.form_errors.append(error.message)
        return
    name = name if name in form._fields else default_field
    if name and name in form._fields:
        _add(form._fields[name], error.message)
    else:
        form.form_errors.append(error.message)


def _add(field, message: str) -> None:
    field.errors = [*field.errors, message]


def filled_rows(rows) -> list:
    """The rows of a FieldList the user filled in (a row form's `is_empty()`), as a service numbers them."""
    return [row for row in rows if not row.form.is_empty()]


def int_or_none(value):
    """A select's value as the int it stands for (a province or ward code, a row id), None when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def max_length(limit: int) -> Length:
    """WTForms has no Vietnamese catalogue: give the message ourselves."""
    return Length(max=limit, message=_l("Tối đa %(max)d ký tự."))
