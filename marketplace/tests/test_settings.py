"""Settings are read once per process, so each case runs in a fresh Python process."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

CONFIG_VARIABLES = [
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "EMAIL_HOST",
    "SITE_NAME",
    "SECURE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
]

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
from marketplace.celery import app
print(json.dumps({
    "debug": s.DEBUG,
    "db_engine": s.DATABASES["default"]["ENGINE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "cache": s.CACHES["default"]["BACKEND"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "media": s.STORAGES["default"]["BACKEND"],
    "email": s.EMAIL_BACKEND,
    "language": s.LANGUAGE_CODE,
    "languages": [code for code, _ in s.LANGUAGES],
    "time_zone": s.TIME_ZONE,
    "site_name": s.SITE_NAME,
    "verification": s.ACCOUNT_EMAIL_VERIFICATION,
    "serializer": app.conf.task_serializer,
}))
"""


def run_python(args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE="marketplace.settings", **env)
    return subprocess.run(
        [sys.executable, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )


TEST_SECRET = "a-secret-for-this-test-only"


def settings_with(**env):
    result = run_python(["-c", SHOW_SETTINGS], **{"SECRET_KEY": TEST_SECRET, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_need_no_configuration():
    shown = settings_with()

    assert shown["debug"] is False
    assert shown["db_engine"] == "django.db.backends.sqlite3"
    assert shown["db_name"].endswith("db.sqlite3")
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["eager"] is True
    assert shown["media"] == "django.core.files.storage.FileSystemStorage"
    assert shown["email"] == "django.core.mail.backends.console.EmailBackend"
    assert shown["language"] == "id"
    assert shown["languages"] == ["id", "en"]
    assert shown["time_zone"] == "Asia/Jakarta"
    assert shown["site_name"] == "Warung Online"
    assert shown["verification"] == "mandatory"
    assert shown["serializer"] == "json"


def test_production_services_come_from_the_environment():
    shown = settings_with(
        DATABASE_URL="postgres://warung:secret@db.internal:5432/warung",
        REDIS_URL="redis://cache.internal:6379/0",
        AWS_STORAGE_BUCKET_NAME="warung-media",
        EMAIL_HOST="smtp.internal",
        SITE_NAME="Warung Purwakarta",
    )

    assert shown["db_engine"] == "django.db.backends.postgresql"
    assert shown["db_name"] == "warung"
    assert shown["cache"] == "marketplace.cache.ResilientRedisCache"
    assert shown["eager"] is False
    assert shown["broker"] == "redis://cache.internal:6379/0"
    assert shown["media"] == "storages.backends.s3.S3Storage"
    assert shown["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert shown["site_name"] == "Warung Purwakarta"


def test_email_verification_is_optional_only_in_debug():
    assert settings_with(DEBUG="1")["verification"] == "optional"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql//oops"),
        ("DATABASE_URL", "postgres://user@host:notaport/db"),
        ("DATABASE_URL", "postgres://user@host:5432"),
        ("REDIS_URL", "localhost:6379"),
        ("REDIS_URL", "redis://localhost:port/0"),
        ("DEBUG", "maybe"),
    ],
)
def test_a_malformed_variable_stops_start_up_with_one_line_naming_it(variable, value):
    result = run_python(["manage.py", "check"], **{"SECRET_KEY": TEST_SECRET, variable: value})

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert variable in lines[0]


def test_production_configuration_passes_the_deployment_checklist():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="warung.example.go.id",
        DATABASE_URL="postgres://warung@db.internal:5432/warung",
        REDIS_URL="redis://cache.internal:6379/0",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python(["manage.py", "check"], DEBUG="0")

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY must be set when DEBUG is off (a long random string, see docs/deploy.md)"
    ]


def test_a_development_machine_starts_without_a_secret_key():
    result = run_python(["manage.py", "check"], DEBUG="1")

    assert result.returncode == 0, result.stderr
