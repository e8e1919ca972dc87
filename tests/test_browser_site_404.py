"""404.html in Chromium, served for a missing path deep in the site (as static hosts do):
styled without fetching anything, accessible in light and dark mode, and its links work."""

from __future__ import annotations

from pathlib import Path

from test_site_content_404 import build_with_base_url, static_host


def test_deep_404_is_styled_accessible_and_links_home(page, tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with static_host() as (url, serve):
        site = build_with_base_url(tmp_path, url)
        serve(site)
        requests: list[str] = []
        page.on("request", lambda req: requests.append(req.url))
        resp = page.goto(url + "procedures/no/such/page.html")
        assert resp is not None and resp.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
        # the only request is the page itself: the stylesheet and icon are inline
        assert requests == [url + "procedures/no/such/page.html"]
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 250, 247)"
        bad = []
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            for v in Axe().run(page).response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    bad.append(f"{scheme}: {v['id']} {v['impact']}")
        assert not bad, bad
        page.emulate_media(color_scheme="light")
        page.locator("main a", has_text="home page").click()
        page.wait_for_url(url + "index.html")
        assert page.locator("h1").count() == 1
        page.locator("nav.site-nav a", has_text="Procedures").click()
        page.wait_for_url(url + "procedures/index.html")
        assert page.locator("h1").inner_text().strip() == "Procedures A–Z"
