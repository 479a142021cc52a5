"""Services that did not answer (the cache, the broker), left alone for a moment by this process.

A frozen Redis makes each call wait for its whole timeout, and a request makes several: a log-in
a dozen cache calls, a checkout several tasks. After one call found a service unanswering, the
calls of the next seconds give up at once, and the request carries on without it.
"""

import time

RETRY_AFTER_SECONDS = 5.0
# (service, address) -> when to ask again; shared by the threads of this process.
_unanswered_until = {}


def is_resting(service, address):
    """Whether the service at this address did not answer a moment ago."""
    return time.monotonic() < _unanswered_until.get((service, address), 0)


def did_not_answer(service, address):
    _unanswered_until[(service, address)] = time.monotonic() + RETRY_AFTER_SECONDS
