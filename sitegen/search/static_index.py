"""The sharded static index the browser client (``static/search.js``) reads.

Every file is a classic script ``sgsReg("<name>", {...});`` so the index loads from
``file://`` as well as from any static host at any subpath.  Layout under ``site/search/``:

- ``meta.js``        start-up: doc count, average length, BM25 constants, dictionary split table.
- ``d/<key>.js``     term dictionary, sharded by word-form prefix (adaptive: a prefix whose shard
                     would be too big is split by the next character, recorded in meta ``splits``),
                     so a prefix query knows exactly which shards hold every completion.  Maps each
                     word form found in the letters to its Whoosh index term (Porter stem), and each
                     stem to ``[df, postings shard]``.
- ``p/<n>.js``       postings of stems (alphabetical ranges): doc set + quantized BM25 impacts.
- ``b/<n>.js``       postings of adjacent stem pairs (for phrases), sharded by FNV-1a hash.
- ``v/<facet>.js``   facet values: slug, label, doc set.
- ``f/<k>/<doc>.js`` display data per letter (URL, title, items, gzip+base64 text for snippets).

Doc sets are either a bitmap or delta varints, base64.  See ``docs/search.md``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import math
import pickle
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from sitegen.search.documents import FACETS, SearchDoc
from sitegen.search.whoosh_index import MIN_SIZE, REQUEST_BOOST, STOP_WORDS, TOKEN_PATTERN, analyze

FORMAT = 1
K1, B = 1.2, 0.75
DICT_BUDGET = 6_000
"""Target bytes of one dictionary shard before it is split by the next character."""
MAX_KEY = 6
POSTINGS_BUDGET = 12_000
TOP_K = 200
"""Impacts are kept for every doc of a stem with df <= FULL, else for its TOP_K best docs."""
FULL = 400
FRAG_DIR = 1000
STATE_FILE = "static-state.pickle"
REG = "sgsReg"


@dataclass
class DocData:
    """Analysed form of one letter (what the serializer needs, no re-analysis on update)."""

    doc: SearchDoc
    tf: dict[str, tuple[int, int]]
    """stem -> (tf in the text, tf in request/procedure)."""
    bigrams: dict[str, int]
    forms: set[str]
    dl: int


@dataclass
class State:
    docs: list[DocData | None] = field(default_factory=list)
    """Doc slot -> data (None for a removed letter)."""
    avgdl: float = 1.0
    splits: set[str] = field(default_factory=set)


# ---------------------------------------------------------------- analysis

def analyse(doc: SearchDoc) -> DocData:
    tf: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    bigrams: Counter[str] = Counter()
    forms: set[str] = set()
    n = 0
    prev_pos, prev_stem = -5, ""
    for form, stem, pos in analyze(doc.text):
        tf[stem][0] += 1
        forms.add(form)
        n += 1
        if pos == prev_pos + 1:
            bigrams[f"{prev_stem} {stem}"] += 1
        prev_pos, prev_stem = pos, stem
    extra = list(doc.requests) + [p.replace("-", " ") for p in doc.facets.get("procedure", ()) if p != "unmapped"]
    for line in extra:
        prev_pos = -5
        for form, stem, pos in analyze(line):
            tf[stem][1] += 1
            forms.add(form)
            if pos == prev_pos + 1:
                bigrams.setdefault(f"{prev_stem} {stem}", 0)
            prev_pos, prev_stem = pos, stem
    return DocData(doc, {k: (v[0], v[1]) for k, v in tf.items()}, dict(bigrams), forms, max(n, 1))


# ---------------------------------------------------------------- encodings

def _varint(values: Iterable[int]) -> bytes:
    out = bytearray()
    for v in values:
        while v >= 0x80:
            out.append((v & 0x7F) | 0x80)
            v >>= 7
        out.append(v)
    return bytes(out)


def encode_docset(docs: Sequence[int], n: int) -> str:
    """Sorted doc numbers -> "b<base64 bitmap>" or "v<base64 delta varints>", whichever is smaller."""
    deltas, last = [], -1
    for d in docs:
        deltas.append(d - last - 1)
        last = d
    var = _varint(deltas)
    if len(var) * 8 > n:
        bits = bytearray((n + 7) // 8)
        for d in docs:
            bits[d >> 3] |= 1 << (d & 7)
        return "b" + base64.b64encode(bytes(bits)).decode()
    return "v" + base64.b64encode(var).decode()


def impact(tf: tuple[int, int], dl: int, avgdl: float) -> int:
    """Quantized BM25 term-frequency part (idf is applied in the browser from df)."""
    t = tf[0] + REQUEST_BOOST * tf[1]
    part = t * (K1 + 1) / (t + K1 * (1 - B + B * dl / avgdl))
    return max(1, min(255, round(part / (K1 + 1) * 255)))


def fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def file_key(key: str) -> str:
    """Shard key -> file-name-safe name (ASCII letters/digits kept, the rest as _hex_)."""
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in key) or "_"


def shard_key(form: str, splits: set[str]) -> str:
    key = ""
    for c in form:
        key += c
        if key not in splits:
            return key
    return key


# ---------------------------------------------------------------- serialization

def _js(name: str, data: Any) -> bytes:
    return f'{REG}("{name}",{json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)});\n'.encode("utf-8")


def _postings_entry(items: list[tuple[int, int]], n: int, forms: list[str] | None) -> dict[str, Any]:
    items.sort()
    docs = [d for d, _ in items]
    e: dict[str, Any] = {"n": len(docs), "d": encode_docset(docs, n)}
    if len(items) <= FULL:
        e["i"] = base64.b64encode(bytes(i for _, i in items)).decode()
    else:
        top = sorted(items, key=lambda x: (-x[1], x[0]))[:TOP_K]
        floor = sorted((i for _, i in items), reverse=True)[TOP_K]
        top.sort()
        e["t"] = encode_docset([d for d, _ in top], n)
        e["i"] = base64.b64encode(bytes(i for _, i in top)).decode()
        e["f"] = floor
    if forms:
        e["x"] = forms
    return e


def _split_table(forms: dict[str, str]) -> set[str]:
    """Prefixes to split so no dictionary shard (except at MAX_KEY) exceeds DICT_BUDGET."""
    size: Counter[str] = Counter()
    for form, stem in forms.items():
        cost = len(form) + len(stem) + 12
        for k in range(1, min(len(form), MAX_KEY) + 1):
            size[form[:k]] += cost
    splits: set[str] = set()

    def visit(prefix: str) -> None:
        if size[prefix] > DICT_BUDGET and len(prefix) < MAX_KEY:
            splits.add(prefix)
            for child in sorted({f[len(prefix)] for f in children[prefix]}):
                visit(prefix + child)

    children: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        for k in range(0, min(len(form), MAX_KEY)):
            children[form[:k]].append(form)
    for first in sorted({f[0] for f in forms}):
        visit(first)
    return splits


def render(state: State) -> dict[str, bytes]:
    """The whole static index as {relative path: bytes}."""
    docs = state.docs
    n = len(docs)
    live = [d for d in docs if d is not None]
    out: dict[str, bytes] = {}

    # postings of stems
    post: dict[str, list[tuple[int, int]]] = defaultdict(list)
    big: dict[str, list[tuple[int, int]]] = defaultdict(list)
    form_stem: dict[str, str] = {}
    for num, d in enumerate(docs):
        if d is None:
            continue
        for stem, tf in d.tf.items():
            post[stem].append((num, impact(tf, d.dl, state.avgdl)))
        for bg, tf in d.bigrams.items():
            big[bg].append((num, impact((tf, 0), d.dl, state.avgdl) if tf else 1))
        for form in d.forms:
            form_stem[form] = _stem_cached(form)
    stem_forms: dict[str, list[str]] = defaultdict(list)
    for form, stem in form_stem.items():
        stem_forms[stem].append(form)

    stem_shard: dict[str, int] = {}
    shard: dict[str, Any] = {}
    shard_no, size = 0, 0
    for stem in sorted(post):
        entry = _postings_entry(post[stem], n, sorted(stem_forms[stem]))
        cost = len(json.dumps(entry)) + len(stem) + 4
        if shard and size + cost > POSTINGS_BUDGET:
            out[f"p/{shard_no}.js"] = _js(f"p/{shard_no}", shard)
            shard_no, shard, size = shard_no + 1, {}, 0
        shard[stem] = entry
        stem_shard[stem] = shard_no
        size += cost
    if shard:
        out[f"p/{shard_no}.js"] = _js(f"p/{shard_no}", shard)

    # bigram postings, by hash
    total_big = sum(len(v) for v in big.values())
    nb = max(1, min(4096, total_big * 3 // POSTINGS_BUDGET + 1))
    bshards: dict[int, dict[str, Any]] = defaultdict(dict)
    for bg, items in big.items():
        bshards[fnv1a(bg) % nb][bg] = _postings_entry(items, n, None)
    for k, v in bshards.items():
        out[f"b/{k}.js"] = _js(f"b/{k}", v)

    # dictionary
    splits = state.splits or _split_table(form_stem)
    state.splits = splits
    dshards: dict[str, dict[str, Any]] = defaultdict(lambda: {"w": {}, "s": {}})
    for form, stem in form_stem.items():
        if stem not in post:
            continue
        sh = dshards[shard_key(form, splits)]
        sh["w"][form] = stem
        sh["s"][stem] = [len(post[stem]), stem_shard[stem]]
    for key, v in dshards.items():
        out[f"d/{file_key(key)}.js"] = _js(f"d/{file_key(key)}", v)

    # facets
    for facet in FACETS:
        values: dict[str, list[int]] = defaultdict(list)
        labels: dict[str, str] = {}
        for num, d in enumerate(docs):
            if d is None:
                continue
            for v in d.doc.facets.get(facet, ()):
                values[v].append(num)
                labels.setdefault(v, d.doc.labels.get(facet, {}).get(v, v))
        rows = [[v, labels[v], encode_docset(ds, n)] for v, ds in sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        out[f"v/{facet}.js"] = _js(f"v/{facet}", rows)

    # fragments
    for num, d in enumerate(docs):
        if d is None:
            continue
        out[f"f/{num // FRAG_DIR}/{num}.js"] = _js(f"f/{num // FRAG_DIR}/{num}", _fragment(d.doc))

    meta = {
        "v": FORMAT,
        "n": n,
        "live": len(live),
        "avgdl": round(state.avgdl, 3),
        "k1": K1,
        "b": B,
        "fd": FRAG_DIR,
        "nb": nb,
        "keys": " ".join(sorted(dshards)),
        "facets": list(FACETS),
        "stop": sorted(STOP_WORDS),
        "min": MIN_SIZE,
    }
    out["meta.js"] = _js("meta", meta)
    return out


def _fragment(doc: SearchDoc) -> dict[str, Any]:
    z = gzip.compress(doc.text.encode("utf-8"), compresslevel=9, mtime=0)
    return {
        "id": doc.id,
        "u": doc.url,
        "t": doc.title,
        "it": [list(i) for i in doc.items],
        "z": base64.b64encode(z).decode(),
    }


def _stem_cached(form: str) -> str:
    from sitegen.search.whoosh_index import stem_of

    return stem_of(form)


# ---------------------------------------------------------------- writing

def _write(files: dict[str, bytes], root: Path, previous: set[str] | None) -> tuple[int, int]:
    """Write files whose bytes changed; delete files no longer produced.  Returns (written, bytes)."""
    written = 0
    for rel, data in files.items():
        p = root / rel
        if previous is not None and rel in previous:
            try:
                if p.read_bytes() == data:
                    continue
            except OSError:
                pass
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        written += 1
    if previous is not None:
        for rel in previous - files.keys():
            (root / rel).unlink(missing_ok=True)
    return written, sum(len(b) for b in files.values())


def _save_state(state: State, files: dict[str, bytes], index_dir: Path) -> None:
    index_dir.mkdir(parents=True, exist_ok=True)
    digest = {k: hashlib.blake2b(v, digest_size=8).hexdigest() for k, v in files.items()}
    tmp = index_dir / (STATE_FILE + ".tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"format": FORMAT, "state": state, "files": digest}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(index_dir / STATE_FILE)


def build(docs: Sequence[SearchDoc], site_dir: Path, index_dir: Path) -> dict[str, Any]:
    """Write the static index to ``site_dir/search`` and its update state to ``index_dir``."""
    data = [analyse(d) for d in docs]
    state = State(docs=list(data), avgdl=(sum(d.dl for d in data) / len(data)) if data else 1.0)
    files = render(state)
    root = Path(site_dir) / "search"
    _write(files, root, None)
    _save_state(state, files, Path(index_dir))
    return {"documents": len(data), "files": len(files), "bytes": sum(len(b) for b in files.values())}


def update(changed: Sequence[SearchDoc], removed_ids: Sequence[str], site_dir: Path, index_dir: Path) -> dict[str, Any]:
    """Re-analyse only ``changed`` letters, drop ``removed_ids``; rewrite only the index files
    whose bytes change.  Average length and the dictionary split table stay as built (a full
    build refreshes them)."""
    from sitegen.errors import SitegenError

    path = Path(index_dir) / STATE_FILE
    try:
        with path.open("rb") as fh:
            saved = pickle.load(fh)
        state: State = saved["state"]
    except (OSError, pickle.UnpicklingError, KeyError, EOFError, AttributeError) as err:
        raise SitegenError(f"{path}: no usable static search state ({err}); run a full 'sitegen build'") from err
    slot = {d.doc.id: i for i, d in enumerate(state.docs) if d is not None}
    for doc_id in removed_ids:
        if doc_id in slot:
            state.docs[slot.pop(doc_id)] = None
    for doc in changed:
        data = analyse(doc)
        if doc.id in slot:
            state.docs[slot[doc.id]] = data
        else:
            slot[doc.id] = len(state.docs)
            state.docs.append(data)
    files = render(state)
    written, size = _write(files, Path(site_dir) / "search", set(saved["files"]))
    _save_state(state, files, Path(index_dir))
    return {"documents": len(slot), "files": len(files), "bytes": size, "written": written}
