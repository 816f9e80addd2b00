"""The front of the page cache: a blank visitor's page answered before Flask is entered.

Most requests for the public pages come from visitors with nothing of their own on them: nobody signed in,
no cart, no message waiting (`pages.BLANK_SESSION_KEYS`). For them `serve_shared` hands this middleware the
page with only its CSRF holes left, and the middleware keeps it with the headers the app answered with
(Talisman's and the rest). The next such request for the same URL, language and day is answered here: one
query for the catalogue version (on a connection of this thread's, in autocommit, so it sees what is
committed), one cache read, the CSRF token put in, an ETag and perhaps a 304. That is what lets a cheap
server carry a crowd arriving from a Zalo link. Anything else, and every miss, goes on to Flask as before.

A page that depends on more than the catalogue says so by name (`depends_on`, such as "search": the index's
generation), and the middleware asks that name's check each time.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from functools import cached_property

from flask import Flask
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam
from werkzeug.http import dump_cookie, parse_cookie, quote_etag, unquote_etag

from ..utils import vietnam_today
from .versions import version_select

ENVIRON_KEY = "marketplace.front_cache"  # what serve_shared leaves for the middleware to keep
HOLE = re.compile(r"<!--@hole:([a-z_.]+)-->")  # what pages.py leaves for a visitor's own parts
CSRF_HOLE = "<!--@hole:csrf-->"
ETAG_PERIOD = 1800  # as pages.ETAG_PERIOD
DROPPED_HEADERS = {"set-cookie", "content-length", "etag"}
MAX_PATHS = 100_000


def front_key(environ: dict, version: int, locale: str, depends: tuple) -> str:
    raw = "\x1f".join(map(str, (version, locale, vietnam_today(), environ.get("wsgi.url_scheme"),
                                environ.get("HTTP_HOST"), environ.get("PATH_INFO"), environ.get("QUERY_STRING"),
                                *depends)))
    return "front:" + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def parts_key(user_id, name, cart_quantity, unread, locale, scheme, host) -> str:
    """Where a signed-in buyer's parts are kept: under every value they show, so they are never stale."""
    raw = "\x1f".join(map(str, (user_id, name, cart_quantity, unread, locale, scheme, host)))
    return f"parts:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"


class FrontCache:
    def __init__(self, app: Flask, wsgi_app, store, reader, checks: dict[str, Callable[[], object]],
                 blank_keys: set[str], signed_in_keys: set[str], header_facts: Callable | None):
        self.app, self.wsgi_app, self.store, self.reader = app, wsgi_app, store, reader
        self.checks, self.blank_keys, self.signed_in_keys = checks, blank_keys, signed_in_keys
        # The signed-in visitor's one query: their header's facts and the catalogue version.
        self.facts = None if header_facts is None else header_facts(bindparam("user_id")).add_columns(
            version_select().label("catalogue_version"))
        self.languages = tuple(app.config["LANGUAGES"])
        self.default_locale = app.config["BABEL_DEFAULT_LOCALE"]
        self.session_cookie = app.config["SESSION_COOKIE_NAME"]
        self.remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        # The paths that have offered a page here, with the names of what their pages depend on: no other
        # request pays for a look. Forgotten all at once when it grows past MAX_PATHS (they are offered again).
        self.paths: dict[str, tuple[str, ...]] = {}

    # --- the request ----------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        if (environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not self.app.config["PAGE_CACHE"]
                or (depends_on := self.paths.get(environ.get("PATH_INFO"))) is None):
            return self._through_flask(environ, start_response)
        visitor = self._blank_visitor(environ)
        if visitor is not None:
            answer = self._answer(environ, start_response, depends_on, *visitor)
            if answer is not None:
                return answer
        return self._through_flask(environ, start_response)

    def _blank_visitor(self, environ) -> tuple[dict, str] | None:
        """The visitor's session (decoded) and language, when the visitor is blank; None otherwise."""
        cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
        if self.remember_cookie in cookies:
            return None
        session: dict = {}
        if self.session_cookie in cookies:
            try:
                session = self._session_serializer.loads(
                    cookies[self.session_cookie], max_age=int(self.app.permanent_session_lifetime.total_seconds()))
            except BadSignature:
                return None
            allowed = self.signed_in_keys if "_user_id" in session else self.blank_keys
            if not isinstance(session, dict) or set(session) - allowed:
                return None
        locale = session.get("lang")
        return session, locale if locale in self.languages else self.default_locale

    def _answer(self, environ, start_response, depends_on: tuple[str, ...], session: dict, locale: str):
        signed_in = "_user_id" in session
        try:
            facts = self._facts(session["_user_id"]) if signed_in else None
            version = facts["catalogue_version"] if facts else None if signed_in else self.reader.version()
        except Exception:  # noqa: BLE001  (a dropped connection: Flask answers, and says what is wrong)
            return None
        if version is None:
            return None
        depends = tuple((name, self.checks[name]()) for name in depends_on)
        key = front_key(environ, version, locale, depends)
        if signed_in:
            kept, parts = self.store.get("shell:" + key), self.store.get(parts_key(
                facts["user_id"], facts["name"], facts["cart_quantity"], facts["unread"], locale,
                environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST")))
            if kept is None or parts is None:
                return None
            status, headers, shell = kept
            body = HOLE.sub(lambda match: parts.get(match.group(1), "") if match.group(1) != "csrf"
                            else match.group(0), shell)  # no flashes: the session holds none
            digest = hashlib.blake2b(body.encode(), digest_size=16).hexdigest()
        else:
            kept = self.store.get(key)
            if kept is None:
                return None
            status, headers, body, digest = kept
        headers = list(headers)
        if CSRF_HOLE in body:
            raw = session.get("csrf_token")
            if not raw:
                raw = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324  (as Flask-WTF draws its tokens)
                headers += self._session_cookie(session, csrf_token=raw)
            body = body.replace(CSRF_HOLE, self._csrf_serializer.dumps(raw))
            digest = hashlib.blake2b(f"{digest}\x1f{raw}:{int(time.time()) // ETAG_PERIOD}".encode(),
                                     digest_size=16).hexdigest()
        etag = quote_etag(digest)
        headers.append(("ETag", etag))
        if _matches(environ.get("HTTP_IF_NONE_MATCH"), digest):
            start_response("304 NOT MODIFIED", [(k, v) for k, v in headers if k.lower() != "content-type"])
            return []
        data = body.encode()
        headers.append(("Content-Length", str(len(data))))
        start_response(status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [data]

    def _facts(self, user_id: str) -> dict | None:
        """The signed-in visitor's header facts, when the shared pages are for them and their session is still
        good (the session version Flask-Login's loader checks: a password change or a disabled account)."""
        number, _sep, version = str(user_id).partition(":")
        if self.facts is None or not number.isdigit() or not version.isdigit():
            return None
        row = self.reader.row_of(self.facts, user_id=int(number))
        if row is None:
            return None
        facts = dict(zip(self.facts.selected_columns.keys(), row, strict=True))
        if facts["session_version"] != int(version) or not facts["active"] or facts["personal"]:
            return None
        return {**facts, "user_id": int(number)}

    def _through_flask(self, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        offer = environ.get(ENVIRON_KEY)
        if offer is not None and captured.get("status", "").startswith("200"):
            self._keep(environ, offer, captured["status"], captured["headers"])
        return body

    def _keep(self, environ, offer: dict, status: str, headers: list) -> None:
        depends = tuple(offer["depends"])
        if len(self.paths) >= MAX_PATHS:
            self.paths.clear()
        self.paths[environ.get("PATH_INFO")] = tuple(name for name, _value in depends)
        kept_headers = tuple((k, v) for k, v in headers if k.lower() not in DROPPED_HEADERS)
        key = front_key(environ, offer["version"], offer["locale"], depends)
        try:
            if offer.get("signed_in"):
                self.store.set("shell:" + key, (status, kept_headers, offer["body"]))
                self.store.set(offer["parts_key"], offer["parts"])
            else:
                self.store.set(key, (status, kept_headers, offer["body"], offer["digest"]))
        except Exception as error:  # noqa: BLE001  (a cache that does not answer: nothing kept, nothing lost)
            self.app.logger.warning("page cache: cannot keep a page: %s", error)

    # --- Flask's and Flask-WTF's own signing, so that what is answered here is what Flask would answer -----
    # (made once: the settings and keys do not change while the app runs)

    @cached_property
    def _session_serializer(self) -> URLSafeTimedSerializer:
        return self.app.session_interface.get_signing_serializer(self.app)

    @cached_property
    def _csrf_serializer(self) -> URLSafeTimedSerializer:
        secret = self.app.config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
        return URLSafeTimedSerializer(secret, salt="wtf-csrf-token")

    @cached_property
    def _cookie_settings(self) -> dict:
        """As SecureCookieSessionInterface.save_session sets the cookie of a session that is not permanent."""
        interface, app = self.app.session_interface, self.app
        return {"key": interface.get_cookie_name(app), "domain": interface.get_cookie_domain(app),
                "path": interface.get_cookie_path(app), "httponly": interface.get_cookie_httponly(app),
                "secure": interface.get_cookie_secure(app), "samesite": interface.get_cookie_samesite(app),
                "partitioned": interface.get_cookie_partitioned(app)}

    def _session_cookie(self, data: dict, **changes) -> list[tuple[str, str]]:
        value = self._session_serializer.dumps({**data, **changes})
        return [("Set-Cookie", dump_cookie(value=value, **self._cookie_settings))]


def _matches(if_none_match: str | None, digest: str) -> bool:
    if not if_none_match:
        return False
    return any(unquote_etag(tag.strip())[0] == digest or tag.strip() == "*" for tag in if_none_match.split(","))
