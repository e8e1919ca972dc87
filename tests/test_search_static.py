"""The static index agrees with Whoosh: the browser's term dictionary maps each word form
to the term Whoosh indexes, and its doc sets hold exactly the letters Whoosh finds."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from sitegen.search import build_indexes, whoosh_index
from sitegen.search.static_index import encode_docset, file_key, fnv1a, front_code, front_decode, shard_key
from test_search_fixtures import sample_letters

WORDS = ["injections", "injected", "injection", "radiculopathy", "radicular", "flags", "medically",
         "necessary", "tramadol", "examination", "therapy", "arthroscopy", "epidural", "steroid", "signs"]


def _load(path: Path) -> dict:
    m = re.fullmatch(r'sgsReg\("([^"]+)",(.*)\);\n', path.read_text(encoding="utf-8"), re.S)
    assert m, path
    return json.loads(m.group(2))


def _docset(enc: str) -> list[int]:
    if enc[0] == "c":  # complement within 0..n-1
        n, _, rest = enc[1:].partition(".")
        return sorted(set(range(int(n))) - set(_docset("v" + rest)))
    raw = base64.b64decode(enc[1:])
    if enc[0] == "b":
        return [i * 8 + b for i, byte in enumerate(raw) for b in range(8) if byte >> b & 1]
    out, d, val, shift = [], -1, 0, 0
    for byte in raw:
        val |= (byte & 127) << shift
        if byte & 128:
            shift += 7
            continue
        d += val + 1
        out.append(d)
        val = shift = 0
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("static")
    build_indexes(sample_letters(), tmp / "site", tmp / "ix")
    return tmp / "site" / "search", tmp / "ix"


def test_dictionary_and_postings_agree_with_whoosh(built: tuple[Path, Path]) -> None:
    root, ix = built
    meta = _load(root / "meta.js")
    frag_ids = {}
    for f in root.glob("f/*/*.js"):
        frag_ids[int(f.stem)] = _load(f)["id"]
    for word in WORDS:
        shard = _load(root / "d" / f"{file_key(shard_key(word, meta['depth']))}.js")
        stem = shard["w"][word]
        assert stem == whoosh_index.stem_of(word)
        df, pshard = shard["s"][stem]
        entry = _load(root / "p" / f"{pshard}.js")[stem]
        docs = sorted(frag_ids[d] for d in _docset(entry["d"]))
        total, hits = whoosh_index.search(ix, f"content:{word}", 50)
        assert docs == sorted(h.id for h in hits) and df == total, word
        assert word in entry["x"]


def test_phrase_pairs_agree_with_whoosh(built: tuple[Path, Path]) -> None:
    root, ix = built
    meta = _load(root / "meta.js")
    frag_ids = {int(f.stem): _load(f)["id"] for f in root.glob("f/*/*.js")}
    for a, b in [("red", "flags"), ("lumbar", "spine"), ("steroid", "injection"), ("medically", "necessary")]:
        key = f"{whoosh_index.stem_of(a)} {whoosh_index.stem_of(b)}"
        shard = _load(root / "b" / f"{fnv1a(key) % meta['nb']}.js")
        docs = sorted(frag_ids[d] for d in _docset(shard[key]["d"])) if key in shard else []
        _, hits = whoosh_index.search(ix, f'content:"{a} {b}"', 50)
        assert docs == sorted(h.id for h in hits), (a, b)


@pytest.mark.parametrize("docs,n", [([], 10), ([0], 1), ([3, 4, 200, 70000], 100000), (list(range(0, 1000, 2)), 1000),
                                    (list(range(0, 1000, 5)), 1000), ([d for d in range(3000) if d % 97], 3000),
                                    (list(range(300)), 300), ([d * d for d in range(300)], 90000)])
def test_docset_roundtrip(docs: list[int], n: int) -> None:
    assert _docset(encode_docset(docs, n)) == docs


@pytest.mark.parametrize("budget", [None, 60])
def test_every_prefix_has_its_shards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int | None) -> None:
    """Each form lives in the one shard its key rule names, and for a first character with
    longer keys, d/_i<c>.js lists exactly the shards under it (budget 60 forces long keys)."""
    from sitegen.search import static_index

    if budget:
        monkeypatch.setattr(static_index, "DICT_BUDGET", budget)
    build_indexes(sample_letters(), tmp_path / "site", tmp_path / "ix")
    root = tmp_path / "site" / "search"
    depth = _load(root / "meta.js")["depth"]
    assert bool(depth) == bool(budget)
    shards = {f.stem: _load(f) for f in (root / "d").glob("*.js") if not f.stem.startswith("_i")}
    words = {w for sh in shards.values() for w in sh["w"]}
    for w in words:
        assert w in shards[file_key(shard_key(w, depth))]["w"]
    for first, d in depth.items():
        listed = front_decode(_load(root / "d" / f"_i{file_key(first)}.js"))
        assert sorted(file_key(k) for k in listed) == sorted(k for k in shards if any(w[:1] == first for w in shards[k]["w"]))
        assert all(len(k) <= d for k in listed)


def _live_docs(root: Path, word: str, second: str | None = None) -> list[str]:
    """Ids of the letters holding ``word`` (or the pair ``word second``) as the browser reads the
    index: the main postings without the doc numbers the overlay retired, plus the overlay's."""
    meta = _load(root / "meta.js")
    frag_ids = {int(f.stem): _load(f)["id"] for f in root.glob("f/*/*.js")}
    key = file_key(shard_key(word, meta["depth"]))
    main = _load(root / "d" / f"{key}.js") if (root / "d" / f"{key}.js").is_file() else {"w": {}, "s": {}}
    over = {"w": {}, "p": {}, "b": {}}
    gone: set[int] = set()
    if meta.get("o"):
        gone = {int(k) for k in _load(root / "o" / "x.js")["del"]}
        if (root / "o" / "d" / f"{key}.js").is_file():
            over.update(_load(root / "o" / "d" / f"{key}.js"))
    stem = main["w"].get(word) or over["w"].get(word)
    if stem is None:
        return []
    if meta.get("o"):
        op = _load(root / "o" / "x.js")["op"]
        if (root / "o" / "p" / f"{fnv1a(stem) % op}.js").is_file():
            over.update(_load(root / "o" / "p" / f"{fnv1a(stem) % op}.js"))
    docs: list[int] = []
    if second is None:
        if stem in main["s"]:
            docs += _docset(_load(root / "p" / f"{main['s'][stem][1]}.js")[stem]["d"])
        docs += [d for d, _ in over["p"].get(stem, [])]
    else:
        pair = f"{stem} {whoosh_index.stem_of(second)}"
        shard = _load(root / "b" / f"{fnv1a(pair) % meta['nb']}.js")
        docs += _docset(shard[pair]["d"]) if pair in shard else []
        if meta.get("o"):
            ob = _load(root / "o" / "x.js")["ob"]
            if (root / "o" / "b" / f"{fnv1a(pair) % ob}.js").is_file():
                docs += [d for d, _ in _load(root / "o" / "b" / f"{fnv1a(pair) % ob}.js")["b"].get(pair, [])]
    return sorted(frag_ids[d] for d in docs if d not in gone)


@pytest.mark.parametrize("compact", [False, True])
def test_update_agrees_with_whoosh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compact: bool) -> None:
    """After incremental updates (a changed, a removed and an added letter; then one changed
    again) the static index, read as the browser reads it (main index + overlay, or the main
    index alone after compaction), still holds exactly the letters Whoosh finds."""
    from dataclasses import replace

    from sitegen.search import static_overlay, update_indexes

    if compact:
        monkeypatch.setattr(static_overlay, "MAX_DOCS", 0)
    letters = sample_letters()
    site, ix = tmp_path / "site", tmp_path / "ix"
    build_indexes(letters, site, ix)
    new = replace(letters[1], id="s7", text="Tramadol and epidural steroid injections; red flags absent.")
    update_indexes([replace(letters[0], text="Red flags: zygapophyseal injections."), new], ["s3"], site, ix)
    stats = update_indexes([replace(letters[0], text="Red flags: zygapophyseal injections of steroid.")], [], site, ix)
    root = site / "search"
    assert stats["files"] == sum(1 for p in root.rglob("*.js") if p.name not in ("client.js", "overlay.js"))
    assert stats["written"] < stats["files"]
    assert (root / "o").is_dir() != compact and _load(root / "meta.js").get("o", 0) == (0 if compact else 1)
    frag_ids = {int(f.stem): _load(f)["id"] for f in root.glob("f/*/*.js")}
    assert "s3" not in frag_ids.values() and "s7" in frag_ids.values()
    assert sorted(frag_ids.values()) == sorted({l.id for l in letters if l.id != "s3"} | {"s7"})
    for word in ["zygapophyseal", "injections", "tramadol", "radiculopathy", "flags", "epidural", "steroid"]:
        total, hits = whoosh_index.search(ix, f"content:{word} OR request:{word}", 50)
        assert _live_docs(root, word) == sorted(h.id for h in hits), word
        assert word != "radiculopathy" or total == 0  # only in s1's old text
    for a, b in [("red", "flags"), ("steroid", "injection"), ("injections", "steroid")]:
        _, hits = whoosh_index.search(ix, f'"{a} {b}"', 50)
        assert _live_docs(root, a, b) == sorted(h.id for h in hits), (a, b)


def test_fold_limit_grows_with_the_archive() -> None:
    """Small archives fold the overlay in past MAX_DOCS letters, large ones past a share of the
    archive (fewer fold-ins per saved letter), never past OVERLAY_MAX."""
    from sitegen.search import static_overlay as so

    assert so.fold_limit(0) == so.fold_limit(so.MAX_DOCS * so.FOLD_SHARE) == so.MAX_DOCS
    assert so.fold_limit(10_000) == 10_000 // so.FOLD_SHARE > so.MAX_DOCS
    assert so.fold_limit(100_000) == so.OVERLAY_MAX < 100_000 // so.FOLD_SHARE


def test_update_fold_argument(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fold=False keeps the overlay past fold_limit (a curator's edit loop), but not past
    OVERLAY_MAX; fold=True folds it in at once; the default follows fold_limit."""
    from dataclasses import replace

    from sitegen.search import static_overlay, update_indexes

    letters = sample_letters()
    site, ix = tmp_path / "site", tmp_path / "ix"
    build_indexes(letters, site, ix)
    root = site / "search"
    monkeypatch.setattr(static_overlay, "MAX_DOCS", 2)
    edits = [replace(l, text=l.text + " Zygapophyseal.") for l in letters]
    stats = update_indexes(edits[:2], [], site, ix, fold=False)  # a changed letter counts twice (old and new)
    assert stats["overlay"] == 4 and (root / "o").is_dir() and "compacted" not in stats
    stats = update_indexes(edits[2:3], [], site, ix)
    assert stats.get("compacted") and not (root / "o").exists()
    stats = update_indexes(edits[:1], [], site, ix)
    assert stats["overlay"] == 2 and (root / "o").is_dir()
    assert update_indexes(edits[1:2], [], site, ix, fold=True).get("compacted") and not (root / "o").exists()
    monkeypatch.setattr(static_overlay, "OVERLAY_MAX", 4)
    assert update_indexes(edits[:2], [], site, ix, fold=False)["overlay"] == 4
    assert update_indexes(edits[2:3], [], site, ix, fold=False).get("compacted")
    total, hits = whoosh_index.search(ix, "content:zygapophyseal", 50)
    assert _live_docs(root, "zygapophyseal") == sorted(h.id for h in hits) == sorted(l.id for l in letters[:3])


def test_client_compaction_keeps_code_lines(tmp_path: Path) -> None:
    from sitegen.search.client import SOURCE, compact, write_client

    src = '/* head\n   more */\nvar a = 1; // a trailing comment\n\n  // gone\n  /* gone */ var b = "/*x*/";\nreturn a\n'
    assert compact(src) == 'var a=1;var b="/*x*/";return a\n'
    # string and regex literals keep their spaces; division is tightened; a line is joined to
    # the previous one only after "{ ; , ( [" (no semicolon insertion there)
    src = 'var r = / a+/g, s = "x // y", t = \'it\\\'s / \';\nvar q = n / 2 // half\nf(a, /[/ ]/.test(s) ? 1 : 0)\nif (x) {\n  y = z ^ 1\n}\n'
    assert compact(src) == 'var r=/ a+/g,s="x // y",t=\'it\\\'s / \';var q=n/2\nf(a,/[/ ]/.test(s)?1:0)\nif(x){y=z^1\n}\n'
    assert compact('s = a + " " + b[i - 1]\nt = a - -b\n') == 's=a+" "+b[i-1]\nt = a - -b\n'
    # what the lexer cannot split stays as it is, and nothing is glued to it
    assert compact("var t = `a ${b} c`;\nx = 1;\n") == "var t = `a ${b} c`;\nx=1;\n"
    size = write_client(tmp_path)
    text = (tmp_path / "search" / "client.js").read_text(encoding="utf-8")
    assert size == len(text.encode()) and size < SOURCE.stat().st_size
    assert not any(line.startswith(("//", "/*", " ")) for line in text.splitlines())
    assert "window.benchRun" in text and "sgsReg" in text


def test_front_coding() -> None:
    keys = ["0000", "0001", "0002", "ab", "abc", "b", "\u00e9t\u00e9"]
    coded = front_code(reversed(keys))
    assert coded == "00000 31 32 0ab 2c 0b 0\u00e9t\u00e9"
    assert front_decode(coded) == sorted(keys)


def test_precomputed_facet_counts_are_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.search import static_index
    from sitegen.search.documents import FACETS, documents

    monkeypatch.setattr(static_index, "fc_min", lambda n: 2)
    letters = sample_letters()
    build_indexes(letters, tmp_path / "site", tmp_path / "ix")
    root = tmp_path / "site" / "search"
    labels = _load(root / "v" / "labels.js")
    frag_ids = {int(f.stem): _load(f)["id"] for f in root.glob("f/*/*.js")}
    docs = {d.id: d for d in documents(letters)}
    checked = 0
    for shard in root.glob("p/*.js"):
        for stem, entry in _load(shard).items():
            if "fc" not in entry:
                assert entry["n"] < 2
                continue
            raw, counts, val, shift = base64.b64decode(entry["fc"]), [], 0, 0
            for byte in raw:
                val |= (byte & 127) << shift
                shift += 7
                if not byte & 128:
                    counts.append(val)
                    val = shift = 0
            ids = [frag_ids[d] for d in _docset(entry["d"])]
            expected = [sum(1 for i in ids if v in docs[i].facets.get(f, ())) for f in FACETS for v, _, _ in labels[f]]
            assert counts == expected, stem
            checked += 1
    assert checked > 10


def test_split_build_writes_the_same_files(tmp_path: Path) -> None:
    """The build with the stem pairs in a forked process writes exactly the files (and state)
    of the one-process build."""
    from sitegen.search import static_index
    from sitegen.search.documents import documents

    docs = documents(sample_letters())
    for name, split in (("one", False), ("two", True)):
        stats = static_index.build(docs, tmp_path / name / "site", tmp_path / name / "ix", split=split)
        assert stats["files"] == sum(1 for _ in (tmp_path / name / "site" / "search").rglob("*.js"))
    one, two = (sorted((p.relative_to(tmp_path / n / "site"), p.read_bytes()) for p in (tmp_path / n / "site").rglob("*") if p.is_file())
                for n in ("one", "two"))
    assert [p for p, _ in one] == [p for p, _ in two]
    assert one == two
    a, b = (static_index._load_state(tmp_path / n / "ix") for n in ("one", "two"))
    assert a.pairs == b.pairs and a.post == b.post and a.nb == b.nb and a.forms == b.forms


def test_term_frequencies_are_clamped(tmp_path: Path) -> None:
    """Postings pack ``doc << 8 | min(tf, 255)``: a word 300 times in one letter counts 255."""
    from dataclasses import replace

    from sitegen.search import static_state_dir
    from sitegen.search.static_index import _load_state

    letters = sample_letters()
    letters[0] = replace(letters[0], text=letters[0].text + " zygomatic" * 300)
    letters[1] = replace(letters[1], text=letters[1].text + " zygomatic" * 254)
    build_indexes(letters, tmp_path / "site", tmp_path / "ix")
    state = _load_state(static_state_dir(tmp_path / "ix"))
    assert sorted(p & 255 for p in state.post[whoosh_index.stem_of("zygomatic")]) == [254, 255]


def test_overlay_labels_only_new_values(tmp_path: Path) -> None:
    """o/x.js carries labels only for facet values v/labels.js lacks, and each overlay letter's
    values as indexes into its [facet, value] table."""
    from dataclasses import replace

    from sitegen.search import update_indexes

    letters = sample_letters()
    site, ix = tmp_path / "site", tmp_path / "ix"
    build_indexes(letters, site, ix)
    changed = replace(letters[0], items=(replace(letters[0].items[0], decision="modified"),))
    update_indexes([changed, replace(letters[1], text=letters[1].text + " Zygapophyseal.")], [], site, ix)
    x = _load(site / "search" / "o" / "x.js")
    known = {(f, row[0]) for f, rows in _load(site / "search" / "v" / "labels.js").items() for row in rows}
    assert ("decision", "modified") not in known and "modified" in x["labels"]["decision"]
    assert not any((f, v) in known for f, ls in x["labels"].items() for v in ls)
    added = [{tuple(x["fv"][i]) for i in vals} for vals in x["add"].values()]
    assert ("decision", "modified") in set().union(*added) and len(x["del"]) == 2
