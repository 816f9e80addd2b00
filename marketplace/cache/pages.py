"""The page cache: public pages and API reads rendered once per catalogue version, for everyone.

`@cached_page` on a view (or `serve_shared(render)` inside one): the page is rendered as a *shell*, the same for
every visitor, with holes where a visitor's own parts go (the header's cart count and account links, the
footer's sign-out form, flashed messages: the blocks of `_visitor.html`; CSRF tokens; values only this request
knows, `set_page_values`). The shell is kept under a key made of the catalogue version (`versions.py`), the
language, Vietnam's day (a batch's expiry warning changes at midnight), what else the page `depends_on` (the
search index's generation) and the URL. Each request fills the holes for its visitor and gets an ETag over
what identifies its page, so the browser's next visit can be a 304.

Who gets the shell: anyone whose pages look like everyone's, that is an anonymous visitor or a buyer. A user
with something of their own on these pages (an admin, a member of a shop: edit buttons, hidden products) is
rendered the whole page every time and nothing they see is kept (`init_page_cache(personal=...)` says who).
A *blank* visitor (nobody signed in, no cart, no message waiting) gets the shell with the parts filled for
everyone like them, kept once; the middleware in `front.py` answers the next one before Flask is entered.

`@cached_read` (`route(..., cached=True)` in the API) does the same for JSON, without holes: kept only for
a caller with no token and no cart, keyed by the language the caller accepts.
"""

import hashlib
import re
import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..extensions import cache, db
from ..utils import vietnam_today
from .front import ENVIRON_KEY, ETAG_PERIOD, HOLE, parts_key
from .versions import current_version

CSRF = "csrf"
VISITOR_PARTS = "_visitor.html"  # a block per part
# What a visitor's session may hold and still see the parts everyone without an account sees (the language is
# in the key; Flask-Login marks any session without a login "not fresh"). Anything else (a cart, a flashed
# message, a login) makes the parts theirs.
BLANK_SESSION_KEYS = {"csrf_token", "lang", "_fresh"}
# A signed-in buyer's session the front may answer: Flask-Login's keys besides (`_fresh` decides nothing here:
# no view asks for a fresh login). A flashed message or a guest cart's token sends the request on to Flask.
SIGNED_IN_SESSION_KEYS = BLANK_SESSION_KEYS | {"_user_id", "_id"}


def init_page_cache(app: Flask, *, personal: Callable[[object], bool], header_facts: Callable | None = None) -> None:
    """`personal(user)`: whether a signed-in user sees these pages differently from everyone (never shared).
    `header_facts(user_id)`: a SELECT of one row, everything a signed-in user's parts show and whether they are
    theirs to be served by the front: columns name, session_version, active, personal, cart_quantity, unread
    (see `visitor_fact`)."""
    app.extensions["page_cache_personal"] = personal
    app.extensions["page_cache_header_facts"] = header_facts
    app.extensions.setdefault("page_cache_checks", {})
    # Flask-WTF offers csrf_token() both ways: a global and a context processor (which wins); here both.
    app.jinja_env.globals["csrf_token"] = _csrf_token
    app.context_processor(lambda: {"csrf_token": _csrf_token})
    app.jinja_env.globals["visitor_part"] = visitor_part
    app.jinja_env.globals["page_value"] = page_value


def add_dependency(app: Flask, name: str, check: Callable[[], object]) -> None:
    """Something pages may depend on besides the catalogue: `check()` returns what changes when it does,
    and must need no app context (the front middleware asks it before Flask is entered)."""
    app.extensions.setdefault("page_cache_checks", {})[name] = check


# --- in templates ---------------------------------------------------------------------------------

def in_shell() -> bool:
    return g.get("page_shell", False)


def visitor_part(name: str) -> Markup:
    """The visitor's own part `name` (a block of VISITOR_PARTS), or its hole when rendering the shell."""
    if in_shell():
        return _hole(name)
    return Markup(_render_part(name))  # noqa: S704  (a rendered template: escaped as it was rendered)


def set_page_values(**values) -> None:
    """What only this request knows and the page shows (a batch's scan count), for `page_value` holes."""
    g.setdefault("page_values", {}).update(values)


def page_value(name: str) -> Markup:
    """A value the view set with set_page_values, or its hole when rendering the shell."""
    return _hole(f"value.{name}") if in_shell() else Markup.escape(g.page_values[name])


def _csrf_token() -> str:
    return _hole(CSRF) if in_shell() else generate_csrf()


def _hole(name: str) -> Markup:
    return Markup("<!--@hole:{}-->").format(name)


def visitor_fact(name: str, otherwise: Callable[[], object]):
    """What the header shows (the cart's quantity, the bell's count): from the one query of header_facts when
    this request made it, so that the parts kept under those facts show exactly them; else `otherwise()`."""
    facts = g.get("visitor_facts")
    return facts[name] if facts is not None else otherwise()


def _render_part(name: str) -> str:
    """One block of VISITOR_PARTS, in one template context per request (the parts share its lookups)."""
    parts = g.get("_visitor_parts")
    if parts is None:
        template = current_app.jinja_env.get_template(VISITOR_PARTS)
        context: dict = {}
        current_app.update_template_context(context)
        parts = g._visitor_parts = (template, template.new_context(context))
    template, context = parts
    return "".join(template.blocks[name](context))


def _filler(name: str) -> str:
    if name == CSRF:
        return generate_csrf()
    if name.startswith("value."):
        return str(Markup.escape(g.page_values[name.removeprefix("value.")]))
    return _render_part(name)


def _fill(shell: str, only: Callable[[str], bool] = lambda name: True) -> str:
    def fill(match: re.Match) -> str:
        return _filler(match.group(1)) if only(match.group(1)) else match.group(0)

    return HOLE.sub(fill, shell) if "<!--@hole:" in shell else shell


def _is_part(name: str) -> bool:
    return name != CSRF and not name.startswith("value.")


def _not_csrf(name: str) -> bool:
    return name != CSRF


# --- serving --------------------------------------------------------------------------------------

def _shared_visitor() -> bool:
    if not current_app.config["PAGE_CACHE"] or request.method not in ("GET", "HEAD"):
        return False
    user = current_user._get_current_object()
    return not user.is_authenticated or not current_app.extensions["page_cache_personal"](user)


def _blank_visitor() -> bool:
    return not current_user.is_authenticated and not set(session) - BLANK_SESSION_KEYS


def _depends(names: tuple[str, ...]) -> tuple:
    checks = current_app.extensions["page_cache_checks"]
    return tuple((name, checks[name]()) for name in names)


def _key(kind: str, version: int, depends: tuple = ()) -> str:
    raw = "\x1f".join(map(str, (version, get_locale(), vietnam_today(), request.scheme, request.host,
                                request.full_path, *depends)))
    return f"{kind}:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"


def _get(key: str):
    try:
        return cache.get(key)
    except Exception as error:  # a cache that does not answer: render the page, as without a cache
        current_app.logger.warning("page cache: cannot read: %s", error)
        return None


def _set(key: str, value) -> None:
    try:
        cache.set(key, value)
    except Exception as error:
        current_app.logger.warning("page cache: cannot keep a page: %s", error)


def serve_shared(render: Callable[[], object], depends_on: tuple[str, ...] = ()) -> object:
    """The page `render()` makes, from the shared cache when it holds it for this visitor (see the module).
    A view with per-request work to do first (count a scan) does it, then calls this. `depends_on`: names
    given to add_dependency (the page shows what they check)."""
    version = current_version() if _shared_visitor() else None
    if version is None:
        return render()
    depends = _depends(depends_on)
    key = _key("page", version, depends)
    kept = _get(key)
    if kept is None:
        g.page_shell = True
        try:
            response = current_app.make_response(render())
        finally:
            g.page_shell = False
        if response.status_code != 200 or response.direct_passthrough:
            if not response.direct_passthrough:
                response.set_data(_fill(response.get_data(as_text=True)))
            return response
        kept = (response.get_data(as_text=True), response.mimetype)
        _set(key, kept)
    shell, mimetype = kept
    if "<!--@hole:value." not in shell and _offer_signed_in(shell, version, depends):
        pass
    elif _blank_visitor():
        # Most visitors: their parts are the same for all of them, so the page is kept with those filled in.
        blank = _get(key + ":blank")
        if blank is None:
            blank = _fill(shell, only=_is_part)
            _set(key + ":blank", blank)
        if "<!--@hole:value." not in blank:  # nothing of this request's own: the front may answer the next
            request.environ[ENVIRON_KEY] = {"version": version, "depends": depends,
                                            "locale": str(get_locale()), "body": blank, "digest": _digest(blank)}
        shell = blank
    return _answer(shell, mimetype)


def _offer_signed_in(shell: str, version: int, depends: tuple) -> bool:
    """For a signed-in buyer the front may answer next time: their parts, rendered from header_facts (one
    query) with the CSRF token left a hole, offered with the shell. False for anyone else."""
    statement = current_app.extensions.get("page_cache_header_facts")
    if (statement is None or not current_user.is_authenticated or set(session) - SIGNED_IN_SESSION_KEYS
            or "_user_id" not in session):
        return False
    row = db.session.execute(statement(current_user.id)).mappings().first()
    if row is None or row["personal"] or not row["active"]:
        return False
    g.visitor_facts = row
    g.page_shell = True
    try:
        parts = {name: _render_part(name) for name in ("nav", "account")}
    finally:
        g.page_shell = False
    locale = str(get_locale())
    request.environ[ENVIRON_KEY] = {
        "signed_in": True, "version": version, "depends": depends, "locale": locale, "body": shell,
        "parts_key": parts_key(current_user.id, row["name"], row["cart_quantity"], row["unread"], locale,
                               request.scheme, request.host),
        "parts": parts}
    return True


def cached_page(view):
    """A view whose whole page is served by serve_shared."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return serve_shared(lambda: view(*args, **kwargs))

    return wrapper


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _answer(shell: str, mimetype: str):
    """The page for this visitor, with an ETag and a 304 when the browser has it. The ETag is over the page
    but for its CSRF tokens, which stand for themselves as the session's raw token and the half hour
    (ETAG_PERIOD), as front.py does, so that either answers the same ETag."""
    page = _fill(shell, only=_not_csrf)
    digest = _digest(page)
    if f"<!--@hole:{CSRF}-->" in page:
        page = _fill(page)
        digest = hashlib.blake2b(f"{digest}\x1f{session.get('csrf_token')}:{int(time.time()) // ETAG_PERIOD}"
                                 .encode(), digest_size=16).hexdigest()
    response = current_app.response_class(page, mimetype=mimetype)
    response.set_etag(digest)
    response.cache_control.private = True  # the visitor's own parts: never in a proxy's cache
    response.cache_control.no_cache = True  # a browser asks each time, and mostly gets a 304
    return response.make_conditional(request)


def cached_read(view, depends_on: tuple[str, ...] = ()):
    """A public API read kept per catalogue version, for callers without a token or a cart."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if (not current_app.config["PAGE_CACHE"] or request.method not in ("GET", "HEAD")
                or "Authorization" in request.headers or "X-Cart-Token" in request.headers):
            return view(*args, **kwargs)
        version = current_version()
        if version is None:
            return view(*args, **kwargs)
        key = _key("api", version, _depends(depends_on))
        kept = _get(key)
        if kept is None:
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
            kept = (response.get_data(), response.mimetype)
            _set(key, kept)
        body, mimetype = kept
        response = current_app.response_class(body, mimetype=mimetype)
        response.vary.add("Accept-Language")
        response.add_etag()
        return response.make_conditional(request)

    return wrapper
