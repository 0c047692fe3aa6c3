#!/usr/bin/env python
"""Django's command-line utility for Kooperacja."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kooperacja.settings")
    # Commands run from a checkout default to development; a deployment sets DEBUG=0 (and its
    # secrets) in its environment. The web server (kooperacja/wsgi.py) has no such default:
    # without DEBUG it serves in production mode and refuses to start without its secrets.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
