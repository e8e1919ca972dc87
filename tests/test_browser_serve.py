"""In a real Chromium: a save reloads the open tab; a broken input shows the overlay
naming the file and line; the next good save clears it. The pages carry a strict
Content-Security-Policy, so the injected script and overlay must work under it."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from test_serve_server import fake_build  # the same fake build as the socket test

from sitegen.serve import Server

TIMEOUT_MS = 20_000
CSP = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">"


def csp_build(content: Path, out: Path):
    inner = fake_build(content, out)

    def build(changed: frozenset[Path] | None) -> None:
        inner(changed)
        index = out / "index.html"
        index.write_text(index.read_text().replace("<html>", f"<html><head>{CSP}<title>t</title></head>"))

    return build


def wait_for_clients(server: Server, n: int = 1) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        with urllib.request.urlopen(server.url + "__sitegen/status", timeout=5) as r:
            if json.load(r)["clients"] >= n:
                return
        time.sleep(0.05)
    raise AssertionError("the page never opened its event stream")


@pytest.fixture()
def served(tmp_path: Path):
    content = tmp_path / "content"
    (content / "letters").mkdir(parents=True)
    (content / "letters" / "a.txt").write_text("first letter")
    out = tmp_path / "_site"
    server = Server(build=csp_build(content, out), out=out, watch=[content], port=0, quiet=0.1, log=lambda s: None)
    server.start()
    try:
        yield server, content
    finally:
        server.stop()


def test_save_reloads_and_broken_input_shows_the_overlay(page, served) -> None:
    from playwright.sync_api import expect

    server, content = served
    csp_violations: list[str] = []
    page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(server.url)
    expect(page.locator("li")).to_have_text(["first letter"], timeout=TIMEOUT_MS)
    wait_for_clients(server)
    page.evaluate("window.__notReloaded = true")

    # Save -> rebuild -> the tab reloads by itself.
    (content / "letters" / "a.txt").write_text("edited letter")
    expect(page.locator("li")).to_have_text(["edited letter"], timeout=TIMEOUT_MS)
    assert page.evaluate("window.__notReloaded") is None

    # A broken letter: the overlay appears in the open tab, naming file and line.
    wait_for_clients(server)
    (content / "letters" / "b.txt").write_text("fine\nBROKEN here\n")
    overlay = page.locator("#sitegen-overlay")
    expect(overlay).to_be_visible(timeout=TIMEOUT_MS)
    expect(overlay.locator("[data-sitegen-location]")).to_have_text("content/letters/b.txt:2")
    assert page.evaluate("getComputedStyle(document.getElementById('sitegen-overlay')).position") == "fixed"
    expect(page.locator("li")).to_have_text(["edited letter"])  # the last good site is underneath

    # A page loaded while the build is broken shows it too (server-side), and can be dismissed.
    page.reload()
    expect(overlay.locator("[data-sitegen-location]")).to_have_text("content/letters/b.txt:2", timeout=TIMEOUT_MS)
    overlay.get_by_role("button", name="Hide this message").click()
    expect(overlay).to_have_count(0)

    # The next good save clears it and shows the new content.
    wait_for_clients(server)
    (content / "letters" / "b.txt").write_text("fine\nfixed now\n")
    expect(page.locator("li")).to_have_text(["edited letter", "fine\nfixed now\n"], timeout=TIMEOUT_MS)
    expect(page.locator("#sitegen-overlay")).to_have_count(0)
    assert not csp_violations, csp_violations
