"""`sitegen report`: coverage numbers, unmapped requests by frequency, clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.model import Citation, Guidelines, Item, Letter
from sitegen.normalize import coverage
from sitegen.report import format_report, summary_line

ROOT = Path(__file__).resolve().parent.parent


def _letter(*requests: tuple[str, str | None]) -> Letter:
    return Letter(id="x", source="x", items=tuple(
        Item(request=r, decision="upheld", procedure=p, guidelines=Guidelines(reviewer=(Citation("none", key="none"),)))
        for r, p in requests))


def test_coverage_counts_and_orders_unmapped() -> None:
    letters = [
        _letter(("Norco 10/325 #120", "hydrocodone-acetaminophen"), ("Frobnication x 3", None)),
        _letter(("Frobnication x 6", None), ("Widget fitting", None), ("frobnication  X 2", None)),
    ]
    cov = coverage(letters)
    assert (cov.items, cov.mapped) == (5, 1)
    assert cov.share == pytest.approx(0.2)
    assert cov.unmapped == (("Frobnication x 3", 3), ("Widget fitting", 1))
    assert (cov.citations, cov.keyed, cov.keys) == (5, 5, (("none", 5),))
    assert summary_line(cov) == "taxonomy: 20.0% of 5 items mapped (4 unmapped)"
    text = format_report(cov, top=1)
    assert "      3  Frobnication x 3" in text
    assert "Widget fitting" not in text and "1 more" in text


def test_report_on_bundled_letters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--content", str(ROOT / "content")]) == 0
    out = capsys.readouterr().out
    assert "items:     18" in out
    assert "mapped:    18 (100.0%)" in out
    assert "unmapped requests: none" in out


def test_report_lists_unmapped_and_uses_archive_taxonomy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    (content / "letters").mkdir(parents=True)
    seed = ROOT / "content" / "letters" / "000_bcb8e67797d4136f.txt"
    shutil.copy(seed, content / "letters" / "a.txt")
    (content / "taxonomy.toml").write_text('remove = ["vertebroplasty"]\n', encoding="utf-8")
    assert main(["report", "--content", str(content), "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "mapped:    0 (0.0%)" in out
    assert "1  Percutaneous Vertebroplasty under Fluoroscope" in out


def test_report_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sitegen: error: ") and "missing: no such file or folder" in err
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "taxonomy.toml").write_text("[[procedure]\n", encoding="utf-8")
    assert main(["report", "--content", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "taxonomy.toml: invalid TOML" in err and "line 1" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", str(empty)]) == 2
    assert "no letter files" in capsys.readouterr().err
