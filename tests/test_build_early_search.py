"""A full build's search stage can start in a forked process right after the archive is
collected and run beside the page rendering (``build.EARLY_SEARCH_MIN`` letters and more):
same output as the search stage run at the end; its failure fails the build and leaves the
previous site as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

import sitegen.build as build
from sitegen.build import build_site
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.search import whoosh_index

ROOT = Path(__file__).resolve().parent.parent


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _config(tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
    return load_config(None, content, tmp_path / name / "_site")


def test_early_search_equals_search_at_the_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    late = _config(tmp_path, "late")
    monkeypatch.setattr(build, "EARLY_SEARCH_MIN", 10**9)
    build_site(late, search=True, incremental=False)
    early = _config(tmp_path, "early")
    started = []
    real = build._start_search

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        got = real(*args, **kwargs)
        started.append(got)
        return got

    collected = build.collect

    def collect(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.append("collect")
        return collected(*args, **kwargs)

    monkeypatch.setattr(build, "EARLY_SEARCH_MIN", 1)
    monkeypatch.setattr(build, "_start_search", spy)
    monkeypatch.setattr(build, "collect", collect)
    report = build_site(early, search=True, incremental=False)
    assert len(started) == 2 and started[0] not in (None, "collect")  # the forked search ran,
    assert started[1] == "collect"  # started before the archive was collected
    assert report.search and report.search["documents"] == 5
    a, b = tree(late.out_dir), tree(early.out_dir)
    assert a.keys() == b.keys() and any(k.startswith("search/") for k in a)
    assert {k for k in a if a[k] != b[k]} <= {"manifest.json"}  # build times may differ
    q = 'procedure:mri-lumbar-spine OR "red flags"'
    assert whoosh_index.search(late.search_index_dir, q)[0] == whoosh_index.search(early.search_index_dir, q)[0] > 0
    # an incremental build afterwards updates the indexes (no forked full build)
    started.clear()
    page = next((early.content_dir / "pages").glob("*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build_site(early, search=True)
    assert started == [None, "collect"]


def test_failed_early_search_fails_the_build_and_keeps_the_previous_site(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _config(tmp_path, "site")
    build_site(cfg, search=True, incremental=False)
    before = tree(cfg.out_dir)
    monkeypatch.setattr(build, "EARLY_SEARCH_MIN", 1)

    def broken(letters, site, config):  # type: ignore[no-untyped-def]
        raise SitegenError(f"{site}: disk full")

    monkeypatch.setattr(build, "_search", broken)
    with pytest.raises(SitegenError, match="disk full"):
        build_site(cfg, search=True, incremental=False)
    assert tree(cfg.out_dir) == before
    monkeypatch.setattr(build, "_search", lambda letters, site, config: os._exit(3))
    with pytest.raises(SitegenError, match="search index build: the process died .exit code 3"):
        build_site(cfg, search=True, incremental=False)
    assert tree(cfg.out_dir) == before


def test_incremental_search_update_leaves_the_previous_site_untouched(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The build's copy of the previous search folder is hard-linked; the search writers must
    # replace files, never rewrite them, or a build that fails later would change the old site.
    cfg = _config(tmp_path, "site")
    build_site(cfg, search=True, incremental=False)
    before = tree(cfg.out_dir)
    letter = sorted((cfg.content_dir / "letters").glob("*.txt"))[0]
    letter.write_text(letter.read_text(encoding="utf-8") + "\nZygapophyseal joints were also noted.\n", encoding="utf-8")

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise SitegenError("swap refused for the test")

    monkeypatch.setattr(build, "_swap", fail)
    with pytest.raises(SitegenError, match="swap refused"):
        build_site(cfg, search=True)
    assert tree(cfg.out_dir) == before
    monkeypatch.undo()
    build_site(cfg, search=True)
    assert whoosh_index.search(cfg.search_index_dir, "zygapophyseal")[0] == 1
