"""Find a Chromium for the browser tests: the system's, or one Playwright installed."""

import functools
import os
import shutil

HOW_TO_GET_ONE = (
    "No Chromium found, so the browser tests were skipped. Install one with "
    "`sudo apt-get install chromium` (Debian/Ubuntu) or `.venv/bin/playwright install chromium`, "
    "or point CHROMIUM_PATH at a Chromium/Chrome binary."
)


@functools.cache
def find_chromium() -> str | None:
    """Path of a Chromium binary; "" means Playwright's own browser; None means none at all."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            if os.path.exists(playwright.chromium.executable_path):
                return ""
    except Exception:
        pass
    return None
