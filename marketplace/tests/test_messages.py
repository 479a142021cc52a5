from django.contrib import messages
from django.http import HttpResponse
from django.template import engines

from marketplace.messages import MessageMiddleware, built_storage
from marketplace.middleware import SessionMiddleware

SHOW = engines["django"].from_string(
    "{% if messages %}{% for message in messages %}<p>{{ message }}</p>{% endfor %}{% else %}none{% endif %}"
)


def through_middleware(request, view):
    """The request through the session and message middleware, as in the settings."""
    return SessionMiddleware(MessageMiddleware(view))(request)


def shown(request):
    return HttpResponse(SHOW.render({"messages": messages.get_messages(request)}))


def test_a_page_for_a_visitor_without_cookies_builds_no_message_storage(client, settings, db):
    settings.PAGE_CACHE_SECONDS = 0  # the page is rendered anew, through the message middleware

    response = client.get("/")

    assert response.status_code == 200
    assert '<ul class="messages">' not in response.text
    assert built_storage(response.wsgi_request) is None
    assert "messages" not in response.cookies


def test_a_message_added_for_a_visitor_without_cookies_is_kept_and_shown_on_the_next_page(rf, db):
    def confirm(request):
        messages.success(request, "Alamat e-mail Anda sudah dikonfirmasi.")
        return HttpResponse("ok")

    first = through_middleware(rf.get("/akun/konfirmasi/"), confirm)
    cookie = first.cookies["messages"].value

    second = rf.get("/", HTTP_COOKIE=f"messages={cookie}")
    page = through_middleware(second, shown)

    assert page.content.decode() == "<p>Alamat e-mail Anda sudah dikonfirmasi.</p>"
    assert page.cookies["messages"]["max-age"] == 0  # shown once: the cookie is deleted


def test_a_message_waiting_in_the_session_is_shown_once(client, buyer, password, rf, settings):
    # Django's default storage keeps messages in the session only beyond what its cookie holds.
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    client.login(email=buyer.email, password=password)
    session = client.session
    session["_messages"] = '[["__json_message",0,25,"Pesanan Anda sudah dibuat."]]'
    session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    first = through_middleware(rf.get("/", HTTP_COOKIE=cookie), shown)
    again = through_middleware(rf.get("/", HTTP_COOKIE=cookie), shown)

    assert first.content.decode() == "<p>Pesanan Anda sudah dibuat.</p>"
    assert again.content.decode() == "none"


def test_nothing_waiting_and_nothing_added_reads_as_empty_without_building_the_storage(rf):
    request = rf.get("/")
    response = through_middleware(request, shown)

    assert response.content.decode() == "none"
    assert built_storage(request) is None


def test_the_level_set_for_a_request_is_the_storages(rf):
    def view(request):
        messages.set_level(request, messages.WARNING)
        messages.info(request, "not kept: below the level")
        messages.warning(request, "kept")
        return HttpResponse(str(messages.get_level(request)))

    request = rf.get("/")
    response = through_middleware(request, view)

    assert response.content.decode() == str(messages.WARNING)
    assert [str(message) for message in built_storage(request)._queued_messages] == ["kept"]
