"""The web process takes what it loaded out of the cycle collector's sight (marketplace/wsgi.py)."""

import gc
from wsgiref.util import setup_testing_defaults

import pytest
from django.urls import reverse

from marketplace.wsgi import application, frozen_after_warm_up


def answer(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_what_the_process_holds_is_frozen_at_its_warm_up_request_and_answers_go_on():
    assert gc.get_freeze_count() == 0
    served = frozen_after_warm_up(answer, requests=3)
    try:
        answers = [served({}, lambda status, headers: None) for _ in range(2)]
        assert gc.get_freeze_count() == 0
        answers += [served({}, lambda status, headers: None) for _ in range(3)]
        assert gc.get_freeze_count() > 0
        assert answers == [[b"ok"]] * 5
    finally:
        gc.unfreeze()


@pytest.mark.django_db
def test_the_application_gunicorn_serves_answers_through_django():
    environ = {"PATH_INFO": reverse("web_manifest"), "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    started = []

    body = b"".join(application(environ, lambda status, headers: started.append(status)))

    assert started == ["200 OK"]
    assert b'"start_url"' in body
