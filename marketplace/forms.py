"""Glue between domain errors and WTForms: show a service's message next to its field."""

from flask_wtf import FlaskForm

from .errors import DomainError


def attach_error(form: FlaskForm, error: DomainError, default_field: str | None = None) -> None:
    name = error.field if error.field in form._fields else default_field
    if name and name in form._fields:
        form._fields[name].errors = [*form._fields[name].errors, error.message]
    else:
        form.form_errors.append(error.message)
