"""The yardstick: a bare Django view that renders 24 static product cards, nothing else.

Served by gunicorn with the same settings as the marketplace, it tells how fast this machine
serves Django at all; storefront pages are measured against it (see throughput.py).
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.template import Context, Engine
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="benchmark-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
django.setup()

CARD = """
<li class="card"><a href="/toko/{{ p.shop }}/{{ p.slug }}/">
<img src="/media/p/{{ p.slug }}-400.webp" width="400" height="400" alt="{{ p.name }}" loading="lazy">
<span class="card-name">{{ p.name }}</span></a>
<span class="card-price">{{ p.price }}</span><span class="card-meta">{{ p.shop_name }} · {{ p.regency }}</span></li>
"""
PAGE = Engine().from_string(
    "<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'><title>Produk</title></head><body>"
    "<ul class='grid'>{% for p in products %}" + CARD + "{% endfor %}</ul></body></html>"
)
PRODUCTS = [
    {
        "shop": "toko-contoh",
        "slug": f"produk-{n}",
        "name": f"Keripik Singkong Pedas {n}",
        "price": "Rp15.000",
        "shop_name": "Toko Contoh",
        "regency": "Kabupaten Purwakarta",
    }
    for n in range(24)
]


def cards(request):
    return HttpResponse(PAGE.render(Context({"products": PRODUCTS})))


urlpatterns = [path("", cards)]
application = get_wsgi_application()
