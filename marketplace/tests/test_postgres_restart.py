"""PostgreSQL restarted under load: a plain error page for the requests caught in it, then the site
recovers by itself, and every write that was answered as done is still there.

Runs a PRIVATE PostgreSQL (initdb + pg_ctl in a temporary folder, on a free port, as the postgres
user) and gunicorn pointed at it, so the shared database server is never touched.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import missing_service

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LEAKS = ("Traceback", "psycopg2", "OperationalError", 'File "/')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(command):
    """PostgreSQL refuses to run as root: run its tools as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    def __init__(self, folder):
        self.folder, self.port = folder, free_port()
        self.data = folder / "data"

    def run(self, *command, check=True):
        return subprocess.run(as_postgres([str(PG_BIN / command[0]), *command[1:]]), check=check,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    def start(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.pg_ctl("start")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "warung")

    def pg_ctl(self, action, *extra):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        return self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                        "-w", *extra, action)  # fmt: skip

    def stop(self):
        if self.data.exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/warung"

    def emails(self):
        result = self.run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "warung", "-Atc",
            "select email from marketplace_user",
        )  # fmt: skip
        return set(result.stdout.split())


@pytest.fixture
def private_postgres():
    if not (PG_BIN / "initdb").exists():
        missing_service(f"PostgreSQL 15 binaries are not installed in {PG_BIN}")
    # Not under pytest's tmp_path: its parent folders are closed to the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="warung-pg-"))
    server = PrivatePostgres(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def site(private_postgres, tmp_path):
    """Gunicorn serving the marketplace from the private PostgreSQL, production settings."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "BROKER_URL")},
        "DATABASE_URL": private_postgres.url,
        "DEBUG": "0",
        "SECURE": "0",
        "SECRET_KEY": "restart-test-secret-key-long-enough-to-look-like-a-real-one",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PAGE_CACHE_SECONDS": "0",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True, timeout=300)  # fmt: skip
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "marketplace.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            pytest.fail((tmp_path / "gunicorn.log").read_text())
        yield base
    finally:
        web.terminate()
        web.wait(timeout=30)
        log.close()


class Load:
    """Readers on the home page and a writer signing people up, all recording what they got."""

    def __init__(self, base):
        self.base, self.stop = base, threading.Event()
        self.answers = []  # (kind, status or exception name, body)
        self.signed_up = []  # e-mails whose sign-up was answered as done

    def read(self):
        while not self.stop.is_set():
            self.record("read", lambda: requests.get(f"{self.base}/", timeout=15))

    def sign_up(self, number):
        session = requests.Session()
        email = f"pembeli{number}@example.com"

        def post():
            page = session.get(f"{self.base}/accounts/signup/", timeout=15)
            token = CSRF.search(page.text)
            if not token:
                return page
            return session.post(
                f"{self.base}/accounts/signup/",
                {"csrfmiddlewaretoken": token.group(1), "email": email,
                 "password1": "kopi-tubruk-pagi-hari", "password2": "kopi-tubruk-pagi-hari"},
                headers={"Referer": f"{self.base}/accounts/signup/"}, allow_redirects=False, timeout=15,
            )  # fmt: skip

        response = self.record("write", post)
        if response is not None and response.status_code == 302:
            self.signed_up.append(email)

    def record(self, kind, call):
        try:
            response = call()
        except requests.RequestException as error:
            self.answers.append((kind, type(error).__name__, ""))
            return None
        self.answers.append((kind, response.status_code, response.text))
        return response

    def failures(self):
        return [(kind, status, body) for kind, status, body in self.answers if status not in (200, 302)]


@pytest.mark.postgres
def test_postgres_restarted_under_load(postgres, site, private_postgres):
    """Runs with the PostgreSQL suite (a private server of its own; the suite's is not touched)."""
    load = Load(site)
    readers = [threading.Thread(target=load.read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for number in range(4):
            load.sign_up(number)
        private_postgres.pg_ctl("restart", "-m", "fast")
        for number in range(4, 8):
            load.sign_up(number)
        time.sleep(1)
    finally:
        load.stop.set()
        for reader in readers:
            reader.join(timeout=30)

    # Requests caught in the restart got a plain error page, never a traceback or a dropped line.
    for kind, status, body in load.failures():
        assert status in (500, 502, 503), (kind, status)
        assert not any(leak in body for leak in LEAKS), body[:500]
    # The site came back by itself: every process reconnects on its next request.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and requests.get(f"{site}/", timeout=15).status_code != 200:
        time.sleep(0.5)
    assert requests.get(f"{site}/", timeout=15).status_code == 200
    assert requests.get(f"{site}/healthz", timeout=15).json()["database"] == "ok"
    load.sign_up(99)
    assert "pembeli99@example.com" in load.signed_up
    # Nothing answered as done was lost.
    assert set(load.signed_up) <= private_postgres.emails()
    assert len(load.signed_up) >= 6
    print(
        f"\nrequests: {len(load.answers)}, failed during the restart: {len(load.failures())}, "
        f"sign-ups answered as done: {len(load.signed_up)}, all present after the restart"
    )
