"""The Django template language against Jinja2 on a storefront page, in process.

    make bench-templates        # .venv/bin/python benchmarks/template_engines.py

Needs no service (Jinja2 comes with the development requirements). It renders a category page
as a visitor who missed the page cache gets it, its heading and listing body already cached
(fragments put in as they are: the crumbs and subcategories, 24 cards), three ways:

- django, with {% once %}: the real `templates/catalog/category.html` and `base.html`, as in
  production (cached loader, the layout's fixed parts rendered once, DEBUG off);
- jinja2: a line-by-line copy in Jinja2 (`benchmarks/jinja2/`) through Django's Jinja2 backend,
  with the same context processors, request and language, every link, static file and word
  computed on each render;
- jinja2, with once per language: the same copy, its links, static files and words computed once
  per language and URL prefix, then reused (what `{% once %}` does for the Django templates).

The three pages are checked to be the same HTML (whitespace aside) before anything is timed. It
prints the median time of one render of each and its share of a whole page missed by the page
cache (`--page-ms`: the median measured through the WSGI handler for such a page, RESULTS.md).
"""

import argparse
import functools
import os
import re
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JINJA_TEMPLATES = Path(__file__).resolve().parent / "jinja2"


def environment(**options):
    """The Jinja2 environment of the copy: Django's translations, links and static files,
    each computed on every render."""
    return jinja_environment(options, remember=lambda function: function)


def remembering_environment(**options):
    """The same, with every link, static file and word computed once per language and URL
    prefix, then reused: what `{% once %}` does for the Django templates."""
    return jinja_environment(options, remember=once_per_language)


def once_per_language(function):
    from django.urls import get_script_prefix
    from django.utils.translation import get_language

    @functools.cache
    def remembered(language, prefix, *args):
        return function(*args)

    return lambda *args: remembered(get_language(), get_script_prefix(), *args)


def jinja_environment(options, remember):
    import jinja2
    from django.conf import settings
    from django.templatetags.static import static
    from django.urls import reverse
    from django.utils.translation import get_language, gettext, ngettext

    from marketplace.templatetags.pages import shared_path

    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(remember(gettext), remember(ngettext), newstyle=True)
    env.globals.update(
        static=remember(static),
        url=remember(lambda name, *args: reverse(name, args=args)),
        shared_path=lambda request: shared_path({"request": request}),
        # As `{% get_current_language %}` and `{% get_available_languages %}`.
        current_language=get_language,
        available_languages=remember(lambda: [(code, gettext(name)) for code, name in settings.LANGUAGES]),
    )
    return env


def jinja_engine(environment="environment"):
    """Django's Jinja2 backend over the copy, with the site's own context processors."""
    from django.conf import settings
    from django.template.backends.jinja2 import Jinja2

    return Jinja2(
        {
            "NAME": f"benchmark-{environment}",
            "DIRS": [JINJA_TEMPLATES],
            "APP_DIRS": False,
            "OPTIONS": {
                "environment": f"benchmarks.template_engines.{environment}",
                "context_processors": settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                "auto_reload": False,
            },
        }
    )


def visitor_request():
    """An anonymous visitor's GET of a category page, as the middleware leaves it."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().get("/kategori/makanan-minuman/", {"page": "2", "fbclid": "IwAR0"})
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def page_context():
    """A category page's context: its heading and a listing body of 24 cards, both cached
    fragments put in as they are."""
    from django.utils.safestring import mark_safe

    card = (
        '<li class="card">\n<a href="/toko/dapur-bu-ani/p-{n}/">\n<img src="/media/p/{n}-320.webp" '
        'alt="Keripik Singkong {n}" width="320" height="320" loading="lazy">\n<span class="card-name">'
        'Keripik Singkong {n}</span></a>\n<span class="card-price">Rp 15.000</span>\n<span class='
        '"card-stats">Belum ada ulasan · 3 terjual</span>\n<span class="card-meta">Dapur Bu Ani · '
        "Kota Batam</span>\n\n</li>\n"
    )
    listing = '<ul class="grid">' + "".join(card.format(n=n) for n in range(24)) + "</ul>"
    heading = (
        '<nav class="crumbs"><a href="/">Beranda</a> › <a href="/kategori/makanan-minuman/">Makanan &amp; '
        'Minuman</a></nav>\n<h1>🍘 Makanan Ringan &amp; Keripik</h1>\n<ul class="categories">'
        + "".join(f'<li><a href="/kategori/sub-{n}/">Sub {n}</a></li>' for n in range(6))
        + "</ul>\n"
    )
    return {
        "category_name": "Makanan Ringan & Keripik",
        "heading": mark_safe(heading),  # noqa: S308 - our own markup, as a cached fragment is
        "listing": mark_safe(listing),  # noqa: S308 - our own markup, as a cached fragment is
        "region": "",
    }


def renderers():
    """{engine: a function rendering the page once}."""
    from django.template.loader import get_template

    request, context = visitor_request(), page_context()
    templates = {
        "django, with {% once %}": get_template("catalog/category.html"),
        "jinja2": jinja_engine().get_template("catalog/category.html"),
        "jinja2, with once per language": jinja_engine("remembering_environment").get_template(
            "catalog/category.html"
        ),
    }
    return {name: partial(template.render, context, request) for name, template in templates.items()}


def comparable(html):
    """The page with its whitespace runs made one space and its CSRF tokens taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def median_ms(render, rounds, per_round):
    for _ in range(per_round // 10):
        render()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(per_round):
            render()
        times.append((time.perf_counter() - started) / per_round * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--renders", type=int, default=2000, help="per round")
    parser.add_argument("--page-ms", type=float, default=1.05, help="a whole page missed by the page cache")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from benchmarks import loadtools

    loadtools.collectstatic(loadtools.base_env())  # the hashed static files production serves
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-never-used-in-production")
    import django
    from django.utils import translation

    django.setup()
    translation.activate("id")
    renders = renderers()
    pages = {name: render() for name, render in renders.items()}
    reference = comparable(pages["django, with {% once %}"])
    if any(comparable(page) != reference for page in pages.values()):
        sys.exit("The Jinja2 copy no longer renders the same page: update benchmarks/jinja2/.")

    print(f"benchmarks/template_engines.py: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(
        f"a category page's layout around its cached heading and listing body: {len(reference) / 1024:.1f} KB of HTML"
    )
    print("| engine | ms per render (median of rounds) | share of a whole page |")
    print("| --- | ---: | ---: |")
    for name, render in renders.items():
        ms = median_ms(render, args.rounds, args.renders)
        print(f"| {name} | {ms:.3f} | {ms / args.page_ms:.0%} |")
    print(f"(a whole page missed by the page cache: {args.page_ms} ms through the WSGI handler, --page-ms)")


if __name__ == "__main__":
    main()
