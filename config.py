"""Settings, all from environment variables (see the table in README.md)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _database_url(value: str) -> str:
    """Accept the usual postgresql:// form and use the installed driver (psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    return value


class Config:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Without SECRET_KEY (outside production) a key is drawn once per installation and kept here.
    SECRET_KEY_FILE = os.environ.get("SECRET_KEY_FILE", str(INSTANCE_DIR / "secret_key"))
    DATA_DIR = os.environ.get("DATA_DIR", str(INSTANCE_DIR))
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'marketplace.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT = _int("SQLITE_BUSY_TIMEOUT", 30)  # seconds a SQLite writer waits for the lock

    # Request and upload limits. A phone photo is 2-6 MB; eight of them fit in one form.
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 50 * 1024 * 1024)
    MAX_FORM_MEMORY_SIZE = 500 * 1024
    MAX_IMAGE_BYTES = _int("MAX_IMAGE_BYTES", 10 * 1024 * 1024)
    # What a phone takes by default: 12 Mpx (4032x3024, 4000x3000), 12.5 Mpx from 50 and 200 Mpx
    # sensors, which bin pixels unless told otherwise (4080x3060), and 24 Mpx, the largest default
    # (iPhone 15 Pro and later, 5712x4284). Their 48/50/200 Mpx modes are chosen by hand, make files
    # of 10-60 MB, and show nothing more at the 1600 px we store; a JPEG, which decodes at reduced scale,
    # may have twice the limit, so a 48/50 Mpx full-resolution shot still comes in (media/processing.py).
    # The limit is read from the header, before decoding, and it is also what bounds a worker's memory:
    # PNG and HEIC decode whole, at up
    # to 4 and 7 bytes a pixel (about 125 and 175 MB here); WebP, at 16, gets a quarter of it.
    # See benchmarks/results.md.
    MAX_IMAGE_PIXELS = _int("MAX_IMAGE_PIXELS", 25_000_000)
    IMAGE_SIZES = (320, 800, 1600)
    MAX_CERTIFICATE_BYTES = _int("MAX_CERTIFICATE_BYTES", 10 * 1024 * 1024)  # an OCOP certificate scan or PDF
    MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem")
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    SEARCH_DIR = os.environ.get("SEARCH_DIR")  # default: DATA_DIR/search
    SEARCH_SYNC = _bool("SEARCH_SYNC", True)  # update the index after each commit (off: run `flask search drain`)

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    FORCE_HTTPS = _bool("FORCE_HTTPS", False)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # Redis unreachable: count in this process's memory until it answers again (Flask-Limiter logs the switch),
    # rather than answering 500 to every login.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True  # X-RateLimit-* on limited routes, and Retry-After on every 429
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    ORDER_LOOKUP_RATE_LIMIT = os.environ.get("ORDER_LOOKUP_RATE_LIMIT", "10 per minute;50 per hour")
    # The page cache (marketplace/cache): in Redis when CACHE_REDIS_URL is set (shared by every node), else in
    # each process's memory. Entries are keyed by the catalogue version, so these only bound the memory.
    PAGE_CACHE = _bool("PAGE_CACHE", True)
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_DEFAULT_TIMEOUT = _int("CACHE_DEFAULT_TIMEOUT", 600)
    CACHE_THRESHOLD = _int("CACHE_THRESHOLD", 2000)  # entries a process keeps in memory (without Redis)

    # How many proxies (nginx, a load balancer) stand in front of the app and add X-Forwarded-For; 0 ignores
    # the header, which anyone can send when nothing in front overwrites it.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    API_TOKEN_DAYS = _int("API_TOKEN_DAYS", 90)
    # werkzeug's generate_password_hash method: its default, scrypt. Stored hashes name their own method,
    # so changing it never locks anyone out. create_app refuses any other outside tests.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  (a method's name, not a password)
    # The site's address as buyers reach it, e.g. https://choque.example.vn: printed into every
    # traceability QR code, so a label works whatever host the seller printed it from. Unset: the request's.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")

    # Ways to pay offered at checkout, in this order (marketplace/payments). A bank transfer not confirmed
    # by the seller within VIETQR_PAYMENT_HOURS is cancelled by `flask orders expire`, its stock returned.
    PAYMENT_METHODS = tuple(m.strip() for m in os.environ.get("PAYMENT_METHODS", "cod,vietqr").split(",") if m.strip())
    VIETQR_PAYMENT_HOURS = _int("VIETQR_PAYMENT_HOURS", 24)
    # Stripe (method `stripe`): keys only from the environment; STRIPE_API_BASE points the library at another
    # host (a local fake in tests). A checkout not paid within STRIPE_PAYMENT_MINUTES expires.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")
    STRIPE_PAYMENT_MINUTES = _int("STRIPE_PAYMENT_MINUTES", 60)
    # How old (seconds) a signed webhook may be before it is refused as a replay: Stripe's own default.
    STRIPE_WEBHOOK_TOLERANCE = _int("STRIPE_WEBHOOK_TOLERANCE", 300)
    # VNPay (method `vnpay`). Without VNPAY_PAYMENT_URL, outside production, a local sandbox wallet plays the
    # gateway (payments/views.py); production needs all three.
    VNPAY_TMN_CODE = os.environ.get("VNPAY_TMN_CODE")
    VNPAY_HASH_SECRET = os.environ.get("VNPAY_HASH_SECRET")
    VNPAY_PAYMENT_URL = os.environ.get("VNPAY_PAYMENT_URL")
    VNPAY_PAYMENT_MINUTES = _int("VNPAY_PAYMENT_MINUTES", 15)
    VNPAY_SANDBOX = False
    # Payment callbacks whose signature does not hold, per address: past this they are answered 429 and not
    # stored. Signed callbacks are never counted, so a provider's burst of genuine ones is never throttled.
    CALLBACK_RATE_LIMIT = os.environ.get("CALLBACK_RATE_LIMIT", "10 per minute;100 per day")

    # Mail (new-order notices to sellers). Development and tests only log what would be sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Chợ Quê <no-reply@localhost>")
    MAIL_SUPPRESS_SEND = _bool("MAIL_SUPPRESS_SEND", True)

    # flask-smorest / OpenAPI
    API_TITLE = "Chợ Quê marketplace API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # The demo also offers the wallet (the local sandbox plays VNPay unless VNPAY_PAYMENT_URL is set).
    PAYMENT_METHODS = tuple(m.strip() for m in os.environ.get("PAYMENT_METHODS", "cod,vietqr,vnpay").split(",")
                            if m.strip())


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105  (tests only)
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SUPPRESS_SEND = True
    PAYMENT_METHODS = ("cod", "vietqr", "vnpay")
    # One round instead of scrypt's ~0.1 s: hashing and checking at full cost was half of the suite's time.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"  # noqa: S105  (a method's name, not a password)


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    FORCE_HTTPS = _bool("FORCE_HTTPS", True)
    MAIL_SUPPRESS_SEND = _bool("MAIL_SUPPRESS_SEND", False)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
