"""The visitor's messages ("Added to your cart"), their storage built only when a request uses it.

Django's middleware builds the storage for every request: a cookie signer and two storages
(cookie, then session), then `{% if messages %}` reads both and the response writes them back.
Most pages rendered anew go to visitors who can have no message waiting, as they send neither a
`messages` cookie nor a session cookie. For them a page asks nothing of the storage unless the
request itself adds a message, which builds it as Django's would have been built.
"""

from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.functional import SimpleLazyObject, empty


class MessageStorageOnDemand(SimpleLazyObject):
    """`request._messages`: Django's storage, built at its first use, and empty without building
    it while nothing can be waiting and this request added nothing."""

    def __init__(self, request):
        super().__init__(lambda: default_storage(request))
        session = getattr(request, "session", None)
        # Set in __dict__: a LazyObject sends other attribute writes to the storage.
        self.__dict__["_none_waiting"] = CookieStorage.cookie_name not in request.COOKIES and not (
            session is not None and session.session_key
        )

    def _known_empty(self):
        return self._wrapped is empty and self._none_waiting

    def __bool__(self):
        return False if self._known_empty() else super().__bool__()

    def __len__(self):
        return 0 if self._known_empty() else super().__len__()

    def __iter__(self):
        return iter(()) if self._known_empty() else super().__iter__()


def built_storage(request):
    """The request's message storage if this request built it (added or read messages), else None."""
    storage = getattr(request, "_messages", None)
    if isinstance(storage, MessageStorageOnDemand):
        return None if storage._wrapped is empty else storage._wrapped
    return storage


class MessageMiddleware(DjangoMessageMiddleware):
    def process_request(self, request):
        request._messages = MessageStorageOnDemand(request)

    def process_response(self, request, response):
        # A storage never built was neither read nor added to: Django's update would store nothing.
        if hasattr(request, "_messages") and built_storage(request) is None:
            return response
        return super().process_response(request, response)
