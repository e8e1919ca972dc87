"""sitegen build over hand-built letters: escaping, determinism, atomic swap, strict
mode, template errors, duplicate paths, pagination, config errors."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from site_samples import ACOEM12, letter, letters
from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.errors import BuildError, ConfigError
from sitegen.model import Guidelines, Item

ROOT = Path(__file__).resolve().parent.parent


def cfg_for(tmp: Path, config: str | None = None, content: Path | None = None):
    content = content or (tmp / "content")
    content.mkdir(parents=True, exist_ok=True)
    path = None
    if config is not None:
        path = tmp / "sitegen.toml"
        path.write_text(config, encoding="utf-8")
    return load_config(path, content, tmp / "out" / "_site")


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_letter_text_is_escaped(tmp_path: Path) -> None:
    evil = letter(7, text="<script>alert('x')</script> & <b>bold</b>",
                  items=(Item(request="<img src=x onerror=alert(1)>", decision="upheld", rationale="<i>no</i>"),))
    cfg = cfg_for(tmp_path)
    build_site(cfg, letters=[evil], jobs=1)
    html = (cfg.out_dir / "cases/case-007.html").read_text()
    assert "<script>alert" not in html and "<img src=x" not in html and "<i>no</i>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_build_is_deterministic(tmp_path: Path) -> None:
    cfg_a = cfg_for(tmp_path / "a")
    cfg_b = cfg_for(tmp_path / "b")
    build_site(cfg_a, letters=letters(5), jobs=1)
    build_site(cfg_b, letters=list(reversed(letters(5))), jobs=1)
    a, b = digest(cfg_a.out_dir), digest(cfg_b.out_dir)
    assert a and a == b


def test_case_page_has_items_links_and_prev_next(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path)
    build_site(cfg, letters=letters(3), jobs=1)
    html = (cfg.out_dir / "cases/case-002.html").read_text()
    assert 'href="../procedures/mri-lumbar-spine.html"' in html
    assert 'href="../guidelines/mtus-acoem-ch-12.html"' in html
    assert 'rel="prev" href="../cases/case-001.html"' in html
    assert 'rel="next" href="../cases/case-003.html"' in html
    assert "badge-overturned" in html and "badge-upheld" in html


def test_failed_build_leaves_previous_site(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path)
    build_site(cfg, letters=letters(2), jobs=1)
    before = digest(cfg.out_dir)
    override = tmp_path / "tpl"
    override.mkdir()
    (override / "case.html").write_text('{% extends "base.html" %}\n{% block content %}\n{{ letter.nope }}\n{% endblock %}\n')
    bad = replace(cfg, templates_dir=override)
    with pytest.raises(BuildError) as err:
        build_site(bad, letters=letters(3), jobs=1)
    assert "case.html:3" in str(err.value)
    assert digest(cfg.out_dir) == before
    assert not list(cfg.out_dir.parent.glob(".*build*"))


def test_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    override = tmp_path / "tpl"
    override.mkdir()
    (override / "index.html").write_text("line one\n{% if %}\n")
    cfg = replace(cfg_for(tmp_path), templates_dir=override)
    with pytest.raises(BuildError, match=r"index\.html:2: template error"):
        build_site(cfg, letters=letters(1), jobs=1)
    assert not cfg.out_dir.exists()


def test_site_template_override_is_used(tmp_path: Path) -> None:
    override = tmp_path / "tpl"
    override.mkdir()
    (override / "404.html").write_text('{% extends "base.html" %}{% block content %}Custom missing page{% endblock %}')
    cfg = replace(cfg_for(tmp_path), templates_dir=override)
    build_site(cfg, letters=letters(1), jobs=1)
    assert "Custom missing page" in (cfg.out_dir / "404.html").read_text()


def test_warnings_listed_and_strict_fails(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path)
    warned = [letter(1, warnings=("no decision found for item 2",)), letter(2)]
    report = build_site(cfg, letters=warned, jobs=1)
    assert (cfg.out_dir / "cases/case-001.html").is_file()
    assert report.warnings == {"letters/case-001.txt": ("no decision found for item 2",)}
    assert "warning: letters/case-001.txt: no decision found for item 2" in report.summary()
    before = digest(cfg.out_dir)
    with pytest.raises(BuildError, match="--strict: 1 warnings in 1 letters"):
        build_site(cfg, letters=warned, jobs=1, strict=True)
    assert digest(cfg.out_dir) == before


def test_two_letters_with_one_id_is_an_error(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path)
    a = letter(1)
    b = replace(letter(1), source="letters/other/case-001.txt")
    with pytest.raises(BuildError, match="two outputs for cases/case-001.html"):
        build_site(cfg, letters=[a, b], jobs=1)


def test_procedure_pages_paginate_at_100(tmp_path: Path) -> None:
    item = Item(request="MRI lumbar", decision="upheld", rationale="No red flags. Denied.",
                guidelines=Guidelines(reviewer=(ACOEM12,)), procedure="mri-lumbar-spine", category="imaging")
    many = [letter(n, items=(item,) * 5) for n in range(50)]  # 250 items
    cfg = cfg_for(tmp_path)
    build_site(cfg, letters=many, jobs=1)
    proc = cfg.out_dir / "procedures"
    assert sorted(p.name for p in proc.glob("mri-lumbar-spine*.html")) == [
        "mri-lumbar-spine-2.html", "mri-lumbar-spine-3.html", "mri-lumbar-spine.html"]
    first = (proc / "mri-lumbar-spine.html").read_text()
    assert first.count('<tr>\n    <td><span class="badge') == 100
    last = (proc / "mri-lumbar-spine-3.html").read_text()
    assert last.count('<tr>\n    <td><span class="badge') == 50
    assert 'href="mri-lumbar-spine-2.html"' in last
    assert '<svg class="chart"' in first and '<svg class="chart"' not in last
    assert all(p.stat().st_size < 1_000_000 for p in cfg.out_dir.rglob("*.html"))


def test_unmapped_items_get_their_own_page(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path)
    raw = letter(1, items=(Item(request="Aquatic therapy x 12", decision="overturned"),))
    build_site(cfg, letters=[raw], jobs=1)
    html = (cfg.out_dir / "procedures/unmapped.html").read_text()
    assert "Aquatic therapy x 12" in html
    assert 'href="../procedures/unmapped.html"' in (cfg.out_dir / "cases/case-001.html").read_text()


def test_summary_reports_taxonomy_coverage(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path)
    mapped = letters(1)[0]
    raw = letter(2, items=(Item(request="Aquatic therapy x 12", decision="overturned"),))
    report = build_site(cfg, letters=[mapped, raw], jobs=1)
    total = len(mapped.items) + 1
    line = f"taxonomy: {(total - 1) / total:.1%} of {total} items mapped to a procedure (1 unmapped; `sitegen report` lists them)"
    assert line in report.summary()
    again = build_site(cfg, letters=[mapped, raw], jobs=1)
    assert line in again.summary()


def test_exports(tmp_path: Path) -> None:
    import csv
    import json

    cfg = cfg_for(tmp_path, '[site]\nbase_url = "https://example.org/imr"\n')
    build_site(cfg, letters=letters(2), jobs=1)
    recs = [json.loads(line) for line in (cfg.out_dir / "data/cases.jsonl").read_text().splitlines()]
    assert [r["url"] for r in recs] == ["cases/case-001.html", "cases/case-002.html"]
    rows = list(csv.DictReader((cfg.out_dir / "data/items.csv").open()))
    assert len(rows) == 4 and rows[0]["procedure"] == "mri-lumbar-spine" and rows[0]["guideline_keys"] == "mtus-acoem-ch-12"
    sitemap = (cfg.out_dir / "sitemap.xml").read_text()
    assert "<loc>https://example.org/imr/cases/case-001.html</loc>" in sitemap and "404.html" not in sitemap
    assert "Sitemap: https://example.org/imr/sitemap.xml" in (cfg.out_dir / "robots.txt").read_text()
    feed = (cfg.out_dir / "feed.xml").read_text()
    assert feed.count("<entry>") == 2 and "https://example.org/imr/cases/case-002.html" in feed


def test_config_reports_every_bad_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        cfg_for(tmp_path, '[site]\ntitle = 3\npage_size = 500\nbase_url = "example.org"\n')
    msg = str(err.value)
    assert str(tmp_path / "sitegen.toml") in msg
    assert "site.title must be a str" in msg and "site.page_size" in msg and "site.base_url" in msg


def test_config_defaults_keep_cache_outside_site(tmp_path: Path) -> None:
    cfg = cfg_for(tmp_path)
    assert cfg.cache_dir == (tmp_path / "out" / ".sitegen-cache").resolve()
    assert cfg.search_index_dir == cfg.cache_dir / "whoosh"
    assert cfg.out_dir not in cfg.cache_dir.parents


def test_cli_build_bad_config_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sitegen.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text("[site\n")
    assert main(["build", "--config", str(bad), "--content", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"sitegen: error: {bad}: not valid TOML" in err and "Traceback" not in err


def test_authored_pages_in_nav(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "method.md").write_text("---\ntitle: Method\nnav_order: 2\n---\n\n| a | b |\n|---|---|\n| 1 | <x> |\n")
    cfg = cfg_for(tmp_path, content=content)
    build_site(cfg, letters=letters(1), jobs=1)
    html = (cfg.out_dir / "method.html").read_text()
    assert "<table>" in html and "&lt;x&gt;" in html
    assert 'href="../method.html">Method</a>' in (cfg.out_dir / "cases/case-001.html").read_text()
