"""Shared concern: the page cache (`pages.py`) and the catalogue version that keys it (`versions.py`).

Flask-Caching holds the entries: in Redis when CACHE_REDIS_URL is set, so every web node and worker shares
them, otherwise in each process's memory. Entries are never deleted on a change: the version they were keyed by
simply stops being asked for, and they age out (CACHE_DEFAULT_TIMEOUT) or are pushed out (CACHE_THRESHOLD).
"""

from flask import Flask

from ..extensions import cache
from .pages import (  # noqa: F401
    add_dependency,
    cached_page,
    cached_read,
    in_shell,
    init_page_cache,
    serve_shared,
    set_page_values,
    visitor_fact,
)
from .versions import ShownInCatalogue, catalogue_changed  # noqa: F401


def init_cache(app: Flask) -> None:
    if app.config.get("CACHE_REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_KEY_PREFIX", "chq:")
        # A silent Redis must not hold a request longer than rendering the page would.
        app.config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    cache.init_app(app)


def init_front_cache(app: Flask) -> None:
    """The middleware answering blank visitors and signed-in buyers before Flask (front.py); call it once the
    app is set up."""
    from .front import FrontCache
    from .pages import BLANK_SESSION_KEYS, SIGNED_IN_SESSION_KEYS
    from .versions import RowReader

    store = app.extensions["cache"][cache]  # the cachelib backend itself: no app context needed
    app.wsgi_app = FrontCache(app, app.wsgi_app, store, RowReader(app), app.extensions["page_cache_checks"],
                              BLANK_SESSION_KEYS, SIGNED_IN_SESSION_KEYS, app.extensions["page_cache_header_facts"])
