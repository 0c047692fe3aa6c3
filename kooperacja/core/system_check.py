"""Stops `make run` and `make test` early when a system library is missing.

Neither command installs Debian packages; this names the ones to install.
"""

from __future__ import annotations

import ctypes.util
import sys
from pathlib import Path

PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core chromium"


def missing(browser: bool) -> list[str]:
    problems = []
    if ctypes.util.find_library("pango-1.0") is None or ctypes.util.find_library("pangoft2-1.0") is None:
        problems.append("Pango (needed for PDF documents)")
    if browser and not Path("/usr/bin/chromium").exists():
        problems.append("chromium at /usr/bin/chromium (needed for browser tests)")
    return problems


def main() -> int:
    problems = missing(browser="--browser" in sys.argv)
    if not problems:
        return 0
    print("Missing system libraries: " + "; ".join(problems), file=sys.stderr)
    print(f"Install them with: sudo apt-get install -y {PACKAGES}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
