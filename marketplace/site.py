"""The site's one public address: every absolute link (e-mails, link previews, canonical links,
WhatsApp messages, printed log-ins) is built from settings.SITE_URL, never from the request,
so a link says the port `make run` serves on and a deployment's real domain behind a proxy."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` ("/toko/x/") on the site's address; an address that is already absolute (a file on
    a CDN) is returned as it is."""
    if not path or urlsplit(path).scheme:
        return path
    return settings.SITE_URL + "/" + path.lstrip("/")
