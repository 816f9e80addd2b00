"""The Blueprint every API feature registers its endpoints on."""

from flask_babel import gettext as _
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import UnsupportedMediaType


class MultipartParser(FlaskParser):
    """An upload is fields and files in one multipart/form-data body. flask-smorest documents one request
    body per operation, and its `files` location is that multipart body: here it reads the form fields too,
    so one schema describes (and validates) the whole body, and, as for JSON, a part the schema does not
    name is refused rather than silently dropped."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "files": None}

    def load_files(self, req, schema):
        if req.content_length and req.mimetype not in ("multipart/form-data", "application/x-www-form-urlencoded"):
            # A JSON body would be read as no fields at all: a PATCH would answer 200 having changed nothing.
            raise UnsupportedMediaType(_("Gửi dạng multipart/form-data (các trường và tệp), không phải JSON."))
        merged = MultiDict(req.form)
        merged.update(req.files)
        return self._makeproxy(merged, schema)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = MultipartParser()
