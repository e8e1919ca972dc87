"""The Whoosh index and ``sitegen search``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from sitegen.cli import main
from sitegen.errors import SitegenError
from sitegen.search import whoosh_index
from sitegen.search.documents import documents, letter_document
from test_search_fixtures import sample_letters


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("whoosh") / "ix"
    whoosh_index.build(documents(sample_letters()), d)
    return d


def ids(index_dir: Path, q: str, limit: int = 20) -> list[str]:
    return [h.id for h in whoosh_index.search(index_dir, q, limit)[1]]


def test_document_facets_treat_missing_normalisation_as_unmapped() -> None:
    doc = letter_document(sample_letters()[3])
    assert doc.facets["procedure"] == ("unmapped",)
    assert doc.facets["guideline"] == ("unmapped",)
    assert doc.facets["year"] == ("2012",)
    assert doc.url == "cases/s4.html"


def test_stemming_matches_word_forms(index_dir: Path) -> None:
    assert sorted(ids(index_dir, "injections")) == ["s2", "s3", "s6"]
    assert sorted(ids(index_dir, "injected")) == ["s2", "s3", "s6"]


def test_phrase_and_and(index_dir: Path) -> None:
    assert sorted(ids(index_dir, '"red flags"')) == ["s1", "s4"]  # s4: "red-flag signs"
    assert ids(index_dir, '"lumbar spine"') == ["s1"]
    assert ids(index_dir, '"spine lumbar"') == []
    assert sorted(ids(index_dir, "red flags")) == ["s1", "s4"]
    assert ids(index_dir, "tramadol injections") and sorted(ids(index_dir, "tramadol injections")) == ["s2", "s3"]


def test_fields_filter(index_dir: Path) -> None:
    assert ids(index_dir, "procedure:mri-lumbar-spine decision:overturned") == ["s1"]
    assert sorted(ids(index_dir, "decision:upheld")) == ["s2", "s3", "s4"]
    assert sorted(ids(index_dir, "specialty:pain-medicine tramadol")) == ["s2", "s3"]
    assert ids(index_dir, "year:2011") == ["s6"]
    assert ids(index_dir, 'procedure:mri-lumbar-spine decision:overturned "red flags"') == ["s1"]


def test_request_ranks_above_body(index_dir: Path) -> None:
    # s2 and s3 both mention tramadol in the text; s2's only request is tramadol, s3 has it as
    # its second request.  Both beat nothing; the order must follow the request boost.
    total, hits = whoosh_index.search(index_dir, "tramadol", 5)
    assert total == 2 and hits[0].score >= hits[1].score


def test_snippet_highlights(index_dir: Path) -> None:
    _, hits = whoosh_index.search(index_dir, "radiculopathy", 5)
    assert "**radiculopathy**" in hits[0].snippet


@pytest.mark.parametrize("q", ["nosuchfield:x", "", "   "])
def test_bad_queries_raise_clear_errors(index_dir: Path, q: str) -> None:
    with pytest.raises(SitegenError):
        whoosh_index.search(index_dir, q)


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(SitegenError, match="run 'sitegen build'"):
        whoosh_index.search(tmp_path / "none", "x")


def test_update_replaces_and_removes(tmp_path: Path) -> None:
    from dataclasses import replace

    d = tmp_path / "ix"
    letters = sample_letters()
    whoosh_index.build(documents(letters), d)
    changed = replace(letters[0], text="Now about zygapophyseal joints only.")
    whoosh_index.update(documents([changed]), ["s2"], d)
    assert ids(d, "zygapophyseal") == ["s1"]
    assert ids(d, "radiculopathy") == []
    assert sorted(ids(d, "tramadol")) == ["s3"]
    assert whoosh_index.doc_count(d) == 5


def test_cli_text_json_and_errors(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--index", str(index_dir), "--json", "--limit", "1", "injections"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 3 and len(out["results"]) == 1
    assert out["results"][0]["path"].startswith("cases/")
    assert main(["search", "--index", str(index_dir), '"lumbar spine"']) == 0
    text = capsys.readouterr().out
    assert "1 letter match" in text and "cases/s1.html" in text
    assert main(["search", "--index", str(index_dir), "bogus:field"]) == 2
    err = capsys.readouterr().err
    assert "unknown field 'bogus'" in err and "Traceback" not in err


def test_cli_missing_index_subprocess(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "sitegen", "search", "--out", str(tmp_path / "_site"), "x"],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "no search index" in r.stderr


TRICKY = [
    "", "the a of", "A. b the Zürich straße İstanbul ǅ ﬁle U.S.A. 3.5mg x.y.z *foo* a*b",
    "Of the patient's L4-L5 radiculopathy, the the MRI was", "İİ i̇ ΣΑΣ ß",
]


def _whoosh_terms(text: str, boost: float) -> list[tuple[bytes, int, float, bytes]]:
    """What Whoosh's own TEXT field (StemmingAnalyzer + Positions format) indexes."""
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import TEXT

    return sorted(TEXT(analyzer=StemmingAnalyzer(), field_boost=boost).index(text))


@pytest.mark.parametrize("boost", [1.0, whoosh_index.REQUEST_BOOST])
def test_fast_indexing_equals_whoosh_analysis(boost: float) -> None:
    texts = [l.text for l in sample_letters()] + ["\n".join(l.requests) for l in documents(sample_letters())] + TRICKY
    for text in texts:
        assert sorted(whoosh_index.index_terms(text, boost)) == _whoosh_terms(text, boost), text[:60]
    # the schema's fields use it
    field = whoosh_index.schema()["content"]
    assert sorted(field.index(texts[0])) == _whoosh_terms(texts[0], 1.0)


PIECES = list("aeiouyst lnrIİßǅ.*-'0\n") + ["the ", "of ", "ing ", "ed ", "ies "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_fast_indexing_equals_whoosh_on_any_text(text: str) -> None:
    assert sorted(whoosh_index.index_terms(text)) == _whoosh_terms(text, 1.0)


def _index_contents(d: Path) -> dict[str, object]:
    """Everything a search reads: per term its stats and postings (doc, weight, encoded
    positions), per document its stored fields and field lengths."""
    from whoosh import index

    ix = index.open_dir(str(d))
    with ix.reader() as r:
        terms = {}
        for fieldname, text in r.all_terms():
            ti = r.term_info(fieldname, text)
            m = r.postings(fieldname, text)
            posts = []
            while m.is_active():
                posts.append((m.id(), m.weight(), m.value()))
                m.next()
            terms[(fieldname, text)] = (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length(),
                                        ti.max_weight(), ti.min_id(), ti.max_id(), posts)
        docs = [(r.stored_fields(n), [r.doc_field_length(n, f) for f in ix.schema.scorable_names()])
                for n in range(r.doc_count_all())]
        return {"terms": terms, "docs": docs, "lengths": {f: r.field_length(f) for f in ix.schema.scorable_names()}}


def test_direct_build_writes_what_whoosh_writer_writes(tmp_path: Path) -> None:
    from dataclasses import replace

    from whoosh import index

    base = documents(sample_letters())
    # 300 documents, so common terms have several posting blocks (Whoosh's block size is 128)
    docs = [replace(d, id=f"{d.id}-{k}") for k in range(50) for d in base]
    whoosh_index.build(docs, tmp_path / "fast")
    (tmp_path / "plain").mkdir()
    ix = index.create_in(str(tmp_path / "plain"), whoosh_index.schema())
    writer = ix.writer()
    assert whoosh_index._direct_build_ok(writer, ix.schema)  # the build above took the direct path
    for d in docs:
        writer.add_document(**whoosh_index._fields(d))
    writer.commit()
    fast, plain = _index_contents(tmp_path / "fast"), _index_contents(tmp_path / "plain")
    assert max(len(v[-1]) for v in plain["terms"].values()) > 128
    assert fast["docs"] == plain["docs"]
    assert fast["lengths"] == plain["lengths"]
    assert fast["terms"].keys() == plain["terms"].keys()
    for key, value in plain["terms"].items():
        assert fast["terms"][key] == value, key


def test_snippets_come_from_the_stored_text_without_char_offsets(index_dir: Path) -> None:
    # content keeps positions but no character offsets (a smaller, faster build): Whoosh
    # re-tokenizes the stored text of the hits shown, so every form of the stem is marked.
    from whoosh import index

    assert not index.open_dir(str(index_dir)).schema["content"].format.supports("characters")
    _, hits = whoosh_index.search(index_dir, "injected", 5)
    snippets = {h.id: h.snippet for h in hits}
    assert "**injections**" in snippets["s2"] and "**injected**" in snippets["s3"]
    _, hits = whoosh_index.search(index_dir, '"red flags"', 5)
    assert "**red** **flags**" in {h.id: h.snippet for h in hits}["s1"]


ASCII_PIECES = list("aeiouyst lnrIX9_.*-'\n\t,;:()") + ["the ", "of ", "ing ", "ed ", "ies ", "..", ". ", " .", "U.S.", "3.5mg "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ASCII_PIECES), max_size=80).map("".join))
def test_ascii_tokenizer_equals_whoosh_regex(text: str) -> None:
    # ASCII text is split without Whoosh's regex (bytes.translate + split); same tokens, same index
    assert whoosh_index._tokens(text) == [t.lower() for t in whoosh_index._TOKEN_RE.findall(text)]
    assert sorted(whoosh_index.index_terms(text)) == _whoosh_terms(text, 1.0)


@pytest.mark.parametrize("text", [
    "word " * 1500,                                   # one term more often than pickle's batch of 1,000
    ("alpha " + "filler " * 300) * 5,                 # gaps between positions above 255
    "x " * 70_000 + "lumbar the lumbar spine lumbar",  # positions above 65,535
    "the of and " + "spine " * 3 + "a b c spine",      # stop words and one-letter tokens before the first term
])
def test_fast_indexing_equals_whoosh_on_long_texts(text: str) -> None:
    assert sorted(whoosh_index.index_terms(text)) == _whoosh_terms(text, 1.0)


def _many_docs(k: int = 50) -> list:
    from dataclasses import replace

    base = documents(sample_letters())
    return [replace(d, id=f"{d.id}-{i}") for i in range(k) for d in base]


def _plain_index(docs: list, where: Path) -> Path:
    from whoosh import index

    where.mkdir()
    writer = index.create_in(str(where), whoosh_index.schema()).writer()
    for d in docs:
        writer.add_document(**whoosh_index._fields(d))
    writer.commit()
    return where


def test_segments_built_in_parallel_equal_one_built_by_whoosh(tmp_path: Path) -> None:
    from whoosh import index

    docs = _many_docs()
    whoosh_index.build(docs, tmp_path / "par", procs=3)
    assert len(index.open_dir(str(tmp_path / "par"))._segments()) == 3
    par, plain = _index_contents(tmp_path / "par"), _index_contents(_plain_index(docs, tmp_path / "plain"))
    assert par["docs"] == plain["docs"] and par["lengths"] == plain["lengths"]
    assert par["terms"] == plain["terms"]
    for q in ["injections", '"red flags"', "decision:upheld tramadol", "procedure:mri-lumbar-spine"]:
        assert whoosh_index.search(tmp_path / "par", q, 400) == whoosh_index.search(tmp_path / "plain", q, 400)


QUERIES = ["injections", '"red flags"', "decision:upheld", "tramadol OR zygapophyseal", "radiculopathy", "edited*"]


def _matches(d: Path) -> dict[str, tuple[int, list[str]]]:
    out = {}
    for q in QUERIES:
        total, hits = whoosh_index.search(d, q, 1000)
        out[q] = (total, sorted(h.id for h in hits))
    return out


def test_updates_give_what_a_clean_build_gives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dataclasses import replace

    from whoosh import index

    docs = _many_docs(20)  # 120 documents
    live = {d.id: d for d in docs}
    d = tmp_path / "ix"
    whoosh_index.build(docs, d, procs=2)
    for k in range(12):  # one letter per save, as `sitegen serve` does; enough saves for merges
        doc = docs[(k * 7) % len(docs)]
        changed = replace(doc, text=f"Edited{k} now about zygapophyseal joints only.")
        removed = [docs[k + 40].id] if k % 3 == 0 else []
        added = replace(docs[k], id=f"new-{k}")
        whoosh_index.update([changed, added], removed, d)
        live[changed.id] = changed
        live[added.id] = added
        for r in removed:
            live.pop(r)
    segments = index.open_dir(str(d))._segments()
    assert 2 < len(segments) < 12  # each save added a segment; small ones were merged, the big ones kept
    clean = tmp_path / "clean"
    whoosh_index.build(sorted(live.values(), key=lambda x: x.id), clean, procs=1)
    assert whoosh_index.doc_count(d) == whoosh_index.doc_count(clean) == len(live)
    assert _matches(d) == _matches(clean)
    edited = sorted(i for i, x in live.items() if x.text.startswith("Edited"))
    assert len(edited) > 8 and _matches(d)["edited*"] == (len(edited), edited)
    assert main(["search", "--index", str(d), "--json", "--limit", "500", "zygapophyseal"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == len(edited) and sorted(r["id"] for r in out["results"]) == edited


def test_a_failing_segment_process_fails_the_build_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    parent, fill = os.getpid(), whoosh_index._fill

    def failing_in_the_child(writer: object, docs: list) -> None:
        if os.getpid() != parent:
            raise RuntimeError("boom")
        fill(writer, docs)

    monkeypatch.setattr(whoosh_index, "_fill", failing_in_the_child)
    with pytest.raises(SitegenError, match="RuntimeError: boom"):
        whoosh_index.build(_many_docs(2), tmp_path / "ix", procs=2)
    assert list(tmp_path.iterdir()) == []  # no index, no temp folder left


LONG_TEXTS = [
    "word " * 1500,                                    # a frequency above pickle's batch of 1,000; values over 255 bytes
    ("alpha " + "filler " * 300) * 5,                  # position gaps above 255
    "x " * 70_000 + "lumbar the lumbar spine lumbar",  # positions above 65,535
    "the of and " + "spine " * 3 + "a b c spine",      # stop words and one-letter tokens before the first term
    "", "the a of",                                    # no indexed token at all
    "edge " * 121 + "rim " * 122,                      # values of 254 and 256 bytes (SHORT_BINBYTES / BINBYTES)
    "word " * 300 + "edge",                            # "word" 1,500, 300, 1,500 times: weights above 255 in one block
]


def test_direct_build_of_long_texts_in_small_groups_and_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the text fields are grouped every _GROUP_TOKENS tokens and written _WRITE_POSTINGS postings
    # at a time: many groups and batches here, terms spanning them, unusual frequencies and positions
    from dataclasses import replace

    base = documents(sample_letters())
    # one case number in 240 letters (an id field's term in two blocks)
    docs = [replace(d, id=f"{d.id}-{k}", case_number="SAME") for k in range(40) for d in base]
    docs[7:7] = [replace(base[k % len(base)], id=f"long-{k}", text=t) for k, t in enumerate(LONG_TEXTS)]
    docs.append(replace(base[0], id="long-last", text=LONG_TEXTS[0] + LONG_TEXTS[2]))
    # keyword values as the comma analyzer sees them: repeated, spaced, empty, upper case, non-ASCII
    odd = {"procedure": ("B", " a ", "b", "", "İx"), "year": (" ",), "decision": ("upheld", "upheld"), "category": ()}
    docs[20:20] = [replace(base[1], id="odd-keywords", facets={**base[1].facets, **odd}, case_number=" Ünïcode Case ")]
    monkeypatch.setattr(whoosh_index, "_GROUP_TOKENS", 3000)
    monkeypatch.setattr(whoosh_index, "_WRITE_POSTINGS", 200)
    whoosh_index.build(docs, tmp_path / "fast", procs=1)
    fast, plain = _index_contents(tmp_path / "fast"), _index_contents(_plain_index(docs, tmp_path / "plain"))
    assert fast["docs"] == plain["docs"] and fast["lengths"] == plain["lengths"]
    assert fast["terms"].keys() == plain["terms"].keys()
    for key, value in plain["terms"].items():
        assert fast["terms"][key] == value, key
    assert max(len(v[-1]) for v in plain["terms"].values()) > 128
    values = [p[2] for v in plain["terms"].values() for p in v[-1] if isinstance(p[2], bytes)]
    assert max(map(len, values)) > 3000  # positions of "word" x 1,500 (two pickle batches)


def test_block_pickles_unpickle_to_python_ints() -> None:
    assert whoosh_index._build_modules()
    import pickle

    import numpy as np

    v = np.array([0, 1, 255, 256, 65535, 65536, 2**24 + 5, 2**31 - 1], np.int64)
    sizes = whoosh_index._int_sizes(v)
    out = np.zeros(int(sizes.sum()), np.uint8)
    whoosh_index._put_ints(out, np.concatenate(([0], np.cumsum(sizes)[:-1])), v)
    assert pickle.loads(b"\x80\x05(" + out.tobytes() + b"t.") == tuple(v.tolist())
    assert b"".join(pickle.dumps(x, 2)[2:-1] for x in v.tolist()) == out.tobytes()  # pickle's own opcodes


def test_length_bytes_equal_whoosh_length_to_byte() -> None:
    assert whoosh_index._build_modules()
    import numpy as np
    from whoosh.util.numeric import length_to_byte

    lengths = np.concatenate((np.arange(0, 5000), np.arange(5000, 200_000, 37), [106373, 106374, 10**9]))
    assert whoosh_index._length_bytes(lengths).tolist() == [length_to_byte(int(x)) for x in lengths]


def test_stable_order_is_numpy_stable_argsort() -> None:
    assert whoosh_index._build_modules()
    import numpy as np

    rng = np.random.default_rng(5)
    for high in (3, 65536, 2**20, 2**32):
        key = rng.integers(0, high, 5000, dtype=np.uint64).astype(np.uint32 if high <= 2**32 else np.uint64)
        assert whoosh_index._stable_order(key).tolist() == np.argsort(key, kind="stable").tolist()
    assert whoosh_index._stable_order(np.zeros(0, np.uint32)).tolist() == []
