"""The Blueprint every API feature registers its endpoints on."""

from functools import wraps

from flask_babel import gettext as _
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import UnsupportedMediaType

from ..cache import cached_read
from .auth import BEARER
from .responses import page_schema
from .schemas import PageArgs


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

    def route(self, rule, *, answer=None, status=None, auth=None, security=None, cached=False, **options):
        """flask-smorest's route, with what the endpoint answers and who may call it said in one place.

        `answer`: the response schema (`status` 200 unless given; `status` alone: an empty answer such as
        204). `auth`: the check run before anything of the request is read (token_required,
        admin_token_required), documented as bearer security unless `security` says otherwise. `cached`: a
        public read, kept per catalogue version for callers without a token or cart (marketplace/cache); names
        instead of True: what else the answer depends on (cache.add_dependency: "search")."""
        register = super().route(rule, **options)

        def decorator(view):
            if answer is not None or status is not None:
                view = self.response(status or 200, answer)(view)
            if auth is not None or security is not None:
                view = self.doc(security=security or BEARER)(view)
            if cached:
                view = cached_read(view, () if cached is True else cached)
            return register(auth(view) if auth else view)

        return decorator

    def paginated(self, item_schema, name: str, args=PageArgs, **more):
        """A list endpoint: `page`, `per_page` and the filters of `args` (a PageArgs) from the query string,
        answered by the page envelope `name`: {items, total, page, per_page} and the fields `more`.

        The view returns what the service returns: (items of the page, total) and then the values of `more`
        in order; or the whole list, when a service reads it all (then the page is cut from it here)."""
        envelope = page_schema(item_schema, name, **more)

        def decorator(view):
            @wraps(view)
            def one_page(query, *view_args, **view_kwargs):
                found = view(query, *view_args, **view_kwargs)
                page, per_page = query["page"], query["per_page"]
                if isinstance(found, list):
                    start = (page - 1) * per_page
                    found = found[start:start + per_page], len(found)
                items, total, *values = found
                return {"items": items, "total": total, "page": page, "per_page": per_page,
                        **dict(zip(more, values, strict=True))}

            return self.arguments(args, location="query")(self.response(200, envelope)(one_page))

        return decorator
