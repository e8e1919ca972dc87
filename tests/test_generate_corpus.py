"""The synthetic corpus generator (benchmarks/generate_corpus.py): determinism, mix, sizes, truth."""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import corpus_catalog as cat  # noqa: E402
import generate_corpus as gc  # noqa: E402

N = 300


@pytest.fixture(scope="module")
def letters() -> list[tuple[str, str, dict]]:
    return list(gc.iter_letters(N, seed=11))


def test_same_seed_same_letters_other_seed_other_letters() -> None:
    a = list(gc.iter_letters(25, seed=3))
    b = list(gc.iter_letters(25, seed=3))
    c = list(gc.iter_letters(25, seed=4))
    assert a == b
    assert [x[1] for x in a] != [x[1] for x in c]
    # a letter depends on (seed, index) only, not on where generation started
    assert list(gc.iter_letters(5, seed=3, start=20)) == a[20:]


def test_generate_is_byte_identical_across_runs_and_job_counts(tmp_path: Path) -> None:
    gc.generate(tmp_path / "a", 40, seed=5, jobs=1)
    gc.generate(tmp_path / "b", 40, seed=5, jobs=2, chunk=7)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) == 41
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    truth = [json.loads(line) for line in (tmp_path / "a" / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(truth) == 40
    for t in truth:
        path = tmp_path / "a" / "letters" / t["path"]
        assert path.is_file()
        assert t["id"] == path.stem
        assert path.read_bytes().decode(t["encoding"])


def test_files_spread_over_folders_of_a_thousand() -> None:
    rel, _, truth = gc.make_letter(0, 12345)
    assert rel.startswith("012/0012345_") and rel.endswith(".txt")
    assert truth["path"] == rel and truth["id"] == rel[4:-4]


def test_format_mix(letters) -> None:
    fmt = collections.Counter(t["format"] for _, _, t in letters)
    assert abs(fmt["determination"] / N - 0.80) < 0.06
    assert abs(fmt["legacy-2013"] / N - 0.12) < 0.045
    assert abs(fmt["professional-review"] / N - 0.08) < 0.04
    dets = [text for _, text, t in letters if t["format"] == "determination"]
    with_header = sum(text.lstrip().startswith("Case Number:") for text in dets)
    assert 0.38 < with_header / len(dets) < 0.62


def test_sizes_between_3_and_12_kb(letters) -> None:
    for rel, text, t in letters:
        size = len(text.encode(t["encoding"]))
        assert 3 * 1024 <= size <= 12 * 1024, (rel, size)


def test_item_counts_overturns_and_medications(letters) -> None:
    counts = [len(t["items"]) for _, _, t in letters]
    assert min(counts) >= 1 and max(counts) <= 12
    assert 0.52 < counts.count(1) / N < 0.70
    assert max(counts) >= 8  # surgical packages exist
    items = [i for _, _, t in letters for i in t["items"]]
    overturned = sum(i["decision"] == "overturned" for i in items) / len(items)
    assert 0.08 < overturned < 0.16
    meds = sum(i["category"] == "medication" for i in items) / len(items)
    assert 0.25 < meds < 0.42
    assert any(i["associated"] for i in items)


def test_every_truth_slug_is_in_the_catalog(letters) -> None:
    for _, _, t in letters:
        for i in t["items"]:
            assert i["procedure"] in cat.SLUGS
            assert cat.CATEGORY_OF[i["procedure"]] == i["category"]
            assert i["decision"] in ("upheld", "overturned")
            for c in i["reviewer_citations"]:
                assert c["source"] in ("MTUS", "ODG", "other", "none")


def test_requests_are_written_in_the_letter(letters) -> None:
    for rel, text, t in letters:
        flat = gc.collapse(text)
        for i in t["items"]:
            assert i["request"] in flat, (rel, i["request"])
        if t["date_of_injury"] is None:
            continue
        assert t["patient"]["age"] is None or str(t["patient"]["age"]) in flat


def test_artefact_rate_is_honoured() -> None:
    half = [bool(gc.artefacts_for(2, i, 0.5)) for i in range(2000)]
    assert 0.45 < sum(half) / len(half) < 0.55
    default = [bool(gc.artefacts_for(9, i, 0.25)) for i in range(2000)]
    assert 0.21 < sum(default) / len(default) < 0.29
    # the letters carry exactly the artefacts chosen for them
    for i, (rel, _, t) in enumerate(gc.iter_letters(40, seed=2, artefacts=0.5)):
        assert set(t["artefacts"]) == gc.artefacts_for(2, i, 0.5), rel
    assert sum(bool(t["artefacts"]) for _, _, t in gc.iter_letters(200, seed=9)) / 200 > 0.15
    for rel, text, t in gc.iter_letters(60, seed=2, artefacts=0.0):
        assert not t["artefacts"] and t["encoding"] == "utf-8"
        assert "\r" not in text and "Page 2 of" not in text and "\u00a0" not in text, rel


def test_artefacts_show_up_in_the_text() -> None:
    seen: set[str] = set()
    for rel, text, t in gc.iter_letters(120, seed=4, artefacts=1.0):
        arts = set(t["artefacts"])
        seen |= arts
        if "crlf" in arts:
            assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), rel
        if "pdf-lines" in arts:
            assert " \n\n" in text.replace("\r\n", "\n"), rel
        if "page-furniture" in arts and t["case_number"] and text.count("\n") > 120:
            assert "Page 2 of" in text, rel
    assert seen == set(gc.ARTEFACTS)


def test_cp1252_files_really_are_cp1252(tmp_path: Path) -> None:
    gc.generate(tmp_path, 80, seed=1, artefacts=1.0)
    truth = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    cp = [t for t in truth if t["encoding"] == "cp1252"]
    assert cp, "no cp1252 letters at artefacts=1.0"
    for t in cp:
        data = (tmp_path / "letters" / t["path"]).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert set(data.decode("cp1252")) & {"\u2019", "\u201c", "\u201d", "\u2013"}
    for t in truth:
        if t["encoding"] == "utf-8":
            (tmp_path / "letters" / t["path"]).read_bytes().decode("utf-8")


def test_cli_rejects_bad_options_without_traceback(tmp_path: Path) -> None:
    script = str(BENCH / "generate_corpus.py")
    bad = subprocess.run([sys.executable, script, str(tmp_path), "--count", "3", "--formats", "nope"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown format" in bad.stderr and "Traceback" not in bad.stderr
    ok = subprocess.run([sys.executable, script, str(tmp_path / "c"), "--count", "3", "--formats", "legacy-2013"],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    truth = (tmp_path / "c" / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["format"] for x in truth] == ["legacy-2013"] * 3


def test_bench_extract_scores_records_against_truth() -> None:
    import copy

    import bench_extract as be  # noqa: E402  (benchmarks/ is on sys.path)

    truth = [t for _, _, t in gc.iter_letters(12, seed=8)]

    def record(t: dict) -> dict:
        return {"id": t["id"], "format": t["format"], "case_number": t["case_number"],
                "patient": dict(t["patient"]), "date_of_injury": t["date_of_injury"],
                "reviewer": copy.deepcopy(t["reviewer"]),
                "items": [{"request": i["request"], "decision": i["decision"], "procedure": i["procedure"],
                           "category": i["category"], "body_region": i["body_region"], "laterality": i["laterality"],
                           "drug": i["drug"], "strength": i["strength"], "quantity": i["quantity"],
                           "visits": i["visits"], "associated_with": 0 if i["associated"] else None,
                           "guidelines": {"claims_administrator": [], "reviewer": copy.deepcopy(i["reviewer_citations"])}}
                          for i in t["items"]]}

    perfect = {t["id"]: record(t) for t in truth}
    assert all(m.pct == 100.0 for m in be.compare(truth, perfect))

    broken = copy.deepcopy(perfect)
    first = truth[0]
    rec = broken[first["id"]]
    rec["items"][0]["decision"] = "overturned" if first["items"][0]["decision"] == "upheld" else "upheld"
    rec["items"][0]["request"] += " x"
    rec["format"] = "unknown"
    del broken[truth[1]["id"]]
    scores = {m.name: m for m in be.compare(truth, broken, keep=5)}
    n_items = sum(len(t["items"]) for t in truth)
    assert scores["letter found"].right == len(truth) - 1
    assert scores["format"].right == len(truth) - 2 and first["id"] in scores["format"].examples[0]
    assert scores["items exact (count and request text)"].right == len(truth) - 2
    # the renamed item is still aligned by position when counts match; the missing letter's items are not counted
    assert scores["item decision"].total == n_items - len(truth[1]["items"])
    assert scores["item decision"].right == scores["item decision"].total - 1
