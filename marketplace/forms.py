"""The WTForms toolkit of every feature: a service's message next to its field, Vietnamese messages, coercion."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Length

from .errors import DomainError


def attach_error(form: FlaskForm, error: DomainError, default_field: str | None = None) -> None:
    name = error.field if error.field in form._fields else default_field
    if name and name in form._fields:
        form._fields[name].errors = [*form._fields[name].errors, error.message]
    else:
        form.form_errors.append(error.message)


def int_or_none(value):
    """A select's value as the int it stands for (a province or ward code, a row id), None when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def max_length(limit: int) -> Length:
    """WTForms has no Vietnamese catalogue: give the message ourselves."""
    return Length(max=limit, message=_l("Tối đa %(max)d ký tự."))
