"""Media on an S3-compatible server for real: moto's S3 server on loopback, django-storages, boto3.

Public renditions land in the public bucket and are readable by anyone; KTP photos, payment
proofs and product originals land in the private bucket, readable only through the
permission-checked views or a signed URL that expires within minutes.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.storage import default_storage
from django.urls import reverse

from marketplace.env import s3_storages
from marketplace.tests.photos import phone_jpeg, upload

moto_server = pytest.importorskip("moto.server")

PUBLIC, PRIVATE = "warung-media", "warung-private"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """Two fresh buckets and STORAGES built the way settings.py builds them with S3 configured."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "warung-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "warung-test-secret")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    for bucket in (PUBLIC, PRIVATE):
        if bucket in [b["Name"] for b in client.list_buckets()["Buckets"]]:
            for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
                client.delete_object(Bucket=bucket, Key=item["Key"])
        else:
            client.create_bucket(Bucket=bucket)
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_QUERYSTRING_AUTH = False
    settings.AWS_S3_FILE_OVERWRITE = False
    public, private = s3_storages(
        private_bucket=PRIVATE, private_url_seconds=300, bucket_name=PUBLIC, default_acl="public-read"
    )
    settings.STORAGES = {**settings.STORAGES, "default": public, "private": private}
    return client


def keys(client, bucket):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def unsigned(url):
    return url.split("?")[0]


@pytest.mark.django_db
def test_product_renditions_are_public_and_the_original_private(
    s3, shop_a, django_capture_on_commit_callbacks
):
    from catalog import services
    from catalog.tests.factories import image_bytes, make_product

    product = make_product(shop_a)
    with django_capture_on_commit_callbacks(execute=True):  # the render task runs eagerly
        image = services.add_image(product=product, upload=upload(image_bytes(900, 600)))

    image.refresh_from_db()
    assert image.status == "ready"
    names = [r["name"] for r in image.renditions]
    assert keys(s3, PUBLIC) == sorted(names)
    assert image.original.name in keys(s3, PRIVATE)
    # Anyone (a CDN, a phone) reads a rendition; nobody reads the original without a signature.
    assert requests.get(default_storage.url(names[0]), timeout=5).status_code == 200
    assert requests.get(unsigned(image.original.url), timeout=5).status_code == 403


@pytest.mark.django_db
def test_a_ktp_photo_goes_to_the_private_bucket_and_out_only_signed_or_through_the_view(
    s3, shop_a, shop_a_owner, shop_b_owner, client
):
    client.force_login(shop_a_owner)
    response = client.post(
        reverse("vendors:onboarding_legal", args=[shop_a.slug]),
        {"identity_document": upload(phone_jpeg()), "bank": "BRI", "account_number": "123456789",
         "holder_name": "Sri"},
    )  # fmt: skip
    assert response.status_code == 302
    shop_a.refresh_from_db()
    name = shop_a.identity_document.name

    assert name in keys(s3, PRIVATE) and not keys(s3, PUBLIC)
    signed = shop_a.identity_document.url
    query = parse_qs(urlsplit(signed).query)
    assert "Signature" in query or "X-Amz-Signature" in query
    lifetime = int(query["X-Amz-Expires"][0]) if "X-Amz-Expires" in query else None
    assert lifetime is None or lifetime <= 300
    assert requests.get(unsigned(signed), timeout=5).status_code == 403
    assert requests.get(signed, timeout=5).status_code == 200

    view = reverse("vendors:identity_document", args=[shop_a.slug])
    streamed = client.get(view)
    assert streamed.status_code == 200 and b"".join(streamed.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(shop_b_owner)
    assert client.get(view).status_code == 404


def test_private_files_default_to_their_own_prefix_when_no_private_bucket_is_set():
    public, private = s3_storages()

    assert private["OPTIONS"]["location"] == "private" and private["OPTIONS"]["querystring_auth"]
    assert "bucket_name" not in private["OPTIONS"] and public == {"BACKEND": "storages.backends.s3.S3Storage"}
