"""The static index build's vectorised (numpy) parts equal the pure-Python reference: the
analysis equals :func:`static_index.analyse` letter by letter, the encoders equal
``encode_docset``/``_varints`` and the previous per-entry encoder, and the split build writes
what the one-process build writes."""

from __future__ import annotations

import base64
import bisect
import operator
import random
from array import array
from itertools import compress, islice, repeat
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.search import static_index as si
from sitegen.search.documents import SearchDoc, documents
from test_search_fixtures import sample_letters

# ---------------------------------------------------------------- the previous encoders (reference)


def _ref_impacts(packed: array, docs: list[int], norms: bytes) -> list[int]:
    keys = map(operator.or_, map(operator.lshift, map(operator.and_, packed, repeat(255)), repeat(8)), map(norms.__getitem__, docs))
    return list(map(si._IMPACT.__getitem__, keys))


def _ref_entry(packed: array, n: int, norms: bytes) -> dict:
    """``_entry`` as it was before the numpy encoders (without forms)."""
    docs = list(map(operator.rshift, packed, repeat(8)))
    e = {"n": len(docs), "d": si.encode_docset(docs, n)}
    imps = _ref_impacts(packed, docs, norms)
    if len(docs) <= si.FULL:
        e["i"] = base64.b64encode(bytes(imps)).decode()
    else:
        cut = sorted(imps)[-(si.TOP_K + 1)]
        above = list(compress(docs, map(operator.gt, imps, repeat(cut))))
        ties = list(islice(compress(docs, map(operator.eq, imps, repeat(cut))), si.TOP_K - len(above)))
        top_d = sorted(above + ties)
        top_i = [imps[bisect.bisect_left(docs, d)] for d in top_d]
        e["t"] = si.encode_docset(top_d, n)
        e["i"] = base64.b64encode(bytes(top_i)).decode()
        e["f"] = cut
    return e


def _postings(rng: random.Random, n: int, df: int, tf_max: int = 255) -> array:
    docs = sorted(rng.sample(range(n), df))
    return array("I", [d << 8 | rng.randint(1, tf_max) for d in docs])


@given(st.integers(0, 3000).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(0, max(n - 1, 0)), max_size=n))))
@settings(max_examples=300, deadline=None)
def test_docset_np_equals_encode_docset(case: tuple[int, set[int]]) -> None:
    n, docs = case
    docs = sorted(d for d in docs if d < n)
    assert si._docset_np(np.array(docs, np.int64), n) == si.encode_docset(docs, n)


def _leb128(v: int) -> bytes:
    out = bytearray()
    while v >= 0x80:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


@given(st.lists(st.integers(0, 70_000)))
@settings(max_examples=200, deadline=None)
def test_varints_np_equals_varints(values: list[int]) -> None:
    var, size = si._varints_np(np.array(values, np.int64))
    assert var.tobytes() == si._varints(values)
    assert size.tolist() == [len(si._varints([v])) for v in values]


@given(st.lists(st.integers(0, 2**62)))
@settings(max_examples=100, deadline=None)
def test_varints_np_of_large_values(values: list[int]) -> None:
    var, size = si._varints_np(np.array(values, np.int64))
    assert var.tobytes() == b"".join(map(_leb128, values))
    assert size.tolist() == [len(_leb128(v)) for v in values]


@given(st.integers(1, 2500), st.lists(st.integers(0, 2500), max_size=12), st.integers(0, 2**32), st.sampled_from([3, 255]))
@settings(max_examples=150, deadline=None)
def test_entries_equal_the_reference(n: int, dfs: list[int], seed: int, tf_max: int) -> None:
    """Short lists (encoded together), long ones (top-k impacts; few distinct impacts give
    ties at the cut with tf_max 3), dense ones (complement / bitmap doc sets), empty ones."""
    rng = random.Random(seed)
    lists = [_postings(rng, n, min(df, n), tf_max) for df in dfs]
    norms = bytes(rng.randrange(si.NORM_LEVELS) for _ in range(n))
    got = si._entries(lists, n, np.frombuffer(norms, np.uint8))
    assert got == [_ref_entry(p, n, norms) for p in lists]


def test_entries_long_lists_at_scale() -> None:
    rng = random.Random(5)
    n = 30_000
    lists = [_postings(rng, n, df, tf) for df, tf in ((401, 255), (5000, 2), (16_000, 255), (29_990, 9), (350, 255), (3, 1))]
    norms = bytes(rng.randrange(si.NORM_LEVELS) for _ in range(n))
    assert si._entries(lists, n, np.frombuffer(norms, np.uint8)) == [_ref_entry(p, n, norms) for p in lists]


# ---------------------------------------------------------------- analysis

TRICKY = [
    "A.B.C e.g. U.S.A. 3.14.15 a..b .x y. x.y.z. ...dots... *star* st*r under_score __ _x_ MRI-guided L4-L5 L5/S1",
    "Caf\u00e9 na\u00efve \u0130stanbul \u212aelvin \u00c9COLE stra\u00dfe \u00bd tablet \u2014 dash \u201cquoted\u201d text",
    "supercalifragilisticexpialidociousandthensome " * 3 + "a" * 40 + " " + "b" * 33 + " " + "c" * 32 + " " + "x1" * 20,
    "",
    "the of and a an to is it",
    "Tramadol tramadol TRAMADOL tramadol. Tramadol, tramadol! tramadol? tramadol-acetaminophen 50mg #60 x2",
    "word " * 300,
    "\t\n  leading and trailing whitespace \r\n",
    "ab ab ab ab cd ab cd ab",
]


def _docs(count: int, seed: int = 1) -> list[SearchDoc]:
    """Sample letters, tricky texts and random texts over a small vocabulary (pairs repeat)."""
    rng = random.Random(seed)
    vocab = ["patient", "pain", "lumbar", "spine", "injection", "injections", "medically", "necessary", "the", "of",
             "mri", "tramadol", "2013", "a", "x", "e.g", "l5", "s1", "physical", "therapy", "\u00e9t\u00e9", "over.turned"]
    base = documents(sample_letters())
    out = []
    for i in range(count):
        proto = base[i % len(base)]
        text = TRICKY[i % len(TRICKY)] if i % 4 == 0 else " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 120)))
        requests = tuple(rng.choice(["Tramadol 50 mg #60", "MRI of the lumbar spine", "Caf\u00e9 au lait", ""]) for _ in range(rng.randint(0, 3)))
        facets = dict(proto.facets)
        if i % 3 == 0:
            facets["procedure"] = ("epidural-steroid-injection-lumbar", "unmapped", "mri-lumbar-spine")
        out.append(SearchDoc(id=f"d{i}", url=f"cases/d{i}.html", title=f"d{i}", case_number=None, requests=requests,
                             items=(), text=text, facets=facets, labels=proto.labels))
    return out


def _reference(docs: list[SearchDoc]) -> tuple[dict, dict, dict, list[int]]:
    stems = si._Stems()
    post: dict[str, list[int]] = {}
    pairs: dict[str, list[int]] = {}
    dls = []
    for num, doc in enumerate(docs):
        tf, pf, dl = si.analyse(doc, stems)
        dls.append(dl)
        for stem, t in tf.items():
            post.setdefault(stem, []).append(num << 8 | min(t, si.TF_MAX))
        for (a, b), t in pf.items():  # Counter order: first occurrence in the letter
            pairs.setdefault(a + " " + b, []).append(num << 8 | min(t, si.TF_MAX))
    return post, pairs, dict(stems), dls


def _analyse(docs: list[SearchDoc], batch: int) -> tuple[dict, dict, dict, list[int]]:
    an = si._Analyser()
    dls: list[int] = []
    for base in range(0, len(docs), batch):
        dls += an.add(docs[base:base + batch], base)
    post, pairs, forms = an.tables()
    return {k: list(v) for k, v in post.items()}, {k: list(v) for k, v in pairs.items()}, forms, dls


@pytest.mark.parametrize("batch", [1, 7, 1024])
def test_analyser_equals_analyse(batch: int) -> None:
    docs = _docs(150)
    want_post, want_pairs, want_forms, want_dl = _reference(docs)
    post, pairs, forms, dl = _analyse(docs, batch)
    assert dl == want_dl
    assert post == want_post
    assert pairs == want_pairs
    assert list(pairs) == list(want_pairs)  # pairs in order of first occurrence, as the state keeps them
    assert forms == want_forms


def test_analyser_is_exact_when_hashes_collide(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a hash that maps many forms to the same value, forms still get their own stems
    (hash twins are looked up by string), and a tiny table grows."""
    real = si._form_hash
    monkeypatch.setattr(si, "_form_hash", lambda words, length: real(words, length) & np.uint64(0xF000000000000007))
    monkeypatch.setattr(si._FormTable.__init__, "__defaults__", (2,))
    docs = _docs(60, seed=3)
    want = _reference(docs)
    assert _analyse(docs, 16) == tuple(want[:3]) + (want[3],)


def test_analyser_pair_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pairs counted with (pair, letter) sort keys, as when (pair, position) keys do not fit 64 bits."""
    monkeypatch.setattr(si._Analyser, "SORT_BITS", 0)
    docs = _docs(90, seed=4)
    want_post, want_pairs, _, _ = _reference(docs)
    _, pairs, _, _ = _analyse(docs, 13)
    assert pairs == want_pairs and list(pairs) == list(want_pairs)


def test_analyser_without_the_vector_tokenizer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(si, "_VECTOR_OK", False)
    docs = _docs(40, seed=5)
    assert _analyse(docs, 9) == _reference(docs)


# ---------------------------------------------------------------- the build


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_split_build_shares_fragments_and_writes_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(si, "FRAG_CHUNK", 3)
    docs = _docs(80, seed=6)
    stats = {}
    for name, split in (("one", False), ("two", True)):
        stats[name] = si.build(docs, tmp_path / name / "site", tmp_path / name / "ix", split=split)
        assert stats[name]["files"] == sum(1 for _ in (tmp_path / name / "site" / "search").rglob("*.js"))
    assert stats["one"] == stats["two"]
    assert _tree(tmp_path / "one" / "site") == _tree(tmp_path / "two" / "site")
    a, b = (si._load_state(tmp_path / n / "ix") for n in ("one", "two"))
    assert a == b


def test_a_failing_pair_process_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise OSError("disk full (test)")

    monkeypatch.setattr(si, "_save_pairs", broken)
    with pytest.raises(RuntimeError, match=r"stem-pair process failed.*disk full \(test\)"):
        si.build(_docs(30), tmp_path / "site", tmp_path / "ix", split=True)


def test_a_pair_process_failing_before_it_sends_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise ValueError("analysis broke (test)")

    monkeypatch.setattr(si._Analyser, "add", broken)
    with pytest.raises(RuntimeError, match=r"stem-pair process failed.*analysis broke \(test\)"):
        si.build(_docs(30), tmp_path / "site", tmp_path / "ix", split=True)


@pytest.mark.parametrize("weak", [False, True])
def test_analyser_tells_apart_forms_sharing_their_first_bytes(weak: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A later batch whose longest token fits fewer packed words than a known form must not
    take that form for one of its own that starts the same way (``weak``: a hash of the first
    8 bytes only, so such forms meet in the table)."""
    if weak:
        monkeypatch.setattr(si, "_form_hash", lambda words, length: words[0] * np.uint64(0x9E3779B97F4A7C15))
    texts = ["abcdefghijkl abcdefghijklmnopq tramadolhcl", "abcdefgh tramadol", "abcdefghijklmnop abcdefghijkl x",
             "abcdefghijklmnopqrstuvwxyz0123456789 abcdefghijklmnopqrstuvwxyz0123", "abcdefghijklmnopqrstuvwxyz01234567 ab"]
    proto = documents(sample_letters())[0]
    docs = [SearchDoc(id=f"d{i}", url="", title="", case_number=None, requests=(), items=(), text=t, facets={}, labels={})
            for i, t in enumerate(texts * 2)] + [proto]
    for batch in (1, 2, 3):
        assert _analyse(docs, batch) == _reference(docs)


def test_a_pair_process_failing_while_it_sends_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn: object, runs: object) -> None:
        raise ValueError("send broke (test)")

    monkeypatch.setattr(si, "_send_runs", broken)
    with pytest.raises(RuntimeError, match=r"stem-pair process failed"):
        si.build(_docs(30), tmp_path / "site", tmp_path / "ix", split=True)
