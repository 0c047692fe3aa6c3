"""A pytest plugin loaded before Django (pyproject: `-p kooperacja.testing`).

It sets the environment the suite runs in before settings.py reads it: production-like
(DEBUG off) but over plain HTTP, with test-only secrets and 2FA off unless a test turns it on.
"""

from __future__ import annotations

import os
import tempfile

_TEST_ENVIRONMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "test-secret-key-not-for-production-use-0123456789abcdef",
    "FIELD_ENCRYPTION_KEY": "dGVzdC1maWVsZC1lbmNyeXB0aW9uLWtleS0zMmJ5dGU=",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "STATIC_MANIFEST": "0",
    "REQUIRE_2FA": "0",
    "EMAIL_URL": "console:",
    "TASKS_SYNC": "1",
    # Playwright drives the browser from an event loop in the test thread.
    "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    # Uploaded case documents of a test run go to a throwaway folder, not var/documents.
    "DOCUMENTS_ROOT": tempfile.mkdtemp(prefix="kooperacja-test-documents-"),
}

for _name, _value in _TEST_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)
