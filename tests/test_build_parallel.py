"""A parallel build (worker processes forked before the archive is built parse the letters
and render the case pages; the main process renders the group pages) writes the same bytes
as a build in one process, clean and after an edit."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from sitegen.build import PARALLEL_MIN, build_site
from sitegen.config import load_config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate_corpus  # noqa: E402


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_parallel_build_equals_serial_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    generate_corpus.generate(content, PARALLEL_MIN + 40, seed=3, jobs=1)
    serial = load_config(None, content, tmp_path / "serial")
    parallel = load_config(None, content, tmp_path / "parallel")
    build_site(serial, jobs=1, search=False, incremental=False)
    report = build_site(parallel, jobs=2, search=False, incremental=False)
    assert report.parsed == PARALLEL_MIN + 40 and report.rendered > PARALLEL_MIN
    assert tree(parallel.out_dir) == tree(serial.out_dir)
    letter = sorted((content / "letters").rglob("*.txt"))[7]
    letter.write_bytes(letter.read_bytes().replace(b"UPHELD", b"OVERTURNED", 1) + b"\nEdited.\n")
    build_site(serial, jobs=1, search=False, incremental=False)
    build_site(parallel, jobs=2, search=False)
    assert tree(parallel.out_dir) == tree(serial.out_dir)
    # every page rendered again from the cached records (nothing to parse): group pages in
    # one worker, case pages in both
    shutil.rmtree(parallel.out_dir)
    report = build_site(parallel, jobs=2, search=False)
    assert report.parsed == 0 and report.rendered > PARALLEL_MIN
    assert tree(parallel.out_dir) == tree(serial.out_dir)
