"""The export lines of data/cases.jsonl and data/items.csv live in spool files of the build
cache, not in memory (sitegen.spool): the exports stay byte-identical to a clean build when
spool files are lost, and spool files of replaced records are deleted."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen import exports
from sitegen.build import build_site, load_letters
from sitegen.cache import BuildCache
from sitegen.config import load_config

ROOT = Path(__file__).resolve().parent.parent
POOL = sorted((ROOT / "content" / "letters").glob("*.txt")) + sorted((ROOT / "tests" / "letters").glob("*.txt"))


def _site(tmp: Path, name: str) -> Path:
    content = tmp / name / "content"
    (content / "letters").mkdir(parents=True)
    for p in POOL:
        shutil.copyfile(p, content / "letters" / p.name)
    return content


def _cfg(content: Path, out: str):  # type: ignore[no-untyped-def]
    return load_config(None, content, content.parent / out)


def test_exports_equal_the_letters_and_survive_lost_spool_files(tmp_path: Path) -> None:
    content = _site(tmp_path, "a")
    cfg = _cfg(content, "_site")
    build_site(cfg, jobs=1, search=False)
    spool = BuildCache(cfg.cache_dir, cfg.content_dir, cfg.out_dir).spool_dir
    assert sorted(p.suffix for p in spool.iterdir()) == [".spool"]
    letters = sorted(load_letters(cfg, 1), key=lambda l: l.id)
    ids = [l.id for l in letters]
    jsonl = (cfg.out_dir / exports.CASES_JSONL).read_text(encoding="utf-8")
    lines = jsonl.splitlines(keepends=True)
    assert len(lines) == len(letters)
    by_id = {l.id: l for l in letters}
    order = [line.split('"id": "', 1)[1].split('"', 1)[0] for line in lines]
    assert sorted(order) == ids
    assert jsonl == "".join(exports.jsonl_line(by_id[i]) for i in order)
    assert (cfg.out_dir / exports.ITEMS_CSV).read_text(encoding="utf-8") == \
        exports.csv_header() + "".join(exports.csv_rows(by_id[i]) for i in order)
    # lose the spool files, then edit one letter: the exports are rewritten from the records
    shutil.rmtree(spool)
    edited = content / "letters" / POOL[0].name
    edited.write_bytes(edited.read_bytes() + b"\nOne more sentence.\n")
    build_site(cfg, jobs=1, search=False)
    clean = _cfg(content, "_clean")
    build_site(clean, jobs=1, search=False, incremental=False)
    for path in (exports.CASES_JSONL, exports.ITEMS_CSV):
        assert (cfg.out_dir / path).read_bytes() == (clean.out_dir / path).read_bytes()


def test_spool_files_of_replaced_records_are_deleted(tmp_path: Path) -> None:
    content = _site(tmp_path, "b")
    cfg = _cfg(content, "_site")
    spool = BuildCache(cfg.cache_dir, cfg.content_dir, cfg.out_dir).spool_dir
    build_site(cfg, jobs=1, search=False, incremental=False)
    first = sorted(p.name for p in spool.iterdir())
    build_site(cfg, jobs=1, search=False, incremental=False)
    second = sorted(p.name for p in spool.iterdir())
    assert len(first) == len(second) == 1 and first != second
