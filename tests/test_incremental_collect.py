"""``collect.update_archive`` (the serve path's delta collect) equals ``collect`` of the new letters.

Hypothesis draws an archive (letters from the bundled samples and the synthetic corpus
generator, under random ids), then random removals, additions and changes (a letter id
whose record is replaced by another letter's); the updated archive must equal a fresh
``collect`` in everything the pages show: group order, titles, categories, sources, refs
in order, counters in first-seen order (``most_common`` breaks ties by it), counts, the
letter lists and the years."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import parse_letter
from sitegen.collect import Archive, collect, collected, update_archive
from sitegen.model import Letter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[Letter]:
    from generate_corpus import generate  # type: ignore[import-not-found]

    out = tmp_path_factory.mktemp("corpus")
    generate(out, 40, seed=3)
    files = sorted((out / "letters").rglob("*.txt")) + sorted((ROOT / "content" / "letters").glob("*.txt")) \
        + sorted((ROOT / "tests" / "letters").glob("*.txt"))
    return [parse_letter(str(p), p.name, None) for p in files]


def as_id(letter: Letter, n: int) -> Letter:
    lid = f"{n:03d}-{letter.id}"
    return replace(letter, id=lid, source=f"letters/{lid}.txt")


def snapshot(a: Archive) -> dict[str, object]:
    groups = {}
    for kind in ("procedures", "guidelines", "specialties", "regions", "decisions"):
        groups[kind] = [(k, g.key, g.title, g.category, g.source, g.document, list(g.topics.items()),
                         list(g.requests.items()), g.refs, g.counts, g.overturn_rate, g.letter_count)
                        for k, g in getattr(a, kind).items()]
    return {"letters": [l.id for l in a.letters], "latest": [l.id for l in a.latest], "items": a.item_count,
            "years": a.years, "rate": a.overturn_rate, "groups": groups}


EDIT = st.tuples(st.sampled_from(["add", "remove", "change"]), st.integers(0, 10_000), st.integers(0, 10_000))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.lists(st.integers(0, 10_000), min_size=0, max_size=25),
       batches=st.lists(st.lists(EDIT, min_size=1, max_size=4), min_size=1, max_size=4))
def test_update_archive_equals_collect(pool: list[Letter], start: list[int],
                                       batches: list[list[tuple[str, int, int]]]) -> None:
    letters: dict[str, Letter] = {}
    for n, pick in enumerate(start):
        letter = as_id(pool[pick % len(pool)], n * 7)
        letters[letter.id] = letter
    archive = collect(letters.values(), {})
    memo: dict = {}
    col = collected(collect(letters.values(), {}, memo=memo), {}, memo)
    assert snapshot(col.archive) == snapshot(archive)
    for batch in batches:
        removed: list[str] = []
        added: dict[str, Letter] = {}
        for op, pick, slot in batch:
            ids = sorted(letters)
            if op == "add" or not ids:
                new = as_id(pool[pick % len(pool)], slot)
                if new.id in letters or new.id in added:
                    continue
                added[new.id] = new
            else:
                lid = ids[slot % len(ids)]
                if lid in removed or lid in added:
                    continue
                removed.append(lid)
                if op == "change":
                    added[lid] = replace(pool[pick % len(pool)], id=lid, source=letters[lid].source)
        for lid in removed:
            del letters[lid]
        letters.update(added)
        update_archive(col, removed, added.values())
        assert snapshot(col.archive) == snapshot(collect(letters.values(), {}))
