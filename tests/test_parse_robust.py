"""Bad input never crashes the parser: property tests and the issue's bad files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from helpers import LETTERS

from sitegen.model import CATEGORIES, DECISIONS, FORMATS, SOURCES, Letter
from sitegen.parse import parse_path, parse_text
from sitegen.read import decode

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(LETTERS.glob("*.txt"))]
EXTRA = [p.read_bytes().decode("cp1252") for p in sorted((Path(__file__).parent / "letters").glob("*.txt"))]
ALL_TEXTS = SEED_TEXTS + EXTRA


def check_letter(letter: Letter) -> None:
    record = letter.to_record()
    json.dumps(record)
    assert letter.format in FORMATS
    for item in letter.items:
        assert item.request and item.request == " ".join(item.request.split())
        assert not item.request.endswith(":")
        assert item.decision in (*DECISIONS, None)
        assert item.category in (*CATEGORIES, None)
        for c in item.guidelines.reviewer + item.guidelines.claims_administrator:
            assert c.source in SOURCES


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_random_text_never_crashes(text):
    check_letter(parse_text(text, "x", "x.txt"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_TEXTS), st.data())
def test_truncated_letters_never_crash(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    check_letter(parse_text(text[start:end], "x", "x.txt"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(ALL_TEXTS),
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 200), st.text(max_size=40)),
        min_size=1,
        max_size=8,
    ),
)
def test_mutated_letters_never_crash(text, edits):
    for pos, length, insert in edits:
        pos %= len(text) + 1
        text = text[:pos] + insert + text[pos + length :]
    check_letter(parse_text(text, "x", "x.txt"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=4000))
def test_random_bytes_decode_and_parse(data):
    raw = decode(data)
    check_letter(parse_text(raw.text, "x", "x.txt", raw.warnings))


def test_bad_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "notaletter.txt").write_text("Dear diary,\nToday I went shopping.\n")
    big = SEED_TEXTS[4] * 700  # about 6 MB
    (tmp_path / "huge.txt").write_text(big)
    letters = {p.name: parse_path(p) for p in sorted(tmp_path.iterdir())}
    assert letters["empty.txt"].warnings == ("file is empty",)
    assert letters["binary.txt"].warnings == ("file is binary, not a text letter",)
    assert letters["binary.txt"].items == ()
    assert letters["notaletter.txt"].format == "unknown"
    assert any("not recognised as an IMR" in w for w in letters["notaletter.txt"].warnings)
    huge = letters["huge.txt"]
    assert any("6.0 MB" in w and "first 1000 KB" in w for w in huge.warnings)
    assert huge.format == "determination" and len(huge.items) >= 13


def run_extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitegen", "extract", *args], capture_output=True, text=True, timeout=120
    )


def test_extract_cli_streams_records_and_reports_bad_files(tmp_path):
    (tmp_path / "a").mkdir()
    for p in LETTERS.glob("*.txt"):
        (tmp_path / "a" / p.name).write_bytes(p.read_bytes())
    (tmp_path / "a" / "sub").mkdir()
    (tmp_path / "a" / "sub" / "empty.txt").write_bytes(b"")
    (tmp_path / "a" / "ignored.pdf").write_bytes(b"%PDF")
    proc = run_extract(str(tmp_path / "a"))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in records] == sorted(p.stem for p in LETTERS.glob("*.txt")) + ["empty"]
    keys = {"id", "source", "case_number", "format", "reviewer", "patient", "date_of_injury", "diagnoses", "items", "warnings"}
    assert all(keys <= set(r) for r in records)
    assert "Traceback" not in proc.stderr
    assert "6 letters, 1 with warnings" in proc.stderr

    strict = run_extract("--strict", str(tmp_path / "a"))
    assert strict.returncode == 1
    assert run_extract("--strict", str(LETTERS)).returncode == 0


def test_extract_cli_missing_path_is_one_clear_line(tmp_path):
    proc = run_extract(str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"sitegen: error: {tmp_path / 'nope'}: no such file or folder"
