"""Shared fixtures: the sample site built once per session, an HTTP server for it,
and a headless Chromium (see docs/site.md and the browser-testing notes).

Browser tests are skipped when Chromium or Playwright is missing, unless
REQUIRE_BROWSER=1, which turns that into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest
from helpers import serve_folder

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def missing(what: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"REQUIRE_BROWSER=1 but {what}", pytrace=False)
    pytest.skip(f"{what}; browser tests skipped (set REQUIRE_BROWSER=1 to make this an error)")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample archive (content/) built once into a temporary folder."""
    from sitegen.build import build_site
    from sitegen.config import load_config

    out = tmp_path_factory.mktemp("site") / "_site"
    config = ROOT / "sitegen.toml"
    cfg = load_config(config if config.is_file() else None, ROOT / "content", out)
    build_site(cfg, jobs=1)
    return out


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT/`` serving ``site_dir`` with the standard library."""
    with serve_folder(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser context per test; fails the test on any uncaught JS error."""
    context = browser.new_context()  # type: ignore[attr-defined]
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield pg
    finally:
        context.close()
    assert not errors, f"uncaught JavaScript errors: {errors}"
