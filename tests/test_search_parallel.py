"""build_indexes above PARALLEL_MIN: the Whoosh index is built in a forked process that
inherits the documents (not pickled to a pool); same index as the one-process build, and
a failure in that process fails the build with its own message."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

import sitegen.search as search
from sitegen.errors import SitegenError
from sitegen.search import build_indexes, whoosh_index
from test_search_fixtures import sample_letters

QUERIES = ["tramadol", "injection", '"medically necessary"', "decision:overturned", "radic*"]


def _hits(ix: Path) -> dict[str, tuple[int, list[str]]]:
    out = {}
    for q in QUERIES:
        total, hits = whoosh_index.search(ix, q, limit=50)
        out[q] = (total, [h.id for h in hits])
    return out


def test_forked_whoosh_build_equals_one_process_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    letters = sample_letters()
    build_indexes(letters, tmp_path / "a" / "site", tmp_path / "a" / "ix")
    monkeypatch.setattr(search, "PARALLEL_MIN", 1)
    monkeypatch.setattr(search, "ProcessPoolExecutor", None)  # the pool path must not be taken
    build_indexes(letters, tmp_path / "b" / "site", tmp_path / "b" / "ix")
    assert whoosh_index.doc_count(tmp_path / "b" / "ix") == len(letters)
    assert _hits(tmp_path / "a" / "ix") == _hits(tmp_path / "b" / "ix")
    cmp = filecmp.dircmp(tmp_path / "a" / "site" / "search", tmp_path / "b" / "site" / "search")
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only


def test_failing_whoosh_process_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(docs: object, index_dir: Path) -> int:
        raise SitegenError(f"{index_dir}: disk full")

    monkeypatch.setattr(search, "PARALLEL_MIN", 1)
    monkeypatch.setattr(search, "_whoosh_build", broken)
    with pytest.raises(SitegenError, match="disk full"):
        build_indexes(sample_letters(), tmp_path / "site", tmp_path / "ix")


def test_whoosh_process_that_dies_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(search, "PARALLEL_MIN", 1)
    monkeypatch.setattr(search, "_whoosh_build", lambda docs, index_dir: os._exit(3))
    with pytest.raises(SitegenError, match="exit code 3"):
        build_indexes(sample_letters(), tmp_path / "site", tmp_path / "ix")


def test_parallel_build_keeps_the_static_state_for_updates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The Whoosh build replaces its folder whole; in a parallel build it may finish after the
    # static index saved its state, which must survive (else every update is a full rebuild)
    from dataclasses import replace

    from sitegen.search import static_state_dir, update_indexes

    monkeypatch.setattr(search, "PARALLEL_MIN", 1)
    letters = sample_letters()
    site, ix = tmp_path / "site", tmp_path / "ix"
    slow = search._whoosh_build

    def whoosh_last(docs: object, index_dir: Path) -> int:
        import time

        time.sleep(1.0)  # the static index is done long before
        return slow(docs, index_dir)

    monkeypatch.setattr(search, "_whoosh_build", whoosh_last)
    build_indexes(letters, site, ix)
    assert (static_state_dir(ix) / "static-docs.pickle").is_file()
    stats = update_indexes([replace(letters[0], text=letters[0].text + " Zygapophyseal.")], [], site, ix, fold=False)
    assert stats.get("overlay")  # went through the overlay, not a failed update
    assert whoosh_index.search(ix, "zygapophyseal")[0] == 1
