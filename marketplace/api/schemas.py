"""Pieces the API's request schemas share: problem details, page arguments, and the field types that state in
the OpenAPI document exactly what the services accept, so that a client generated from it never sends what is
refused. The response side is api/responses.py."""

import re
import sys

from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate

from ..phones import phone_pattern

# --- text as the services read it ------------------------------------------------------------------

# What str.strip() removes, so the document's idea of "blank" is the services' (clean_text strips).
BLANKS = "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isspace())


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def char_class(chars: str, *, negate: bool = False) -> str:
    """A regex class of `chars` (or of every other character), in ranges, escaped the way ECMA, Python and
    Rust regexes all read it."""
    codes = sorted(set(map(ord, chars)))
    spans, start, end = [], codes[0], codes[0]
    for code in codes[1:]:
        if code != end + 1:
            spans.append((start, end))
            start = code
        end = code
    spans.append((start, end))
    body = "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in spans)
    return f"[^{body}]" if negate else f"[{body}]"


BLANK = char_class(BLANKS)


def solid(forbid: str = "") -> str:
    """A regex class for one character that is neither blank nor NUL nor one of `forbid`."""
    return char_class(BLANKS + "\0" + forbid, negate=True)

# PostgreSQL text cannot hold NUL, so every request carrying one is refused (400, refuse_nul_characters).
NUL_FREE = "^[^\\x00]*$"


def trimmed_pattern(min_length: int = 0, max_length: int | None = None, forbid: str = "") -> str:
    """A pattern for text whose length once trimmed (as clean_text does) is within the bounds, with no NUL
    and none of `forbid` in it (blanks around it may still be any blank).

    Trimmed text runs from its first to its last non-blank character, so its length is two plus what lies
    between them; blanks around it are not counted, which minLength/maxLength cannot say."""
    if min_length == 0 and max_length is None and not forbid:
        return NUL_FREE
    any_, edge = char_class("\0" + forbid, negate=True), solid(forbid)  # trimmed text starts and ends on `edge`
    if max_length is None:
        inner = f"{edge}(?:{any_}*{edge})?" if min_length <= 1 else f"{edge}{any_}{{{min_length - 2},}}{edge}"
    elif max_length == 1:
        inner = edge
    elif min_length <= 1:
        inner = f"{edge}(?:{any_}{{0,{max_length - 2}}}{edge})?"
    else:
        inner = f"{edge}{any_}{{{min_length - 2},{max_length - 2}}}{edge}"
    if min_length == 0:
        inner = f"(?:{inner})?"
    return f"^{BLANK}*{inner}{BLANK}*$"


def words_pattern(words, *, either_case: bool = False, optional: bool = False) -> str:
    """One of `words` (or nothing, if `optional`), blanks around it allowed (the services strip), each letter
    in either case when the service lower-cases what it reads letter by letter (catalog.units.normalize_unit)."""
    def letter(ch: str) -> str:
        upper = ch.upper()
        return f"[{ch}{upper}]" if either_case and upper != ch and len(upper) == 1 else re.escape(ch)

    alternatives = "|".join("".join(map(letter, word)) for word in sorted(words, key=len, reverse=True))
    return f"^{BLANK}*(?:{alternatives}){'?' if optional else ''}{BLANK}*$"


def _length_words(min_length: int, max_length: int | None) -> str:
    if max_length is None:
        return f"at least {min_length} characters"
    if not min_length:
        return f"at most {max_length} characters"
    return f"{min_length} to {max_length} characters"


class Text(fields.String):
    """A text field of a request, stated as the services read it.

    Services keep text composed and trimmed (utils.clean_text) and check it with their own messages; this
    field writes the same rule into the OpenAPI document: `min_length`/`max_length` count the trimmed text
    (a pattern says so exactly; minLength is the bound it implies), no NUL anywhere, none of `forbid` inside.
    `trim=False` for values used as sent (passwords, tokens): the bounds are then plain min/maxLength.
    `pattern` replaces the generated one when a service reads the text more narrowly (a code, a slug)."""

    def __init__(self, *, min_length: int = 0, max_length: int | None = None, trim: bool = True,
                 forbid: str = "", pattern: str | None = None, **kwargs):
        metadata = dict(kwargs.pop("metadata", None) or {})
        if pattern is not None:
            metadata["pattern"] = pattern
        elif trim:
            metadata["pattern"] = trimmed_pattern(min_length, max_length, forbid)
        else:
            metadata["pattern"] = NUL_FREE
        if trim and pattern is None and (min_length or max_length is not None):
            words = _length_words(min_length, max_length) + ", not counting blanks around the text"
            described = metadata.get("description")
            metadata["description"] = f"{described} ({words})" if described else words[0].upper() + words[1:]
        elif max_length is not None:
            metadata["maxLength"] = max_length
        if min_length:
            metadata["minLength"] = min_length
        super().__init__(metadata=metadata, **kwargs)


class RulesPlugin(MarshmallowPlugin):
    """apispec's marshmallow plugin, adding a schema's `DOCUMENT_RULES` to its component: rules over several
    fields (one of two needed, two that must agree), which JSON Schema states with anyOf and a field cannot."""

    def schema_helper(self, name, _, schema=None, **kwargs):
        json_schema = super().schema_helper(name, _, schema=schema, **kwargs)
        rules = getattr(resolve_schema_cls(schema), "DOCUMENT_RULES", None) if schema is not None else None
        return {**json_schema, **rules} if rules else json_schema


def given(field: str) -> dict:
    """A JSON Schema for an object that has `field`, not blank: for "one of these is needed" rules."""
    # Unanchored: a solid character somewhere in it. `type`, as a pattern alone would let null through.
    return {"required": [field], "properties": {field: {"type": "string", "pattern": solid()}}}


class Phone(Text):
    """A Vietnamese phone number (a mobile, or with `mobile=False` a mobile or a landline), written the ways
    the document's pattern allows; `or_blank` when an empty one means none. The pattern is libphonenumber's
    numbering plan (phones.phone_pattern) and is checked here too: phonenumbers alone would also read forms
    the document refuses (84912..., letters), and the document would promise numbers the service refuses."""

    def __init__(self, *, mobile: bool, or_blank: bool = False, **kwargs):
        pattern = phone_pattern(mobile=mobile, blank=BLANK)
        if or_blank:
            pattern = f"^(?:{BLANK}*|{pattern[1:-1]})$"
        allowed, landline = re.compile(pattern), re.compile(phone_pattern(mobile=False, blank=BLANK))

        def check(value: str) -> None:
            if not allowed.match(value):
                raise ValidationError(_("Cần số điện thoại di động.") if mobile and landline.match(value)
                                      else _("Số điện thoại không hợp lệ."))

        super().__init__(pattern=pattern, validate=check, **kwargs)


class Photo(Upload):
    """An uploaded photo. Whether the bytes are an image is a rule JSON Schema cannot state, so the document
    says it in words."""

    def __init__(self, **kwargs):
        metadata = {"description": "A photo: JPEG, PNG, WebP or HEIC of at most MAX_IMAGE_BYTES (10 MB by "
                                   "default) and MAX_IMAGE_PIXELS (25 megapixels, a JPEG twice that); stored "
                                   "re-encoded, without its metadata"}
        super().__init__(metadata=metadata, **kwargs)


class JsonBoolean(fields.Boolean):
    """`true` or `false` as JSON writes them; marshmallow's Boolean would also take 1, "yes" or "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Day(fields.Date):
    """A calendar date written YYYY-MM-DD, what `format: date` means; Python's fromisoformat alone would
    also read 20250101 or 2025-W01-1."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return super()._deserialize(value, attr, data, **kwargs)


# Where a rate limit applies, its 429 answer (a problem, like every error) is documented with this reference.
RATE_LIMITED = "TOO_MANY_REQUESTS"


# --- problems and pages ----------------------------------------------------------------------------


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={"description": "Messages per field"})


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
