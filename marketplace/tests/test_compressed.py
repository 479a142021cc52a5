"""Stored pages compressed once and glued to each visitor's own parts (marketplace/compressed.py)."""

import gzip
import zlib

from hypothesis import given
from hypothesis import strategies as st

from marketplace.compressed import CSRF_HOLE, PERSONAL_HOLE, compress_page, gzipped, gzipped_page, plain_page

PAGE = (
    b"<html><header>" + PERSONAL_HOLE + b"</header><form>" + CSRF_HOLE + b"</form>" + b"<p>Keripik</p>" * 500
)


def test_a_page_with_holes_decompresses_to_the_page_with_the_visitors_parts():
    fill = {CSRF_HOLE: b"token-of-ani", PERSONAL_HOLE: b"<a>Keluar</a>"}
    expected = PAGE.replace(CSRF_HOLE, b"token-of-ani").replace(PERSONAL_HOLE, b"<a>Keluar</a>")

    stored = compress_page(PAGE)
    answer = gzipped_page(stored, fill)

    assert gzip.decompress(answer) == expected
    assert plain_page(stored, fill) == expected
    assert len(answer) < len(expected) / 5


def test_the_answer_is_one_complete_gzip_member_with_a_random_length_name():
    stored = compress_page(PAGE.replace(CSRF_HOLE, b"").replace(PERSONAL_HOLE, b""))
    lengths = set()
    for _ in range(20):
        answer = gzipped_page(stored, {})
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        decompressor.decompress(answer)
        assert decompressor.eof and decompressor.unused_data == b""
        lengths.add(len(answer))
    assert len(lengths) > 1  # the size tells an attacker nothing (BREACH)


parts = st.binary(max_size=300).filter(lambda b: CSRF_HOLE not in b and PERSONAL_HOLE not in b)


@given(
    st.lists(st.tuples(parts, st.sampled_from([CSRF_HOLE, PERSONAL_HOLE])), max_size=5), parts, parts, parts
)
def test_any_page_and_any_fill_round_trip(pieces, tail, token, header):
    page = b"".join(segment + hole for segment, hole in pieces) + tail
    fill = {CSRF_HOLE: token, PERSONAL_HOLE: header}
    expected = page.replace(CSRF_HOLE, token).replace(PERSONAL_HOLE, header)

    stored = compress_page(page)

    assert gzip.decompress(gzipped_page(stored, fill)) == expected
    assert plain_page(stored, fill) == expected


@given(
    st.lists(st.tuples(parts, st.sampled_from([CSRF_HOLE, PERSONAL_HOLE])), max_size=4),
    parts,
    st.lists(st.tuples(parts, st.just(CSRF_HOLE)), max_size=2),
    parts,
    parts,
)
def test_a_stored_header_goes_in_with_its_own_token(pieces, tail, header_pieces, header_tail, token):
    page = b"".join(segment + hole for segment, hole in pieces) + tail
    header = b"".join(segment + hole for segment, hole in header_pieces) + header_tail
    fill = {CSRF_HOLE: token, PERSONAL_HOLE: compress_page(header)}
    expected = page.replace(CSRF_HOLE, token).replace(PERSONAL_HOLE, header.replace(CSRF_HOLE, token))

    stored = compress_page(page)

    assert gzip.decompress(gzipped_page(stored, fill)) == expected
    assert plain_page(stored, fill) == expected


def test_a_part_longer_than_one_uncompressed_block_goes_in_whole():
    token = bytes(range(256)) * 600  # 153,600 bytes: three stored blocks
    stored = compress_page(b"<form>" + CSRF_HOLE + b"</form>")

    assert gzip.decompress(gzipped_page(stored, {CSRF_HOLE: token})) == b"<form>" + token + b"</form>"


# --- Pages rendered anew: marketplace.middleware.GZipMiddleware ------------------------------


def test_a_page_rendered_anew_is_one_gzip_member_of_the_same_bytes_with_a_random_length_name():
    page = "<li class='card'>Keripik Pedas · Rp15.000</li>".encode() * 200
    answers = [gzipped(page) for _ in range(30)]

    assert all(gzip.decompress(answer) == page for answer in answers)
    assert all(answer[3] & 0x08 for answer in answers)  # a file name follows the header
    assert len({len(answer) for answer in answers}) > 5  # BREACH: its length varies
    assert max(len(answer) for answer in answers) < len(page) / 10


def test_the_gzip_middleware_compresses_what_the_browser_accepts_and_leaves_the_rest(rf):
    from django.http import HttpResponse, StreamingHttpResponse

    from marketplace.middleware import GZipMiddleware

    page = b"<p>Dapur Bu Ani</p>" * 50
    middleware = GZipMiddleware(lambda request: HttpResponse(page, headers={"ETag": '"v1"'}))

    zipped = middleware(rf.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br"))
    plain = middleware(rf.get("/"))
    short = GZipMiddleware(lambda request: HttpResponse(b"ok"))(rf.get("/", HTTP_ACCEPT_ENCODING="gzip"))
    streamed = GZipMiddleware(lambda request: StreamingHttpResponse([page, page]))(
        rf.get("/", HTTP_ACCEPT_ENCODING="gzip")
    )

    assert zipped["Content-Encoding"] == "gzip" and gzip.decompress(zipped.content) == page
    assert zipped["Content-Length"] == str(len(zipped.content))
    assert zipped["Vary"] == "Accept-Encoding" and zipped["ETag"] == 'W/"v1"'
    assert plain.content == page and "Content-Encoding" not in plain and plain["Vary"] == "Accept-Encoding"
    assert short.content == b"ok" and "Content-Encoding" not in short
    assert gzip.decompress(b"".join(streamed.streaming_content)) == page * 2
