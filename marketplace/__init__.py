"""The marketplace application factory."""

import logging
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, jsonify, render_template, request, session
from flask.logging import default_handler, has_level_handler
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import Config, config_from_env

from . import extensions
from .accounts.models import refuse_a_test_password_hash
from .cache import init_cache, init_front_cache, init_page_cache, visitor_fact
from .errors import Conflict, DomainError
from .extensions import PROBLEM_JSON, babel, csrf, db, limiter, login_manager, mail, migrate, talisman
from .utils import MAX_DB_ID, format_vnd
from .web import STATIC_MAX_AGE, fingerprint_static

ROOT = Path(__file__).resolve().parent.parent

CSP = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "style-src": "'self'",
    "script-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


class Marketplace(Flask):
    def dispatch_request(self):
        """The view's answer, once the request's one transaction has ended: committed when the view succeeded
        (it answered below 400), rolled back otherwise. Here, before the after_request hooks and the session
        cookie, a commit that fails can still be answered as the failure it is (409 or 500)."""
        response = self.make_response(super().dispatch_request())
        if response.status_code < 400:
            _commit()
        else:
            db.session.rollback()
        return response

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        # A fingerprinted URL (web.fingerprint_static) names one version of the file: keep it a year.
        if has_request_context() and request.endpoint == "static" and request.args.get("v"):
            return STATIC_MAX_AGE
        return super().get_send_file_max_age(filename)


def _commit() -> None:
    try:
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        # What the view put in the session cookie (a flash saying it worked, a login) did not happen either.
        as_it_came = current_app.session_interface.open_session(current_app, request)
        session.clear()
        session.update(as_it_came)
        g.pop("_login_user", None)  # Flask-Login's cache of the user, perhaps one this request signed in
        if isinstance(error, IntegrityError):  # a rival request wrote the same thing first
            current_app.logger.warning("commit refused: %s", error.orig)
            raise Conflict(_("Chưa lưu được: dữ liệu vừa được thay đổi ở nơi khác. Vui lòng tải lại trang "
                             "và thử lại.")) from error
        raise InternalServerError(original_exception=error) from error


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Marketplace(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_from_env() if config is None or isinstance(config, dict) else config)
    if isinstance(config, dict):
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        _use_installation_key(app)
    Path(app.config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    refuse_a_test_password_hash(app)

    _init_extensions(app)
    _register_blueprints(app)
    _register_request_cycle(app)
    _register_error_handlers(app)
    _register_templates(app)
    _register_cli(app)
    init_front_cache(app)  # a blank visitor's cached page, answered before Flask is entered
    _trust_proxies(app)  # outermost: the front cache sees the client's scheme
    return app


def _use_installation_key(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError("SECRET_KEY must be set in the environment in production")
    from .secret_key import load_or_create

    path = Path(app.config["SECRET_KEY_FILE"])
    app.config["SECRET_KEY"] = load_or_create(path)
    app.logger.warning(
        "SECRET_KEY is not set: sessions are signed with this installation's own key, kept in %s. "
        "Running for real? Set APP_ENV=production and SECRET_KEY.", path)


def _select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or "vi"
    chosen = session.get("lang")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, the client's address (for the rate limits) and scheme are the ones they
    forwarded. Each proxy appends the address it saw to X-Forwarded-For, so the one that many places from the
    right is the client's, whatever the client wrote before it. The forwarded host and prefix are not taken:
    nginx passes the client's Host on as it is, and a made-up one would end up in the links the site writes."""
    count = app.config["TRUSTED_PROXIES"]
    if count < 0:
        raise RuntimeError(f"TRUSTED_PROXIES must be 0 (no proxy) or the number of proxies, not {count}")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _init_limiter(app: Flask) -> None:
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://", "redis+unix://")):
        # A Redis that stops answering without refusing (a dropped network, a stuck server) holds a limited
        # request until the socket times out, each time the limiter asks it again: with redis-py's 5 s that
        # is half a worker's time, with 1 s an eighth (benchmarks/results.md).
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})
    limiter.init_app(app)
    # Flask-Limiter says once per outage that it falls back to memory, on a logger with only a NullHandler:
    # unless logging is configured (the root logger has a handler), send it where the app's own errors go.
    if not has_level_handler(logging.getLogger()):
        limiter.logger.addHandler(default_handler)


def _init_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite lets one writer in at a time; the others wait this long for the lock instead of
        # failing at once with "database is locked" (PostgreSQL's row locks simply wait).
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"timeout": app.config["SQLITE_BUSY_TIMEOUT"], **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, default_translation_directories=str(ROOT / "translations"))
    init_cache(app)
    _init_limiter(app)
    mail.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CSP,
        frame_options="DENY",  # as the CSP's frame-ancestors 'none': no page is shown inside a frame
        strict_transport_security=app.config["FORCE_HTTPS"],
    )
    # Through the module: the subpackage marketplace.api would shadow a name imported here.
    from .api.schemas import RulesPlugin

    extensions.api.init_app(app, spec_kwargs={
        "marshmallow_plugin": RulesPlugin(),
        "info": {"description": "JSON API for the mobile app and integrations. Money is integer đồng."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    })

    from . import transaction  # noqa: F401  (its session listeners: after-commit and undo work)
    from .media import init_media

    init_media(app)
    from .search import init_search

    init_search(app)
    from .notifications.mail import init_mail

    init_mail(app)
    from .payments import init_payments

    init_payments(app)
    from .orders import init_orders

    init_orders(app)


class DbIntConverter(IntegerConverter):
    """`<int:...>` in page URLs: ids are 32-bit columns, so a larger number is simply 404 instead of an
    overflow deep in the query (SQLite's OverflowError, PostgreSQL's out-of-range error: both a 500)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002  (werkzeug's name)
        kwargs.setdefault("max", MAX_DB_ID)
        super().__init__(map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DbIntConverter  # before any rule is bound to a converter
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api import register_api
    from .cart.views import bp as cart_bp
    from .catalog.seller_views import bp as seller_bp
    from .catalog.views import bp as catalog_bp
    from .media.views import bp as media_bp
    from .ocop.views import bp as ocop_bp
    from .orders.views import bp as orders_bp
    from .search.views import bp as search_bp
    from .shops.views import bp as shops_bp
    from .traceability.views import bp as trace_bp
    from .traceability.views import seller_bp as trace_seller_bp

    for blueprint in (accounts_bp, catalog_bp, seller_bp, media_bp, shops_bp, search_bp, cart_bp, orders_bp,
                      admin_bp, ocop_bp, trace_bp, trace_seller_bp):
        app.register_blueprint(blueprint)
    register_api(app)
    from .health import init_health

    init_health(app)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _request_has_nul() -> bool:
    if "\x00" in request.path:
        return True
    pairs = [*request.args.items(multi=True)]
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        pairs += [*request.form.items(multi=True)]
        pairs += [(name, f.filename or "") for name, f in request.files.items(multi=True)]
    if any(_has_nul(key) or _has_nul(value) for key, value in pairs):
        return True
    return request.is_json and _has_nul(request.get_json(silent=True))


def _register_request_cycle(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL text cannot hold a NUL (0x00) character, not even as a query parameter: wherever one
        # came in (a form, JSON, a URL), the request would end in a 500 deep in a query. No keyboard
        # types it, so it is refused once, here, with a clear 400, before anything is read or stored.
        if _request_has_nul():
            raise BadRequest(_("Dữ liệu gửi lên có ký tự không hợp lệ."))


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str | None = None, **extra):
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        if isinstance(error, InternalServerError):
            app.logger.exception("Unhandled error", exc_info=error.original_exception or error)
        if wants_problem_json():
            data = getattr(error, "data", None) or {}
            extra = {}
            if "messages" in data:
                extra["errors"] = _flatten_webargs(data["messages"])
                detail = _("Dữ liệu gửi lên không hợp lệ.")
            else:
                detail = data.get("message") or _error_detail(error)
            response = problem(error.code or 500, error.name, detail, **extra)
            for key, value in (data.get("headers") or {}).items():
                response.headers[key] = value
            if error.code == 405 and error.valid_methods:
                response.headers["Allow"] = ", ".join(error.valid_methods)
            return response
        return render_template("error.html", error=error, message=_error_detail(error)), error.code

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if wants_problem_json():
            errors = error.errors or ({error.field: [error.message]} if error.field else None)
            extra = {"errors": errors} if errors else {}
            return problem(error.status, _title(error.status), error.message, **extra)
        return render_template("error.html", error=None, message=error.message), error.status


def _flatten_webargs(messages: dict) -> dict:
    """webargs nests errors by location ({'json': {'title': [...]}}); clients want fields."""
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            # A multipart part named only "\r" reaches the schema with the name None: say "" (JSON keys are text).
            flat.update({"" if name is None else name: errors for name, errors in fields.items()})
        else:
            flat[location] = fields
    return flat


def _title(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


def _error_detail(error: HTTPException) -> str:
    # Flask-Limiter describes a 429 by its limit ("10 per 1 minute"): not for people.
    custom = error.description and error.description != type(error).description and error.code != 429
    if custom:
        return error.description  # a message written for this case
    messages = {
        400: _("Yêu cầu không hợp lệ."),
        401: _("Bạn cần đăng nhập."),
        403: _("Bạn không có quyền làm việc này."),
        404: _("Không tìm thấy trang hoặc mục bạn cần."),
        405: _("Phương thức không được hỗ trợ."),
        413: _("Tệp hoặc dữ liệu gửi lên quá lớn."),
        429: _("Bạn thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại."),
        500: _("Có lỗi xảy ra ở máy chủ. Vui lòng thử lại sau."),
    }
    return messages.get(error.code or 500, error.description or "")


def _register_templates(app: Flask) -> None:
    from flask_babel import get_locale

    from .accounts.services import sees_catalogue_as_own
    from .cart.views import cart_count
    from .catalog.units import unit_label
    from .orders.services import status_label
    from .orders.views import unread_count
    from .phones import display_phone

    app.jinja_env.filters["vnd"] = format_vnd
    app.jinja_env.filters["datetime"] = lambda value, fmt="short": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["unit"] = unit_label
    app.jinja_env.filters["order_status"] = status_label
    app.jinja_env.filters["phone"] = display_phone
    app.jinja_env.globals["cart_count"] = lambda: visitor_fact("cart_quantity", cart_count)
    app.jinja_env.globals["unread_count"] = lambda: visitor_fact("unread", unread_count)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["args_with"] = args_with
    fingerprint_static(app)
    init_page_cache(app, personal=sees_catalogue_as_own, header_facts=_header_facts)


def _header_facts(user_id):
    """Everything a signed-in user's header and footer show, and whether the shared pages are for them, in
    one row (the page cache keys their parts by it; the front asks it with the catalogue version)."""
    from sqlalchemy import exists, or_, select

    from .accounts.models import User
    from .cart.services import user_cart_quantity
    from .notifications.services import unread_count_of
    from .shops.models import ShopMember

    in_a_shop = exists().where(ShopMember.user_id == User.id)
    return select(User.name, User.session_version, User.active, or_(User.is_admin, in_a_shop).label("personal"),
                  user_cart_quantity(User.id).label("cart_quantity"), unread_count_of(User.id).label("unread")
                  ).where(User.id == user_id)


def args_with(**changes) -> str:
    """This page's query string with some arguments changed (None removes one); back to page 1
    unless a page is given, since a new filter makes the old page number meaningless."""
    from urllib.parse import urlencode

    merged = {k: v for k, v in request.args.items() if k != "page"}
    merged.update(changes)
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def _register_cli(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)
