# Minimal Django project for the django-helpdesk comparison benchmark (Benchmarks/helpdesk/).
# setup.sh copies this file to DIR/hdbench/settings.py; the database and secret live in DIR.
from pathlib import Path

from django.db.backends.signals import connection_created

DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = (DIR / "secret.txt").read_text().strip()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdbench.urls"
WSGI_APPLICATION = "hdbench.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

# SQLite in WAL mode (as Cunwu runs it), a 5 s busy timeout (Cunwu: busy_timeout=5000),
# IMMEDIATE transactions so two gunicorn workers writing at once wait for the lock rather
# than fail on a lock upgrade, and one persistent connection per worker.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DIR / "db.sqlite3",
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "timeout": 5,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }
}


def _wal(sender, connection, **kwargs):
    # Belt and braces: WAL is a property of the file, but assert it on every new connection.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL;")


connection_created.connect(_wal)

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
STATIC_URL = "/static/"
STATIC_ROOT = DIR / "static"
MEDIA_ROOT = DIR / "media"
LOGIN_URL = "/login/"

# New tickets e-mail their submitter: the messages are rendered but not sent.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.invalid"

# The REST API under /api/ (helpdesk's HELPDESK_API_ENABLED, on by default), with DRF tokens:
# "Authorization: Token <key>". The ticket viewset sets its own pagination class (25 a page,
# ?page_size=N honoured), so DEFAULT_PAGINATION_CLASS would not apply to it; list.lua asks for
# ?page_size=50, Cunwu's default page.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
HELPDESK_API_ENABLED = True
# Teams mode needs pinax-teams, which the comparison does not use. (The knowledge base stays
# on: helpdesk 2.6.1's urls.py fails to import with HELPDESK_KB_ENABLED = False.)
HELPDESK_TEAMS_MODE_ENABLED = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
