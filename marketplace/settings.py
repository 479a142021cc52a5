"""Warung Online settings: one module, every machine-specific value from the environment.

Defaults give a working development marketplace on SQLite with eager Celery tasks;
production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and friends
(see docs/deploy.md).
"""

import sys
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from marketplace.env import (
    ConfigError,
    cache_key_prefix,
    database_config,
    development_site_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    media_origins,
    redis_url,
    required_secret_key,
    s3_storages,
)

BASE_DIR = Path(__file__).resolve().parent.parent
PAYMENT_MODES = ("direct", "aman")
PAYMENT_PROVIDERS = ("sandbox", "midtrans", "xendit", "manual")
PAYOUT_PROVIDERS = ("", "iris", "xendit")
SANDBOX_DEVELOPMENT_KEY = "sandbox-server-key-development-only"

try:
    DEBUG = env_bool("DEBUG", False)
    SECRET_KEY = required_secret_key("SECRET_KEY", debug=DEBUG)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
    SITE_NAME = env_str("SITE_NAME", "Warung Online")
    SITE_REGION = env_str("SITE_REGION", "Kabupaten Purwakarta")
    # The one address every absolute link uses (e-mails, link previews, canonical links). In
    # development it is where `make run` serves (the Makefile passes HOST and PORT).
    SITE_URL = env_str("SITE_URL", development_site_url(env_str("HOST"), env_int("PORT", 8000))).rstrip("/")

    # Seconds a database connection is kept for the next request (0: one per request), checked
    # before reuse so a restarted server costs no error page.
    DATABASES = {
        "default": database_config(
            "DATABASE_URL",
            f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("CONN_MAX_AGE", 60),
        )
    }
    REDIS_URL = redis_url("REDIS_URL")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Product search forgives typos such as "kripik" for "keripik" (0.57) and "Padan" for
        # "Pandan" (0.44); pg_trgm's default is 0.6, and "kopi" for "kapi" is 0.25.
        # A search reads the first candidates its scan yields (catalog.selectors.candidates); a
        # scan that joins one already running starts mid-table, so the same search would find
        # other products from one request to the next, and its second page repeat the first's.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            "-c pg_trgm.word_similarity_threshold=0.4 -c synchronize_seqscans=off"
        )

    AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
    # KTP photos and payment proofs: best a bucket of their own that is never public.
    AWS_PRIVATE_BUCKET_NAME = env_str("AWS_PRIVATE_BUCKET_NAME")
    AWS_PRIVATE_URL_SECONDS = env_int("AWS_PRIVATE_URL_SECONDS", 300)
    AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN") or None
    # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by boto3 itself.

    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")

    # How many proxies we run in front of the app (a load balancer: 1). Their X-Forwarded-For
    # entries are trusted to find the visitor's address for rate limits; 0 ignores the header.
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
    SECURE = env_bool("SECURE", not DEBUG)
    SECURE_SSL_REDIRECT = SECURE and env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365 if SECURE else 0)
    LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
    # Staff invitations are mail to any address: a cap per shop and per sender per 24 hours.
    INVITATIONS_PER_SHOP_PER_DAY = env_int("INVITATIONS_PER_SHOP_PER_DAY", 10)
    INVITATIONS_PER_USER_PER_DAY = env_int("INVITATIONS_PER_USER_PER_DAY", 20)
    PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
    # Shared storefront fragments (listing bodies, home blocks) for every visitor; writes
    # replace them at once (a new version), so this only bounds how old sales counts may get.
    FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 60)
    # Product cards are also replaced when their own sales count or rating moves
    # (pagecache.products_changed), so they may live longer: this only bounds their memory.
    CARD_CACHE_SECONDS = env_int("CARD_CACHE_SECONDS", 600)
    # Every key this site puts in the cache starts with it: sites sharing a Redis never read
    # each other's pages. By default it names the site and its database.
    CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX") or cache_key_prefix(SITE_NAME, DATABASES["default"])
    # When on, a vendor's new product waits for dinas staff before buyers see it.
    REQUIRE_PRODUCT_REVIEW = env_bool("REQUIRE_PRODUCT_REVIEW", False)
    # A transfer order not paid within this many hours is cancelled and its stock returned.
    ORDER_PAYMENT_DEADLINE_HOURS = env_int("ORDER_PAYMENT_DEADLINE_HOURS", 24)
    # A shipped order the buyer has not confirmed completes by itself after this many days.
    ORDER_AUTO_COMPLETE_DAYS = env_int("ORDER_AUTO_COMPLETE_DAYS", 7)
    # A task taken by a worker that then dies (SIGKILL, lost machine) goes back to the queue after
    # this many seconds: longer than the longest task (a photo render is cut off at 300 s).
    CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 600)
    # A photo pending this long is sent to the workers again (beat) and offers a retry button.
    IMAGE_STUCK_MINUTES = env_int("IMAGE_STUCK_MINUTES", 15)
    # The broker may be a Redis Sentinel group: BROKER_URL=sentinel://h1:26379;sentinel://h2:26379.
    BROKER_URL = env_str("BROKER_URL")
    BROKER_SENTINEL_MASTER = env_str("BROKER_SENTINEL_MASTER")

    # Shipping (docs/shipping.md). Couriers round a parcel up to the next kilogram only when the
    # part over a whole kilogram exceeds this tolerance (JNE: 0.3 kg).
    SHIPPING_WEIGHT_TOLERANCE_GRAMS = env_int("SHIPPING_WEIGHT_TOLERANCE_GRAMS", 300)
    # Heavier parcels go by cargo, not by the parcel services priced here.
    SHIPPING_MAX_PARCEL_GRAMS = env_int("SHIPPING_MAX_PARCEL_GRAMS", 50_000)
    # Rate providers: a key turns one on; without keys the offline tariff table answers.
    BITESHIP_API_KEY = env_str("BITESHIP_API_KEY")
    BITESHIP_BASE_URL = env_str("BITESHIP_BASE_URL", "https://api.biteship.com").rstrip("/")
    KOMERCE_API_KEY = env_str("KOMERCE_API_KEY")
    KOMERCE_BASE_URL = env_str("KOMERCE_BASE_URL", "https://rajaongkir.komerce.id/api/v1").rstrip("/")
    # A provider slower than this falls back to the table, so checkout never waits long.
    SHIPPING_PROVIDER_TIMEOUT_SECONDS = env_int("SHIPPING_PROVIDER_TIMEOUT_SECONDS", 3)
    SHIPPING_RATE_CACHE_SECONDS = env_int("SHIPPING_RATE_CACHE_SECONDS", 600)
    # After a timeout the provider is not asked again for this long (the table answers meanwhile).
    SHIPPING_PROVIDER_PAUSE_SECONDS = env_int("SHIPPING_PROVIDER_PAUSE_SECONDS", 30)
    # Tracking webhook: Biteship sends this header (name and value set in its dashboard); empty = refused.
    BITESHIP_WEBHOOK_HEADER = env_str("BITESHIP_WEBHOOK_HEADER", "X-Biteship-Secret")
    BITESHIP_WEBHOOK_SECRET = env_str("BITESHIP_WEBHOOK_SECRET")
    # Polling Biteship's tracking API (with BITESHIP_API_KEY): shipments without a webhook event for
    # this many hours are asked, for this many days after shipping.
    SHIPPING_TRACKING_POLL_HOURS = env_int("SHIPPING_TRACKING_POLL_HOURS", 6)
    SHIPPING_TRACKING_POLL_DAYS = env_int("SHIPPING_TRACKING_POLL_DAYS", 30)

    # --- Payments (docs/payments.md) ---
    # "direct": buyers pay each shop; "aman" (transaksi aman): buyers pay the operator, who holds
    # the money until the order completes.
    PAYMENT_MODE = env_str("PAYMENT_MODE", "direct")
    if PAYMENT_MODE not in PAYMENT_MODES:
        raise ConfigError(f"PAYMENT_MODE must be one of {', '.join(PAYMENT_MODES)}; got {PAYMENT_MODE!r}")
    PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "sandbox")
    if PAYMENT_PROVIDER not in PAYMENT_PROVIDERS:
        raise ConfigError(
            f"PAYMENT_PROVIDER must be one of {', '.join(PAYMENT_PROVIDERS)}; got {PAYMENT_PROVIDER!r}"
        )
    # Starts every payment reference this deployment sends to a provider, so a notification
    # meant for another deployment sharing the provider account is recognised and refused.
    PAYMENT_REFERENCE_PREFIX = env_str("PAYMENT_REFERENCE_PREFIX", "WO")
    # Where providers (and the sandbox pay page) send notifications; SITE_URL when empty.
    PAYMENT_NOTIFICATION_BASE_URL = env_str("PAYMENT_NOTIFICATION_BASE_URL", "").rstrip("/")
    # Commission in basis points (1/100 of a percent): 250 = 2.5 % of the goods.
    COMMISSION_RATE_BASIS_POINTS = env_int("COMMISSION_RATE_BASIS_POINTS", 250)
    if not 0 <= COMMISSION_RATE_BASIS_POINTS <= 10_000:
        raise ConfigError(
            f"COMMISSION_RATE_BASIS_POINTS must be 0 to 10000; got {COMMISSION_RATE_BASIS_POINTS}"
        )
    PAYOUT_MINIMUM = env_int("PAYOUT_MINIMUM", 50_000)
    PAYOUT_FEE = env_int("PAYOUT_FEE", 2_500)
    MIDTRANS_SERVER_KEY = env_str("MIDTRANS_SERVER_KEY")
    MIDTRANS_CLIENT_KEY = env_str("MIDTRANS_CLIENT_KEY")
    MIDTRANS_API_URL = env_str("MIDTRANS_API_URL", "https://api.sandbox.midtrans.com").rstrip("/")
    XENDIT_SECRET_KEY = env_str("XENDIT_SECRET_KEY")
    XENDIT_CALLBACK_TOKEN = env_str("XENDIT_CALLBACK_TOKEN")
    XENDIT_API_URL = env_str("XENDIT_API_URL", "https://api.xendit.co").rstrip("/")
    SANDBOX_SERVER_KEY = env_str("SANDBOX_SERVER_KEY", SANDBOX_DEVELOPMENT_KEY)
    # Anyone can sign with the published development key: a live transaksi aman deployment on
    # the sandbox must at least choose its own.
    live_sandbox = PAYMENT_MODE == "aman" and PAYMENT_PROVIDER == "sandbox" and not DEBUG
    if live_sandbox and SANDBOX_SERVER_KEY == SANDBOX_DEVELOPMENT_KEY:
        raise ConfigError(
            "SANDBOX_SERVER_KEY must be set when PAYMENT_MODE=aman uses the sandbox without DEBUG"
        )
    MANUAL_TRANSFER_BANK = env_str("MANUAL_TRANSFER_BANK", "BRI")
    MANUAL_TRANSFER_ACCOUNT_NUMBER = env_str("MANUAL_TRANSFER_ACCOUNT_NUMBER", "0000000000")
    MANUAL_TRANSFER_ACCOUNT_HOLDER = env_str("MANUAL_TRANSFER_ACCOUNT_HOLDER", "Operator Warung Online")
    PAYMENT_PROVIDER_TIMEOUT_SECONDS = env_int("PAYMENT_PROVIDER_TIMEOUT_SECONDS", 10)
    # Complaints: the shop answers within this many hours or the dinas decides (2 × 24 h);
    # a return travels and is checked within this many days.
    COMPLAINT_ANSWER_HOURS = env_int("COMPLAINT_ANSWER_HOURS", 48)
    COMPLAINT_RETURN_DAYS = env_int("COMPLAINT_RETURN_DAYS", 7)
    # Payouts sent through a disbursement API from the admin: "" (staff transfer and mark paid),
    # "iris" (Midtrans Iris) or "xendit" (Xendit payouts, with XENDIT_SECRET_KEY).
    PAYOUT_PROVIDER = env_str("PAYOUT_PROVIDER", "")
    if PAYOUT_PROVIDER not in PAYOUT_PROVIDERS:
        raise ConfigError(f"PAYOUT_PROVIDER must be empty, iris or xendit; got {PAYOUT_PROVIDER!r}")
    IRIS_API_URL = env_str("IRIS_API_URL", "https://app.sandbox.midtrans.com/iris").rstrip("/")
    IRIS_CREATOR_KEY = env_str("IRIS_CREATOR_KEY")
    IRIS_APPROVER_KEY = env_str("IRIS_APPROVER_KEY")
    payout_keys = {"iris": ("IRIS_CREATOR_KEY", "IRIS_APPROVER_KEY"), "xendit": ("XENDIT_SECRET_KEY",)}
    missing = [name for name in payout_keys.get(PAYOUT_PROVIDER, ()) if not globals()[name]]
    if missing:
        raise ConfigError(f"PAYOUT_PROVIDER={PAYOUT_PROVIDER} needs {' and '.join(missing)}")
except ConfigError as error:
    # One line naming the variable, not a traceback.
    sys.exit(f"Configuration error: {error}")

INSTALLED_APPS = [
    "marketplace",
    "vendors",
    "catalog",
    "shipping",
    "orders",
    "payments",
    "reports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above the page cache, so cached pages are stored plain and compressed for each client
    # that accepts it; WhiteNoise's static files arrive already compressed and are left alone.
    "marketplace.middleware.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "marketplace.pagecache.AnonymousPageCacheMiddleware",
    # Below the page cache: stored pages keep the policy header, so a hit need not build it.
    "marketplace.middleware.ContentSecurityPolicyMiddleware",
    "marketplace.middleware.SessionMiddleware",
    "marketplace.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.messages.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # No i18n processor: templates ask `{% get_current_language %}` where they show it,
            # rather than every page asking for the language three times.
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.context_processors.site",
                "orders.context_processors.cart",
            ],
        },
    },
]

# A small, fast default; PostgreSQL gets persistent connections from database_config().
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Without DEBUG a new account must prove its address before it can log in.
ACCOUNT_EMAIL_VERIFICATION = "optional" if DEBUG else "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "marketplace.accounts.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "marketplace.forms.SignupForm"
# Sellers new to the web must be told plainly that an address is taken; guessing addresses
# stays expensive through the rate limits below.
ACCOUNT_PREVENT_ENUMERATION = False
# allauth's default rate limits (login failures, sign-ups, password resets, ...) stay on:
# ACCOUNT_RATE_LIMITS is deliberately not set to False. They are the one limiter for every
# log-in: the admin's log-in page sends people to allauth's (marketplace/views.py).
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Optional two-factor log-in with an authenticator app (meant for dinas staff, who see identity
# documents and bank accounts): /accounts/2fa/. Security keys (WebAuthn) stay off.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# Sessions (so log-ins and carts) live in the database, never in Redis: a Redis outage must
# not log anybody out.
# Read from the cache (one round trip, no query), written to the database too, so a cache
# that is away loses no session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Identity documents and payment proofs never go to public media.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))

if AWS_STORAGE_BUCKET_NAME:
    AWS_DEFAULT_ACL = env_str("AWS_DEFAULT_ACL") or None  # public-read where bucket policies are not used
    AWS_QUERYSTRING_AUTH = False
    AWS_S3_FILE_OVERWRITE = False
    DEFAULT_STORAGE, PRIVATE_STORAGE = s3_storages(
        private_bucket=AWS_PRIVATE_BUCKET_NAME, private_url_seconds=AWS_PRIVATE_URL_SECONDS
    )
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    PRIVATE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "private": PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Product photos ----------------------------------------------------------------------
PRODUCT_IMAGE_MAX_BYTES = 10 * 1024 * 1024
PRODUCT_IMAGE_MAX_PIXELS = 40_000_000

# --- Payment proofs ----------------------------------------------------------------------
PAYMENT_PROOF_MAX_BYTES = 5 * 1024 * 1024

# --- Complaint photos ----------------------------------------------------------------------
COMPLAINT_PHOTO_MAX_BYTES = 10 * 1024 * 1024
COMPLAINT_MAX_PHOTOS = 4

# --- Cache and Celery ---------------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis that is down or frozen costs a request a quarter of a second per call,
            # never an error page (see marketplace/cache.py).
            "BACKEND": "marketplace.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    CELERY_BROKER_URL = BROKER_URL or REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    CELERY_BROKER_URL = "memory://"
    # No broker configured: run tasks in the web process so `make run` needs no Redis.
    CELERY_TASK_ALWAYS_EAGER = True

CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker's patience; a web request publishes with shorter timeouts and no retry
# (marketplace.celery.publish), so a broker that is down or frozen never holds a page.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_VISIBILITY_TIMEOUT
# kombu scans for tasks of dead workers only every 10th restore tick (about 100 s) by default;
# every tick (10 s) is cheap and hands a killed worker's task out soon after the timeout.
CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] = 1
if BROKER_SENTINEL_MASTER:
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = BROKER_SENTINEL_MASTER
# The one place for periodic work; later issues add their entries here.
CELERY_BEAT_SCHEDULE = {
    "resend-undelivered-notifications": {
        "task": "marketplace.tasks.resend_undelivered_notifications",
        "schedule": 300,
    },
    "cancel-unpaid-orders": {
        "task": "orders.tasks.cancel_unpaid_orders",
        "schedule": 600,
    },
    "complete-shipped-orders": {
        "task": "orders.tasks.complete_shipped_orders",
        "schedule": 3600,
    },
    "poll-shipment-tracking": {
        "task": "orders.tasks.poll_shipment_tracking",
        "schedule": 2 * 3600,
    },
    "requeue-stuck-product-images": {
        "task": "catalog.tasks.requeue_stuck_images",
        "schedule": 300,
    },
    # Settles (releases or charges commission on) any finished order whose move hook was lost.
    "settle-finished-orders": {
        "task": "payments.tasks.settle_finished_orders",
        "schedule": 900,
    },
    "escalate-overdue-complaints": {
        "task": "payments.tasks.escalate_overdue_complaints",
        "schedule": 900,
    },
    "retry-provider-refunds": {
        "task": "payments.tasks.retry_provider_refunds",
        "schedule": 600,
    },
}
# Called (by dotted path, after commit, in a task) on every order move: apps that read orders
# act on its moves without orders importing them (docs/payments.md, "Order moves and money").
ORDER_MOVE_HOOKS = ["payments.settlement.order_moved"]

# Public storefront pages served from the cache to visitors without an account or a session
# (see marketplace/pagecache.py): the home page and everything under these prefixes.
PAGE_CACHE_PREFIXES = ("/cari/", "/kategori/", "/toko/", "/komunitas/", "/expo/")

# --- E-mail -------------------------------------------------------------------------------
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Scripts and styles only from our own static files: no inline script, style or handler, so an
# injected <script> or style="" does nothing. Photos may come from the media bucket.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [
            SELF,
            "data:",
            *media_origins(AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_CUSTOM_DOMAIN),
        ],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
