"""Loaded by pytest before Django's settings (``-p`` in pytest.ini): a test signing key.

Production refuses to start without SECRET_KEY when DEBUG is off; the test run is neither,
and tests that check start-up itself run settings in a child process with their own variables.
"""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only")
