"""The benchmark scripts' own logic: URL lists, wrk's output, the checkout form a load process posts.

No timings are asserted: these check that the scripts measure what they say they measure.
"""

import http.client
import os
import random
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks import checkout, checkout_steps, loadtools, throughput
from orders.models import Checkout
from orders.tests.factories import buy, cart_with, make_address, make_product, make_shop

CATALOGUE = {
    "categories": [(f"kategori-{n}", 15 if n < 17 else 1) for n in range(20)],
    "products": [(f"toko-{n % 40}", f"p-{n}") for n in range(1000)],
    "regions": [("32", "32.14"), ("21", "21.71"), ("35", "35.78")],
}


def test_every_audience_gets_hundreds_of_distinct_urls_of_every_kind():
    groups = throughput.build_url_groups(CATALOGUE, random.Random(1))

    assert set(groups) == set(throughput.GROUPS)
    assert groups["home"] == ["/"]
    for name in ("category", "product", "search", "filtered", "shared-link"):
        assert len(set(groups[name])) >= 200, name
    assert all(path.startswith("/kategori/") for path in groups["category"])
    assert any("?page=" in path for path in groups["category"])
    assert all(path.startswith("/toko/") for path in groups["product"])
    assert all(path.startswith("/cari/?q=") for path in groups["search"])
    searched = set(groups["search"])
    assert {"/cari/?q=kripik", "/cari/?q=ker"} & searched, "typos and short words are searched"
    for path in groups["filtered"]:
        query = path.split("?", 1)[1]
        assert any(name in query for name in ("province=", "min_price=", "halal=", "in_stock=", "sort="))
    assert all(
        "{rand}" in path and any(p in path for p in ("fbclid", "utm_", "gclid"))
        for path in groups["shared-link"]
    )


def test_the_url_lists_are_the_same_for_the_same_seed():
    assert throughput.build_url_groups(CATALOGUE, random.Random(3)) == throughput.build_url_groups(
        CATALOGUE, random.Random(3)
    )


def test_wrk_result_line_is_read_with_errors_of_every_kind_added_up():
    output = (
        "Running 2s test @ http://127.0.0.1:8180\n  1335 requests in 2.05s\n"
        "RESULT requests=1335 duration_us=2051330 bytes=11347500 p50_us=8568 p95_us=153302 p99_us=260023 "
        "non200=3 hits=1200 connect=1 read=2 write=0 timeout=4\n"
    )
    result = loadtools.parse_wrk(output)

    assert result.requests == 1335
    assert result.rate == pytest.approx(1335 / 2.05133)
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (8.568, 153.302, 260.023)
    assert result.errors == 3 + 1 + 2 + 4
    assert result.hit_share == pytest.approx(1200 / 1335)


def test_wrk_output_without_the_result_line_is_refused():
    with pytest.raises(ValueError, match="no RESULT line"):
        loadtools.parse_wrk("unable to connect to 127.0.0.1:8180 Connection refused\n")


def test_table_rows_and_closing_ratio_lines():
    row = {
        "catalogue": "10k", "page": "category", "audience": "buyer", "urls": 220, "requests": 2961, "rate": 123.4, "p50": 50.0,
        "p99": 210.0, "errors": 0, "hits": 0.0, "queries": 9.0, "bytes": 40960, "cpu_ms": 14.2,
        "generator": 0.12, "ratio": 0.4567,
    }  # fmt: skip
    bare = {**row, "page": "bare", "audience": "-", "ratio": 1.0}

    assert throughput.format_row(row).count("|") == throughput.HEADER.count("|")
    assert "| 0.46 |" in throughput.format_row(row)
    assert throughput.ratio_lines([bare, row]) == ["ratio 10k/category buyer 0.46"]


class Handler(BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):
        Handler.seen.append((self.path, self.headers.get("Cookie")))
        self.send_response(404 if self.path == "/missing" else 200)
        if self.path == "/hit":
            self.send_header("X-Page-Cache", "hit")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")
def test_the_wrk_script_cycles_paths_and_cookies_and_counts_hits_and_errors():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    target = type(
        "Target",
        (),
        {
            "base": f"http://127.0.0.1:{server.server_port}",
            "cpu_seconds": lambda self: 0,
            "connections_per_worker": lambda self: [2],
        },
    )()
    try:
        result = loadtools.run_wrk(
            target, ["/hit", "/missing", "/p?fbclid={rand}"], seconds=1, connections=2, cookies=["a=1", "b=2"]
        )
    finally:
        server.shutdown()

    assert result.requests > 0
    assert 0 < result.hits < result.requests
    assert result.errors >= result.requests // 3 - 2  # every /missing is an error
    paths = {path for path, _ in Handler.seen}
    assert {"/hit", "/missing"} <= paths
    fresh = [path for path in paths if path.startswith("/p?fbclid=")]
    assert len(fresh) > 1 and "{rand}" not in "".join(fresh), "a new number per request"
    assert {cookie for _, cookie in Handler.seen} == {"a=1", "b=2"}
    assert result.connections == [2]  # asked halfway through the run


def test_the_connections_each_worker_holds_are_counted_from_the_system_tables():
    listener = socket.create_server(("127.0.0.1", 0))
    clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
    accepted = [listener.accept()[0] for _ in range(3)]
    server = loadtools.Server("app", listener.getsockname()[1], {})
    server.worker_pids = lambda: [os.getpid()]  # this process plays the one worker
    try:
        assert server.connections_per_worker() == [3]  # the clients' own ends are not counted
        accepted.pop().close()
        assert server.connections_per_worker() == [2]
    finally:
        for connection in [*clients, *accepted, listener]:
            connection.close()


def free_port():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def test_the_kernel_spreads_keep_alive_connections_over_both_workers():
    # Opened one after the other, each with its request answered: without --reuse-port the
    # worker that accepted the first connection usually took all 32.
    server = loadtools.Server("benchmarks.bare_site:application", free_port(), loadtools.base_env()).start()
    clients = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=10) for _ in range(32)]
    try:
        for client in clients:  # kept open, as wrk keeps its connections
            client.request("GET", "/")
            assert client.getresponse().read().startswith(b"<!DOCTYPE html>")
        held = server.connections_per_worker()
    finally:
        for client in clients:
            client.close()
        server.stop()
    assert len(held) == 2 and sum(held) == 32
    assert min(held) > 0  # all 32 on one socket would have odds of one in two billion


def shop_with_product(django_user_model, stock):
    owner = django_user_model.objects.create_user(email="pemilik@example.com", first_name="Ani")
    return make_product(make_shop(owner, name="Dapur Ani"), stock=stock)


@pytest.mark.django_db
def test_the_checkout_form_read_from_the_page_places_the_order(client, django_user_model):
    product = shop_with_product(django_user_model, stock=5)
    buyer = django_user_model.objects.create_user(email="budi@example.com")
    make_address(buyer)
    cart_with(buyer, (product, 2))
    client.force_login(buyer)

    fields = checkout.checkout_fields(client.get("/checkout/").content.decode())
    response = client.post("/checkout/", fields)

    assert {
        "token",
        "address",
        "seen_total",
        f"shipping_{product.shop_id}",
        f"payment_{product.shop_id}",
    } <= set(fields)
    assert checkout.classify_order_answer(response.status_code, response["Location"]) == "placed"
    assert Checkout.objects.filter(buyer=buyer).count() == 1


@pytest.mark.django_db
def test_the_steps_script_buys_through_the_six_steps_of_the_load_test(client, django_user_model):
    product = shop_with_product(django_user_model, stock=5)
    buyer = django_user_model.objects.create_user(email="budi@example.com")
    make_address(buyer)
    client.force_login(buyer)
    steps = []

    def record(step, call):
        steps.append(step)
        return call()

    checkout_steps.purchase(client, product, record)

    assert tuple(steps) == checkout.STEPS
    order = Checkout.objects.get(buyer=buyer).orders.get()
    assert list(order.items.values_list("product_id", "quantity")) == [(product.pk, 1)]


@pytest.mark.django_db
def test_losing_the_last_unit_is_sold_out_not_an_error(client, django_user_model):
    product = shop_with_product(django_user_model, stock=1)
    buyer, rival = (
        django_user_model.objects.create_user(email=f"{name}@example.com") for name in ("budi", "sri")
    )
    make_address(buyer)
    cart_with(buyer, (product, 1))
    client.force_login(buyer)
    fields = checkout.checkout_fields(client.get("/checkout/").content.decode())
    buy(rival, (product, 1))

    response = client.post("/checkout/", fields)

    assert checkout.classify_order_answer(response.status_code, response["Location"]) == "sold-out"


def test_order_answers_are_classified():
    assert checkout.classify_order_answer(302, "/checkout/12/") == "placed"
    assert checkout.classify_order_answer(302, "/keranjang/") == "sold-out"
    assert checkout.classify_order_answer(200, "") == "retry"
    assert checkout.classify_order_answer(500, "") == "error"
    assert checkout.classify_order_answer(403, "") == "error"


def test_a_buyer_follows_each_redirect_to_its_path_at_once_as_a_browser_does():
    from benchmarks import checkout

    class Answers:
        def __init__(self, status):
            self.status, self.asked = status, []

        def request(self, method, path, form=None):
            self.asked.append((method, path))
            return self.status, "", ""

    steps = []
    browser = Answers(200)
    assert checkout.followed(browser, lambda step, ms: steps.append(step), "cart page", "/keranjang/")
    assert checkout.followed(
        browser, lambda step, ms: steps.append(step), "order page", "http://127.0.0.1:8190/checkout/12/?a=1"
    )
    assert browser.asked == [("GET", "/keranjang/"), ("GET", "/checkout/12/?a=1")]
    assert steps == ["cart page", "order page"]
    assert not checkout.followed(Answers(500), lambda step, ms: None, "cart page", "/keranjang/")


def test_a_page_without_the_checkout_form_gives_no_fields():
    assert (
        checkout.checkout_fields('<form action="/i18n/setlang/"><input name="language" value="id"></form>')
        is None
    )


@pytest.mark.django_db
def test_a_product_page_that_says_sold_out_is_recognised(client, django_user_model):
    product = shop_with_product(django_user_model, stock=1)
    url = f"/toko/{product.shop.slug}/{product.slug}/"
    assert not checkout.SOLD_OUT_BUTTON.search(client.get(url).content.decode())

    product.stock = 0
    product.save(update_fields=["stock"])

    assert checkout.SOLD_OUT_BUTTON.search(client.get(url).content.decode())


def test_a_buyer_does_not_open_again_a_product_seen_sold_out():
    products = [{"pk": 1}, {"pk": 2}, {"pk": 3}]
    rng = random.Random(3)

    picked = {checkout.pick(products, [6, 6, 1], {1, 2}, rng)["pk"] for _ in range(50)}
    everything_gone = {checkout.pick(products, [6, 6, 1], {1, 2, 3}, rng)["pk"] for _ in range(50)}

    assert picked == {3}
    assert everything_gone == {1, 2, 3}  # the run goes on rather than stopping the buyer


@pytest.fixture
def connections_kept_open():
    """A test's database connection holds its transaction: a WSGIHandler called directly would
    close it at the end of each request (as the test client prevents for its own requests)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_in_process_harness_times_real_pages_and_stops_at_any_other_answer(db, connections_kept_open):
    from django.core.handlers.wsgi import WSGIHandler

    from benchmarks import in_process

    handler = WSGIHandler()
    times = in_process.timings_ms(handler, ["/", "/cari/?q=keripik&fbclid=IwAR1"], [], requests=6)

    assert len(times) == 6 and all(wall > 0 and cpu > 0 for wall, cpu in times)
    with pytest.raises(SystemExit, match="404"):
        in_process.request_once(handler, "/kategori/tidak-ada/")


def test_the_after_edit_audience_changes_one_price_through_the_bulk_page_back_and_forth(
    django_user_model, connections_kept_open, django_capture_on_commit_callbacks
):
    from django.core.handlers.wsgi import WSGIHandler

    from benchmarks import in_process

    product = shop_with_product(django_user_model, stock=5)
    start = product.variants.get().price
    handler = WSGIHandler()
    prices = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            times = in_process.after_an_edit(handler, ["/", product.get_absolute_url()])
        prices.append(product.variants.get().price)

    assert len(times) == 2 and all(wall > 0 and cpu > 0 for wall, cpu in times)
    assert abs(prices[0] - start) == 1 and prices[1] == start  # one rupiah away, then back


def test_the_header_changed_audience_makes_each_buyers_header_stale_as_their_cart_would(db):
    from django.core.cache import cache

    from benchmarks import in_process
    from marketplace.pagecache import visitor_version_key

    name = "user." + "a" * 32
    cache.set(visitor_version_key(name), "before", timeout=None)

    in_process.header_goes_stale(f"sessionid=abc; messages=; pengunjung={name}")

    assert cache.get(visitor_version_key(name)) not in (None, "before")


def test_the_compression_comparison_renders_real_pages_with_each_library_in_turn(db, connections_kept_open):
    from django.core.handlers.wsgi import WSGIHandler

    from benchmarks import compression
    from marketplace import compressed

    handler = WSGIHandler()
    timings = compression.alternating_timings(handler, ["/", "/cari/?q=keripik"], requests=6)
    page = compression.plain_page(handler, "/")

    assert {name: len(times) for name, times in timings.items()} == {"zlib": 3, "zlib-ng": 3}
    assert compressed.zlib is compression.LIBRARIES["zlib-ng"]  # put back as it was
    assert page.startswith(b"<!DOCTYPE html>") and compression.compress_us(compressed.zlib, page, 1, 3) > 0


def test_the_search_queries_script_tells_typos_from_exact_searches_by_their_queries(
    postgres, django_user_model
):
    from benchmarks import search_queries

    shop_with_product(django_user_model, stock=5)  # "Keripik ..."

    exact_ms, exact_queries = search_queries.timed_search("keripik", rounds=3)
    typo_ms, typo_queries = search_queries.timed_search("kripik", rounds=3)

    assert exact_ms > 0 and exact_queries == 1
    assert typo_ms > 0 and typo_queries > 1
    assert search_queries.summary("typo", [10.0, 30.0]) == "search-queries typo mean 20.0 max 30.0"
