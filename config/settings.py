"""The one settings module. Everything that differs between a laptop, CI and production comes from the
environment (see README, "Configuration"); the defaults are the embedded ones: SQLite under var/, django-q2
on the ORM broker, emails kept in the local outbox.
"""

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import email_settings, env_bool, env_int, env_list, env_rates, env_str, env_window
from config.log_format import logging_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key():
    """SECRET_KEY from the environment, else one made once for this installation and kept under var/."""
    key = env_str("SECRET_KEY", "")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname:
    raise ImproperlyConfigured(
        f"SITE_URL={SITE_URL!r}: expected an absolute http(s) URL such as https://idees.example.fr"
    )
WAGTAILADMIN_BASE_URL = SITE_URL
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", _site.hostname])
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "campaigns",
    "surveys",
    "ideas",
    "cms",
    "reports",
    "api",
    "ninja",  # the API's browsable docs (its Swagger UI files and template)
    "django_q",
    "anymail",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # last: the audit trail's sign-in receivers (campaigns) run before django-axes counts a failure
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.QueueLimitMiddleware",  # a burst past what the process can answer in time: 503 at once
    "api.body_limit.UpsertBodyLimitMiddleware",  # the API's upsert may carry more than DATA_UPLOAD_MAX_MEMORY_SIZE
    "config.middleware.ServerTimingMiddleware",  # with SERVER_TIMING only
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked sign-in answers 429 (campaigns.accounts.logins)
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Templates are compiled once per process (the cached loader), in development too: a page's templates are then
# only rendered, never read and parsed again (changed templates show after a restart of the server).
_LOADERS = ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "OPTIONS": {
            "loaders": [("django.template.loaders.cached.Loader", _LOADERS)],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise (postgres://user@host:5432/name in production).
# Each web thread keeps its connection DB_CONN_MAX_AGE seconds (0: one per request), checked before reuse: a
# burst's steps do not pay a connection each (with gunicorn.conf.py, at most workers x threads connections).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side prepared statements, used by the tracking writes only (campaigns.async_commit); 0 turns them off
    # behind a pooler that cannot keep them.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        0 if env_bool("DB_PREPARED_STATEMENTS", True) else None
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server and task workers write at once: wait for the lock instead of failing, and take it up front.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: per-process memory unless CACHE_URL names a Redis (needed for shared rate limits across processes).
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Task queue: django-q2 on the database (ORM broker) by default, on Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL", "")
Q_CLUSTER = {
    "name": env_str("Q_CLUSTER_NAME", "cocreation"),
    "workers": env_int("Q_WORKERS", 4),  # twice the cores: sender tasks mostly wait on the network
    "timeout": env_int("Q_TIMEOUT", 600),
    "retry": env_int("Q_RETRY", 720),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 5),
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "poll": 1,
    "label": _("Tâches"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Email: the local outbox unless EMAIL_URL says otherwise.
EMAIL_URL = env_str("EMAIL_URL", "outbox:")
_email = email_settings(EMAIL_URL)
globals().update(_email)
# ESP webhooks (django-anymail) post delivery, bounce and complaint events to /anymail/<esp>/tracking/, only
# when an ESP sends the email, and only with the "user:password" the ESP is told to send: an open webhook would
# let anyone mark ambassadors as bounced or opted out.
ANYMAIL = {"WEBHOOK_SECRET": env_str("ANYMAIL_WEBHOOK_SECRET", "")}
ESP_WEBHOOKS = _email["EMAIL_BACKEND"].startswith("anymail.")
if ESP_WEBHOOKS and ":" not in ANYMAIL["WEBHOOK_SECRET"]:
    raise ImproperlyConfigured(
        f"EMAIL_URL={EMAIL_URL.split(':')[0]}:… needs ANYMAIL_WEBHOOK_SECRET=user:password, the "
        "credentials the ESP's tracking webhooks send (without them anyone could post bounces)"
    )
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Ambassadeurs <ambassadeurs@{_site.hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sign-in (campaigns.accounts.logins, django-axes): after LOGIN_FAILURES wrong passwords for one account, or
# from one address, within LOGIN_LOCK_MINUTES, both are refused for LOGIN_LOCK_MINUTES (0 failures: no limit).
# Counted in the database, so every web process shares the count; the address is the client's behind
# TRUSTED_PROXIES. A success never wipes the count (a colleague's good password would reset an attacker's).
LOGIN_FAILURES = env_int("LOGIN_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
if LOGIN_FAILURES < 0 or LOGIN_LOCK_MINUTES < 1:
    raise ImproperlyConfigured(
        f"LOGIN_FAILURES={LOGIN_FAILURES}, LOGIN_LOCK_MINUTES={LOGIN_LOCK_MINUTES}: expected a number of failures "
        "(0 for no limit) and a lock of at least one minute"
    )
WAGTAILADMIN_USER_LOGIN_FORM = "campaigns.accounts.logins.LoginForm"
AXES_ENABLED = LOGIN_FAILURES > 0
AXES_FAILURE_LIMIT = max(LOGIN_FAILURES, 1)
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCK_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "campaigns.accounts.logins.login_address"
AXES_LOCKOUT_CALLABLE = "campaigns.accounts.logins.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
PASSWORD_HASHERS = env_list("PASSWORD_HASHERS", ["django.contrib.auth.hashers.PBKDF2PasswordHasher"])

# Holding a burst (config.middleware.QueueLimitMiddleware, gunicorn.conf.py): a request that waited more than
# WEB_QUEUE_SECONDS for a thread (0: never refused), or taken when over WEB_MAX_QUEUED connections waited for one
# (read by the gunicorn worker; 0: no bound), is answered 503 at once with Retry-After (longer if the queue is).
WEB_QUEUE_SECONDS = env_int("WEB_QUEUE_SECONDS", 10)
WEB_RETRY_AFTER_SECONDS = env_int("WEB_RETRY_AFTER_SECONDS", 2)
# A Server-Timing header on every response: time in the database, number of queries, time in all (bench/load.py).
SERVER_TIMING = env_bool("SERVER_TIMING", False)

# Languages: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve files straight from the apps' static folders when collectstatic has not run (tests, `make run`).
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Ambassadeurs")
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # staff avatars from Gravatar would send a hash of each address to a third party
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Videos of campaign pages are served from this site (mp4, webm, with WebVTT captions): no third-party player.
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "xlsx", "docx", "pptx", "txt", "zip", "mp4", "webm", "vtt"]

LOGIN_URL = "wagtailadmin_login"

# Security: safe by default; the HTTPS-only parts switch on when the site is served over HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Wagtail previews pages in a same-origin frame; every other origin is refused.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if _site.scheme == "https":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# What people upload (ambassador imports, LimeSurvey exports): batches and bounds, each refused naming it. Then who
# signs in how: local passwords (throttled above) and the staff's single sign-on (OpenID Connect).
from config.sso_settings import *  # noqa: E402, F403
from config.upload_settings import *  # noqa: E402, F403

# Logs go to the console, one event per line with its fields (config/log_format.py): JSON for a log collector,
# key=value pairs for a person (the default with DEBUG).
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = logging_settings(LOG_FORMAT, env_str("LOG_LEVEL", "INFO"))

# Sending: how many sender tasks share a campaign, emails per claimed batch, a global rate limit (emails per
# second, 0 for none), how long a silent claim lives before its emails go back in the queue, retries. A sender
# spends most of its time waiting for the SMTP server's and the database's answers, so twice as many senders as
# cores keep the machine busy (bench/send.py: 2 senders reach 0.52 of a bare smtplib loop, 4 reach 0.88).
SEND_PARALLEL = env_int("SEND_PARALLEL", 4)
SEND_BATCH_SIZE = env_int("SEND_BATCH_SIZE", 500)
# The site's cap, shared by every sender of every campaign and cluster (campaigns.sending.pace; 0: none), per-domain
# caps (domain=emails per second), the margin kept so that no one-second window at the server exceeds a cap.
SEND_RATE_PER_SECOND = env_int("SEND_RATE_PER_SECOND", 0)
SEND_DOMAIN_RATES = env_rates(
    "SEND_DOMAIN_RATES",
    {
        **dict.fromkeys(["orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "neuf.fr", "laposte.net"], 5),
        **dict.fromkeys(["gmail.com", "outlook.fr", "hotmail.fr", "live.fr", "yahoo.fr"], 10),
    },
)
SEND_RATE_MARGIN_MS = env_int("SEND_RATE_MARGIN_MS", 100)
# The sending window (Paris time; 24:00 for the end of the day), weekends or not: a campaign may set its own.
SEND_WINDOW = env_window("SEND_WINDOW", "08:00-20:00")
SEND_WEEKENDS = env_bool("SEND_WEEKENDS", False)
# Temporary refusals (4.x.x) of one address in a row before it is paused.
SEND_SOFT_BOUNCE_LIMIT = env_int("SEND_SOFT_BOUNCE_LIMIT", 3)
SEND_LEASE_SECONDS = env_int("SEND_LEASE_SECONDS", 120)
SEND_TASK_SECONDS = env_int("SEND_TASK_SECONDS", 300)
SEND_MAX_ATTEMPTS = env_int("SEND_MAX_ATTEMPTS", 5)
SEND_RETRY_BASE_SECONDS = env_int("SEND_RETRY_BASE_SECONDS", 60)
# Frequency cap: an ambassador is invited at most CONTACT_CAP_COUNT times in CONTACT_CAP_DAYS days (0: no cap).
CONTACT_CAP_COUNT = env_int("CONTACT_CAP_COUNT", 3)
CONTACT_CAP_DAYS = env_int("CONTACT_CAP_DAYS", 30)
# Telling people from machines (campaigns.tracking.classify): an open this soon after delivery with no other sign
# is a privacy proxy's prefetch; a click this soon after delivery is a security scanner's; a click within
# SCANNER_BURST_SECONDS of another link of the same message (the hidden decoy among them) is a scanner's too.
PROXY_OPEN_SECONDS = env_int("PROXY_OPEN_SECONDS", 30)
SCANNER_CLICK_SECONDS = env_int("SCANNER_CLICK_SECONDS", 60)
SCANNER_BURST_SECONDS = env_int("SCANNER_BURST_SECONDS", 5)
# On PostgreSQL opens and clicks are written in batches every TRACKING_FLUSH_MS milliseconds, off the request path
# (campaigns.tracking.buffer: a worker killed outright loses at most that much); 0 writes each at once. A process
# holds at most TRACKING_BUFFER_MAX of them: the request that finds the buffer full writes it.
TRACKING_FLUSH_MS = env_int("TRACKING_FLUSH_MS", 500)
TRACKING_BUFFER_MAX = env_int("TRACKING_BUFFER_MAX", 2000)

# Idea boards: how many ideas and comments one ambassador may post per hour, how many votes cast or withdrawn
# per minute, and for how long a comment stays editable by its author.
IDEAS_PER_HOUR = env_int("IDEAS_PER_HOUR", 5)
VOTES_PER_MINUTE = env_int("VOTES_PER_MINUTE", 30)
COMMENTS_PER_HOUR = env_int("COMMENTS_PER_HOUR", 30)
COMMENT_EDIT_MINUTES = env_int("COMMENT_EDIT_MINUTES", 15)
# How long a board's lists, the same for every ambassador, are kept in the cache (ideas.board; 0: not kept). Posts,
# comments, moderation, status changes and merges show at once; only vote counts may lag this long. How long a
# survey's structure is kept (surveys.structure; 0: not kept; an edit drops it at once).
BOARD_LIST_SECONDS = env_int("BOARD_LIST_SECONDS", 2)
SURVEY_STRUCTURE_SECONDS = env_int("SURVEY_STRUCTURE_SECONDS", 600)
# Engagement (campaigns.engagement): points per contribution, halved every ENGAGEMENT_HALF_LIFE_DAYS days; per
# campaign taken part in (frequency), halved likewise from the last contribution to it; and a recency bonus halved
# every ENGAGEMENT_RECENCY_DAYS days since the last contribution. A history point is kept when the tier changes or the
# score moved ENGAGEMENT_HISTORY_STEP points since the last one.
ENGAGEMENT_WEIGHTS = {
    "survey_answered": env_int("ENGAGEMENT_WEIGHT_SURVEY", 5),
    "idea_posted": env_int("ENGAGEMENT_WEIGHT_IDEA", 4),
    "idea_adopted": env_int("ENGAGEMENT_WEIGHT_ADOPTED", 10),
    "vote": env_int("ENGAGEMENT_WEIGHT_VOTE", 1),
    "comment": env_int("ENGAGEMENT_WEIGHT_COMMENT", 2),
    "campaign": env_int("ENGAGEMENT_WEIGHT_CAMPAIGN", 3),
    "recency": env_int("ENGAGEMENT_WEIGHT_RECENCY", 10),
}
ENGAGEMENT_HALF_LIFE_DAYS = env_int("ENGAGEMENT_HALF_LIFE_DAYS", 180)
ENGAGEMENT_RECENCY_DAYS = env_int("ENGAGEMENT_RECENCY_DAYS", 30)
ENGAGEMENT_HISTORY_STEP = env_int("ENGAGEMENT_HISTORY_STEP", 5)

# Privacy: no figure is shown or exported for a group of fewer ambassadors than this (reports, public results).
PRIVACY_THRESHOLD = env_int("PRIVACY_THRESHOLD", 5)
# A campaign's report and its charts are computed once and kept this many seconds (reports.report_cache).
REPORT_CACHE_SECONDS = env_int("REPORT_CACHE_SECONDS", 60)
# Retention: this many months after a campaign closed, its invitations (and their tracking) stop naming anyone
# (0: kept as long as the campaign).
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24)
# Report exports (workbooks, CSV files under var/exports) are deleted this many days after they were asked for, by
# a daily schedule (0: kept for ever).
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 30)
# Audit trail (campaigns.audit): entries older than this many months are purged every day (0: kept for ever).
AUDIT_RETENTION_MONTHS = env_int("AUDIT_RETENTION_MONTHS", 12)
# Unknown personal-link tokens one address may try per minute before the token endpoints answer 429.
TOKEN_FAILURES_PER_MINUTE = env_int("TOKEN_FAILURES_PER_MINUTE", 20)
# How many reverse proxies in front of the web processes append to X-Forwarded-For (0: none, REMOTE_ADDR).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# REST API (api/): calls each key may make (and each address without a valid key), as "<count>/<s|m|h|d>",
# counted in the cache (set CACHE_URL to a Redis so that all processes share the count); the most ambassadors one
# upsert call may carry (its body's size: API_UPSERT_MAX_BODY_MB in config/upload_settings.py).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/m")
API_UPSERT_MAX_ROWS = env_int("API_UPSERT_MAX_ROWS", 10_000)
# Outgoing webhooks (api/webhooks): collected every minute up to WEBHOOK_LAG_SECONDS ago, at most WEBHOOK_BATCH sent a
# tick, each POST waiting WEBHOOK_TIMEOUT_SECONDS; a failure is retried after WEBHOOK_RETRY_SECONDS, doubling each
# time, and given up after WEBHOOK_MAX_ATTEMPTS.
WEBHOOK_LAG_SECONDS = env_int("WEBHOOK_LAG_SECONDS", 5)
WEBHOOK_BATCH = env_int("WEBHOOK_BATCH", 500)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_RETRY_SECONDS = env_int("WEBHOOK_RETRY_SECONDS", 30)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
