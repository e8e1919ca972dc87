"""The sample archive in headless Chromium: accessibility (axe-core), keyboard
navigation, no JavaScript errors, and opening straight from disk (file://)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _pages(site_dir: Path) -> list[str]:
    rec = json.loads((site_dir / "data/cases.jsonl").read_text().splitlines()[0])
    item = rec["items"][0] if rec["items"] else None
    pages = ["index.html", rec["url"], "procedures/index.html", "guidelines/index.html", "about.html", "404.html"]
    if item:
        pages.append(f"procedures/{item['procedure'] or 'unmapped'}.html")
    guides = sorted(p.relative_to(site_dir).as_posix() for p in (site_dir / "guidelines").glob("*.html"))
    pages += [g for g in guides if not g.endswith("index.html")][:1]
    return pages


def test_axe_no_serious_or_critical_violations(page, site_url: str, site_dir: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    bad = []
    for path in _pages(site_dir):
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(site_url + path)
            results = axe.run(page)
            for v in results.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    bad.append(f"{path} ({scheme}): {v['id']} {v['impact']}: {[n['target'] for n in v['nodes']][:3]}")
    assert not bad, "\n".join(bad)


def test_keyboard_skip_link_and_tab_order(page, site_url: str, site_dir: Path) -> None:
    page.goto(site_url + "index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(site_url + "index.html")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # brand link
    page.keyboard.press("Tab")  # header search box
    assert page.evaluate("document.activeElement.name") == "q"
    # Every focusable element shows a visible focus ring.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_keyboard_reaches_a_case_page(page, site_url: str, site_dir: Path) -> None:
    page.goto(site_url + "index.html")
    first_case = page.locator("a.case-link").first
    href = first_case.get_attribute("href")
    first_case.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/" + href)
    assert page.locator("h1").inner_text().strip()
    assert page.locator("article.item").count() >= 1


def test_site_works_from_disk(page, site_dir: Path) -> None:
    page.goto((site_dir / "index.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.locator("nav.site-nav a", has_text="Procedures").click()
    page.wait_for_url("**/procedures/index.html")
    link = page.locator("main a[href$='.html']").nth(1)
    link.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and page.locator("h1").count() == 1


def test_screenshots(page, site_url: str, site_dir: Path, tmp_path: Path) -> None:
    for path in _pages(site_dir)[:3]:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(site_url + path)
            out = tmp_path / f"{path.replace('/', '_')}-{width}.png"
            page.screenshot(path=str(out), full_page=True)
            assert out.stat().st_size > 5000
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
            assert not overflow, f"{path} scrolls sideways at {width}px"
