"""{% once %}: the layout's visitor-independent parts are rendered once and reused."""

import re

import pytest
from django.template import Context, Engine, TemplateSyntaxError, engines
from django.test import Client, override_settings
from django.utils import translation


def render(source, **context):
    return engines["django"].from_string("{% load i18n pages %}" + source).render(context)


def test_each_language_gets_its_own_words():
    template = engines["django"].from_string(
        '{% load i18n pages %}{% once %}{% translate "Log in" %}{% endonce %}'
    )

    with translation.override("en"):
        english = template.render({})
    with translation.override("id"):
        indonesian = template.render({})
    with translation.override("en"):
        english_again = template.render({})

    assert (english, indonesian, english_again) == ("Log in", "Masuk", "Log in")


def test_the_visitor_and_the_page_never_reach_a_shared_part():
    template = engines["django"].from_string(
        "{% load pages %}{% once %}[{{ user.email }}|{{ q }}]{% endonce %}"
    )

    first = template.render({"user": {"email": "ani@example.com"}, "q": "<b>"})
    second = template.render({"user": {"email": "budi@example.com"}, "q": "x"})

    assert first == second == "[|]"


def test_site_settings_are_available_and_escaped():
    with override_settings(SITE_NAME="Warung <Kita>"):
        assert render("{% once %}{{ SITE_NAME }}{% endonce %}") == "Warung &lt;Kita&gt;"


def test_links_follow_overridden_settings():
    template = engines["django"].from_string(
        "{% load static pages %}{% once %}{% static 'css/site.css' %}{% endonce %}"
    )
    before = template.render({})

    with override_settings(
        STATIC_URL="/elsewhere/",
        STORAGES={"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
    ):
        moved = template.render({})

    assert moved == "/elsewhere/css/site.css"
    assert before != moved


def test_content_is_rendered_once_then_reused(monkeypatch):
    template = engines["django"].from_string("{% load pages %}{% once %}{{ SITE_NAME }}{% endonce %}")
    calls = []
    node = template.template.nodelist[-1]
    original = node.nodelist.render
    monkeypatch.setattr(node.nodelist, "render", lambda context: calls.append(1) or original(context))

    for _ in range(3):
        template.render({})

    assert len(calls) == 1


@pytest.mark.django_db
def test_search_box_and_language_form_keep_the_request_parts(client):
    response = client.get("/cari/", {"q": '"><script>x</script>', "utm_source": "fb"})

    assert 'name="q" value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in response.text
    assert 'name="next" type="hidden" value="/cari/?q=' in response.text
    assert "utm_source" not in response.text.split('name="next"')[1].split(">")[0]


@pytest.mark.parametrize("tag", ["once", "personal"])
def test_a_block_inside_once_or_personal_is_refused_when_the_template_is_read(tag):
    # {% extends %} does not look inside them for blocks (they hide their content from it).
    with pytest.raises(TemplateSyntaxError, match="cannot hold a {% block %}"):
        engines["django"].from_string(
            f"{{% load pages %}}{{% {tag} %}}{{% block x %}}{{% endblock %}}{{% end{tag} %}}"
        )


@pytest.mark.parametrize("tag", ["once", "personal"])
def test_once_or_personal_inside_a_language_tag_is_refused_when_the_template_is_read(tag):
    # The language they are kept under is read once per template render.
    with pytest.raises(TemplateSyntaxError, match="cannot be inside {% language %}"):
        engines["django"].from_string(
            f"{{% load i18n pages %}}{{% language 'en' %}}{{% {tag} %}}x{{% end{tag} %}}{{% endlanguage %}}"
        )


def test_an_included_template_in_another_language_gets_its_own_words():
    loader = {
        "page.html": "{% load i18n pages %}{% once %}{% translate 'Log in' %}{% endonce %}|"
        "{% language 'en' %}{% include 'part.html' %}{% endlanguage %}|"
        "{% once %}{% translate 'Sign up' %}{% endonce %}",
        "part.html": "{% load i18n pages %}{% once %}{% translate 'Log in' %}{% endonce %}",
    }
    engine = Engine(
        loaders=[("django.template.loaders.locmem.Loader", loader)],
        libraries={"pages": "marketplace.templatetags.pages", "i18n": "django.templatetags.i18n"},
    )

    with translation.override("id"):
        assert engine.get_template("page.html").render(Context({})) == "Masuk|Log in|Daftar"


def test_blocks_beside_once_and_personal_are_still_filled_by_the_page():
    parent = (
        "{% load pages %}{% once %}[{% endonce %}{% block a %}-{% endblock %}{% personal %}{% endpersonal %}]"
    )
    loader = {"parent.html": parent, "child.html": "{% extends 'parent.html' %}{% block a %}A{% endblock %}"}
    engine = Engine(
        loaders=[("django.template.loaders.locmem.Loader", loader)],
        libraries={"pages": "marketplace.templatetags.pages"},
    )

    assert engine.get_template("child.html").render(Context({})) == "[A<!--personal--><!--/personal-->]"


@pytest.mark.django_db
def test_visitors_without_a_session_share_one_header_per_language_and_others_get_their_own(
    client, buyer, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # every page rendered
    header = re.compile(r"<!--personal-->.*?<!--/personal-->", re.S)
    english = Client()
    english.cookies["django_language"] = "en"
    logged_in = Client()
    logged_in.force_login(buyer)

    first, again, in_english = (header.search(c.get("/").text)[0] for c in (Client(), Client(), english))
    theirs = header.search(logged_in.get("/").text)[0]

    assert first == again
    assert "Masuk" in first and "Log in" in in_english
    assert buyer.email in theirs and buyer.email not in first
    assert header.search(Client().get("/").text)[0] == first  # after a logged-in render too
