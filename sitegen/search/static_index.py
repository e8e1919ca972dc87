"""The sharded static index the browser client (``static/search.js``) reads.

Every file is a classic script ``sgsReg("<name>", {...});`` so the index loads from
``file://`` as well as from any static host at any subpath.  Layout under ``site/search/``:

- ``meta.js``        start-up: doc count, average length, BM25 constants, dictionary key lengths.
- ``d/<key>.js``     term dictionary, sharded by word-form prefix: the key is the form's first
                     ``depth[first char]`` characters (adaptive per first character, so shards stay
                     small); ``d/_i<c>.js`` lists the keys under first character ``c``, so a prefix
                     query knows exactly which shards hold every completion.  Maps each word form found in the
                     letters to its Whoosh index term (Porter stem), and each stem to
                     ``[df, postings shard]``.
- ``p/<n>.js``       postings of stems (alphabetical ranges): doc set + quantized BM25 impacts.
- ``b/<n>.js``       postings of adjacent stem pairs (for phrases; stop words removed, as Whoosh
                     renumbers positions), sharded by FNV-1a hash, with impacts for ranking.
- ``v/<facet>.js``   facet values: slug, label, doc set.
- ``f/<k>/<doc>.js`` display data per letter (URL, title, items, gzip+base64 text for snippets).

Doc sets are a bitmap (``b``), delta varints (``v``) or delta varints of the docs *not* in the
set (``c<n>.``), base64, whichever is smallest.  See ``docs/search.md``.

The build analyses the letters in batches with numpy (:class:`_Analyser`: the same tokens,
stems and term frequencies as :func:`analyse`), keeps only packed integer postings
(``doc << 8 | tf``) and encodes the shards' entries in bulk (:func:`_entries`); in a split build
(:func:`build`) a forked process does the analysis and the pair shards while the main process
writes fragments, then the rest.  An update re-reads a changed letter's old fragment to find the
postings it touched and rewrites only the shards that change.
"""

from __future__ import annotations

import base64
import bisect
import gzip
import json
import multiprocessing as mp
import operator
import os
import pickle
import re
import shutil
from array import array
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

try:  # ISA-L's gzip (python-isal): about 4x less CPU than zlib for ~1% more bytes per fragment
    from isal.igzip import compress as _igzip

    def _gzip(data: bytes) -> bytes:
        return _igzip(data, 3, mtime=0)
except ImportError:  # pragma: no cover - isal is a dependency; zlib where it cannot be installed
    def _gzip(data: bytes) -> bytes:
        return gzip.compress(data, compresslevel=4, mtime=0)

from sitegen.search.documents import FACETS, SearchDoc
from sitegen.search.whoosh_index import _TOKEN_RE, MIN_SIZE, REQUEST_BOOST, STOP_WORDS, stem_of

FORMAT = 3
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
PAIRS_FILE = "static-pairs.pickle"
DOCS_FILE = "static-docs.pickle"
OVERLAY_FILE = "static-overlay.pickle"
OVERLAY_DIR = "o"
"""What an overlay update needs of the main index: ids, facets, n, avgdl, depth, nfiles (small)."""
PARALLEL_MIN = 2000
"""From this many letters :func:`build` analyses the stem pairs in a second (forked) process."""
FRAG_CHUNK = 200
"""Fragments a process of a split build takes at a time (see :func:`build`)."""
REG = "sgsReg"
TF_MAX = 255
PAIR_SHIFT = 24
"""Pair keys while building: ``stem id << PAIR_SHIFT | stem id`` (up to 16M stems)."""

#: The same pattern for ASCII text (same tokens, a faster scan).
_TOKEN_ASCII = re.compile(_TOKEN_RE.pattern, re.ASCII)
_STOPS = frozenset(STOP_WORDS)
_DROP = _STOPS | {chr(c) for c in range(128)} if MIN_SIZE == 2 else _STOPS


class _Stems(dict):  # type: ignore[type-arg]
    """word form -> index term, filled on first sight (this dict is also the form table)."""

    def __missing__(self, form: str) -> str:
        stem = self[form] = stem_of(form)
        return stem


# ---------------------------------------------------------------- analysis


def tokens(text: str) -> list[str]:
    """Indexed word forms of ``text`` in order, as Whoosh's StemmingAnalyzer keeps them
    (lower-cased; stop words and one-character tokens dropped; positions renumbered)."""
    text = text.lower()
    if text.isascii():  # one-character ASCII tokens are in _DROP, so no length test is needed
        return [t for t in _TOKEN_ASCII.findall(text) if t not in _DROP]
    return [t for t in _TOKEN_RE.findall(text) if len(t) >= MIN_SIZE and t not in _STOPS]


def analyse(doc: SearchDoc, stems: _Stems) -> tuple[Counter[str], Counter[tuple[str, str]], int]:
    """(stem -> weighted tf, stem pair -> weighted tf, indexed length of the text) of one letter.

    Request (and procedure) words count REQUEST_BOOST times."""
    toks = tokens(doc.text)
    st = list(map(stems.__getitem__, toks))
    tf: Counter[str] = Counter(st)
    pairs: Counter[tuple[str, str]] = Counter(zip(st, st[1:]))
    extra = ["\n".join(doc.requests)] + [p.replace("-", " ") for p in doc.facets.get("procedure", ()) if p != "unmapped"]
    boost = int(REQUEST_BOOST)
    for line in extra:
        rst = [stems[t] for t in tokens(line)]
        for s in rst:
            tf[s] += boost
        for p in zip(rst, rst[1:]):
            pairs[p] += boost
    return tf, pairs, max(len(toks), 1)


# ---------------------------------------------------------------- encodings

_VARINT: list[bytes] = []


def _varint_table(upto: int) -> list[bytes]:
    while len(_VARINT) <= upto:
        v = len(_VARINT)
        out = bytearray()
        while v >= 0x80:
            out.append((v & 0x7F) | 0x80)
            v >>= 7
        out.append(v)
        _VARINT.append(bytes(out))
    return _VARINT


def _varints(values: list[int]) -> bytes:
    if not values:
        return b""
    top = max(values)
    if top < 0x80:
        return bytes(values)
    return b"".join(map(_varint_table(top).__getitem__, values))


def _gaps(docs: Sequence[int]) -> list[int]:
    """d[i] - d[i-1] - 1 with d[-1] = -1."""
    if not docs:
        return []
    prev = [0]
    prev.extend(map(operator.add, docs[:-1], repeat(1)))
    return list(map(operator.sub, docs, prev))


_ZERO_TO_0 = bytes.maketrans(b"\x00", b"0")
_ZERO = re.compile(b"\x00")


def _bitmap(docs: Sequence[int], n: int) -> bytes:
    marks = bytearray(n)
    deque(map(marks.__setitem__, docs, repeat(49)), maxlen=0)  # "1"
    bits = marks.translate(_ZERO_TO_0)
    bits.reverse()
    return int(bits or b"0", 2).to_bytes((n + 7) // 8, "little")


def encode_docset(docs: Sequence[int], n: int) -> str:
    """Sorted doc numbers -> the smallest of "b<bitmap>", "v<delta varints>" and
    "c<n>.<delta varints of the complement in 0..n-1>", base64 (a complement names its
    universe, so a set stays valid when later letters are appended)."""
    count = len(docs)
    bitmap_size = (n + 7) // 8
    if count * 2 > n:  # dense: the complement is sparse
        marks = bytearray(n)
        deque(map(marks.__setitem__, docs, repeat(1)), maxlen=0)
        comp = [m.start() for m in _ZERO.finditer(marks)]
        var = _varints(_gaps(comp))
        if len(var) <= bitmap_size:
            return f"c{n}." + base64.b64encode(var).decode()
        return "b" + base64.b64encode(_bitmap(docs, n)).decode()
    if count * 8 > n:  # cheap size bound: a varint is >= 1 byte
        var = _varints(_gaps(docs))
        if len(var) > bitmap_size:
            return "b" + base64.b64encode(_bitmap(docs, n)).decode()
        return "v" + base64.b64encode(var).decode()
    return "v" + base64.b64encode(_varints(_gaps(docs))).decode()


def decode_docset(enc: str, n: int) -> list[int]:
    """Inverse of :func:`encode_docset` (used by update and tests)."""
    if enc[0] == "c":
        n, _, enc = enc[1:].partition(".")
        return sorted(set(range(int(n))).difference(decode_docset("v" + enc, 0)))
    raw = base64.b64decode(enc[1:])
    if enc[0] == "b":
        return [i * 8 + b for i, byte in enumerate(raw) if byte for b in range(8) if byte >> b & 1]
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


def _varints_np(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    """Non-negative integers -> (their varints, as :func:`_varints` writes them, concatenated as
    uint8; bytes per value)."""
    v = values.astype(np.int64)
    if not len(v) or int(v.max()) < 0x80:
        return v.astype(np.uint8), np.ones(len(v), np.int64)
    size = np.ones(len(v), np.int64)
    limit = 0x80
    while limit < 1 << 63 and len(v) and int(v.max()) >= limit:
        size += v >= limit
        limit <<= 7
    out = np.empty(int(size.sum()), np.uint8)
    pos, left = np.cumsum(size) - size, size
    while len(pos):
        more = left > 1
        out[pos] = (v & 0x7F) | (more.astype(np.int64) << 7)
        pos, v, left = pos[more] + 1, v[more] >> 7, left[more] - 1
    return out, size


def _gaps_np(docs: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """:func:`_gaps` of sorted doc numbers (int64)."""
    g = docs.copy()
    g[1:] -= docs[:-1] + 1
    return g


def _bitmap_np(docs: np.ndarray, n: int) -> bytes:  # type: ignore[type-arg]
    """:func:`_bitmap`: bit ``d % 8`` of byte ``d // 8`` set for every doc ``d``."""
    marks = np.zeros(n, bool)
    marks[docs] = True
    return np.packbits(marks, bitorder="little").tobytes()


def _docset_np(docs: np.ndarray, n: int) -> str:  # type: ignore[type-arg]
    """:func:`encode_docset` of sorted doc numbers given as an int64 array (same string)."""
    count, bitmap_size, b64 = len(docs), (n + 7) // 8, base64.b64encode
    if count * 2 > n:
        marks = np.ones(n, bool)
        marks[docs] = False
        var = _varints_np(_gaps_np(np.flatnonzero(marks)))[0]
        if len(var) <= bitmap_size:
            return f"c{n}." + b64(var.tobytes()).decode()
        return "b" + b64(_bitmap_np(docs, n)).decode()
    var = _varints_np(_gaps_np(docs))[0]
    if count * 8 > n and len(var) > bitmap_size:
        return "b" + b64(_bitmap_np(docs, n)).decode()
    return "v" + b64(var.tobytes()).decode()


def fnv1a(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def file_key(key: str) -> str:
    """Shard key -> file-name-safe name (ASCII letters/digits kept, the rest as _hex_)."""
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in key) or "_"


def shard_key(form: str, depth: dict[str, int]) -> str:
    """The dictionary shard of a word form: its first ``depth[first character]`` characters
    (1 for a first character not in the table)."""
    return form[: depth.get(form[:1], 1)]


def index_name(first: str) -> str:
    """The file listing the shard keys of one first character (``d/_i<file key>.js``)."""
    return f"d/_i{file_key(first)}"


def front_code(keys: Iterable[str]) -> str:
    """Sorted keys, each written as (chars shared with the previous key, one digit) + the rest:
    "0000 0001 0002 ab" -> "00000 31 32 0ab" (meta.js stays small)."""
    out, prev = [], ""
    for key in sorted(keys):
        shared = 0
        while shared < min(len(prev), len(key), 9) and prev[shared] == key[shared]:
            shared += 1
        out.append(f"{shared}{key[shared:]}")
        prev = key
    return " ".join(out)


def front_decode(text: str) -> list[str]:
    keys, prev = [], ""
    for tok in text.split():
        prev = prev[: int(tok[0])] + tok[1:]
        keys.append(prev)
    return keys


def _js(name: str, data: Any) -> bytes:
    return f'{REG}("{name}",{json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)});\n'.encode("utf-8")


# ---------------------------------------------------------------- state


@dataclass
class State:
    """Everything an update needs, without the letters' texts (those live in the fragments)."""

    n: int = 0
    """Doc slots (removed letters leave an empty slot)."""
    ids: list[str | None] = field(default_factory=list)
    facets: list[dict[str, tuple[str, ...]] | None] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    dl: array = field(default_factory=lambda: array("I"))  # type: ignore[type-arg]
    avgdl: float = 1.0
    post: dict[str, array] = field(default_factory=dict)  # type: ignore[type-arg]
    """stem -> packed ``doc << 8 | min(tf, 255)``, sorted."""
    pairs: dict[str, array] = field(default_factory=dict)  # type: ignore[type-arg]
    """"stem stem" -> packed postings, sorted."""
    forms: dict[str, str] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)
    """First character -> dictionary shard key length (see :func:`_depth_table`)."""
    pshards: list[list[str]] = field(default_factory=list)
    stem_shard: dict[str, int] = field(default_factory=dict)
    nb: int = 1
    nfiles: int = 0
    """Files of the static index (kept so an update need not count 100,000 files)."""
    fc: dict[str, str] = field(default_factory=dict)
    """Frequent stem -> its letters' facet counts, encoded (see :func:`_facet_counts`)."""
    bkeys: dict[int, list[str]] = field(default_factory=dict)
    """pair shard -> its keys (so an update finds a shard's pairs without hashing them all)."""

    @property
    def live(self) -> int:
        return sum(1 for i in self.ids if i is not None)


#: Length normalisation is quantized to NORM_LEVELS levels of dl/avgdl (0 .. NORM_MAX), so an
#: impact is one table lookup: IMPACT[tf << 8 | level] (C-level ``map`` over a posting list).
NORM_LEVELS, NORM_MAX = 256, 6.0


def _impact_table() -> bytes:
    out = bytearray()
    for t in range(256):
        for level in range(NORM_LEVELS):
            norm = K1 * (1 - B + B * (level + 0.5) * NORM_MAX / NORM_LEVELS)
            out.append(max(1, min(255, int(255 * t / (t + norm) + 0.5))) if t else 1)
    return bytes(out)


_IMPACT = _impact_table()


_IMPACT_NP = np.frombuffer(_IMPACT, np.uint8)


def _norms(state: State) -> np.ndarray:  # type: ignore[type-arg]
    """Per doc: its quantized length level (see NORM_LEVELS)."""
    scale = NORM_LEVELS / NORM_MAX / (state.avgdl or 1.0)
    dl = np.frombuffer(state.dl, np.uint32) if len(state.dl) else np.zeros(0, np.uint32)
    return np.minimum(NORM_LEVELS - 1, (dl * scale).astype(np.int64)).astype(np.uint8)


def _entries(postings: Sequence[Any], n: int, norms: np.ndarray) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    """The index entries of sorted packed posting lists (``array("I")``): doc count ``n``, doc
    set ``d``, quantized BM25 impacts ``i`` (of every doc while df <= FULL, else of the TOP_K
    best, whose doc set is ``t``, with ``f`` the floor of the others).

    The short lists that encode as delta varints (nearly all) are encoded together in a few
    numpy passes; each long list in a few numpy calls."""
    b64 = base64.b64encode
    lens = list(map(len, postings))
    out: list[dict[str, Any]] = [{} for _ in lens]
    bulk = [i for i, c in enumerate(lens) if c <= FULL and c * 8 <= n]  # "v" doc sets
    if bulk:
        cat = np.frombuffer(b"".join([postings[i] for i in bulk]), np.uint32)
        counts = np.array([lens[i] for i in bulk], np.int64)
        off = np.zeros(len(bulk) + 1, np.int64)
        np.cumsum(counts, out=off[1:])
        docs = (cat >> 8).astype(np.int64)
        imps = _IMPACT_NP[((cat & 255).astype(np.int64) << 8) | norms[docs]].tobytes()
        gaps = _gaps_np(docs)
        firsts = off[:-1][counts > 0]
        gaps[firsts] = docs[firsts]
        var, size = _varints_np(gaps)
        ends = np.zeros(len(size) + 1, np.int64)
        np.cumsum(size, out=ends[1:])
        vbytes, boff, ioff = var.tobytes(), ends[off].tolist(), off.tolist()
        for j, i in enumerate(bulk):
            e = out[i]
            e["n"] = lens[i]
            e["d"] = "v" + b64(vbytes[boff[j]:boff[j + 1]]).decode()
            e["i"] = b64(imps[ioff[j]:ioff[j + 1]]).decode()
    for i, e in enumerate(out):
        if not e:
            e.update(_entry(np.frombuffer(postings[i], np.uint32), n, norms))
    return out


def _entry(packed: np.ndarray, n: int, norms: np.ndarray) -> dict[str, Any]:  # type: ignore[type-arg]
    """One entry of :func:`_entries` (packed postings as a uint32 array)."""
    b64 = base64.b64encode
    docs = (packed >> 8).astype(np.int64)
    imps = _IMPACT_NP[((packed & 255).astype(np.int64) << 8) | norms[docs]]
    count = len(docs)
    e: dict[str, Any] = {"n": count, "d": _docset_np(docs, n)}
    if count <= FULL:
        e["i"] = b64(imps.tobytes()).decode()
    else:
        rank = count - (TOP_K + 1)
        cut = int(np.partition(imps, rank)[rank])  # the floor: every doc outside the top scores at most this
        above = np.flatnonzero(imps > cut)
        ties = np.flatnonzero(imps == cut)[: TOP_K - len(above)]  # the first ties in doc order
        top = np.sort(np.concatenate((above, ties)))
        e["t"] = _docset_np(docs[top], n)
        e["i"] = b64(imps[top].tobytes()).decode()
        e["f"] = cut
    return e


def _depth_table(forms: Iterable[str]) -> dict[str, int]:
    """First character -> the smallest key length (<= MAX_KEY) that keeps every dictionary shard
    of the words starting with it within DICT_BUDGET.  Only characters needing more than one are
    listed, so meta.js stays a few hundred bytes whatever the archive's size (numbers, which
    every letter adds, get long keys without listing a single key)."""
    size: dict[str, Counter[str]] = defaultdict(Counter)
    for form in forms:
        cost = 2 * len(form) + 16
        sizes = size[form[0]]
        for k in range(1, MAX_KEY + 1):
            sizes[(k, form[:k])] += cost  # type: ignore[index]
    out: dict[str, int] = {}
    for first, sizes in size.items():
        worst = [0] * (MAX_KEY + 1)
        for (k, _), v in sizes.items():  # type: ignore[misc]
            worst[k] = max(worst[k], v)
        depth = next((k for k in range(1, MAX_KEY + 1) if worst[k] <= DICT_BUDGET), MAX_KEY)
        if depth > 1:
            out[first] = depth
    return out


# ---------------------------------------------------------------- rendering


class _Renderer:
    def __init__(self, state: State, members: dict[str, dict[str, list[int]]] | None = None) -> None:
        self.s = state
        self.members = members if members is not None else _members(state)
        self.norms = _norms(state)
        self.stem_forms: dict[str, list[str]] = defaultdict(list)
        self.dshard_forms: dict[str, list[str]] = defaultdict(list)
        for form, stem in state.forms.items():
            self.stem_forms[stem].append(form)
            self.dshard_forms[shard_key(form, state.depth)].append(form)

    def pshard(self, no: int) -> tuple[str, bytes]:
        s = self.s
        stems = [stem for stem in s.pshards[no] if stem in s.post]
        data = dict(zip(stems, _entries([s.post[stem] for stem in stems], s.n, self.norms)))
        for stem, entry in data.items():
            forms = sorted(self.stem_forms[stem])
            if forms:
                entry["x"] = forms
            if stem in s.fc:
                entry["fc"] = s.fc[stem]
        return f"p/{no}.js", _js(f"p/{no}", data)

    def bshard(self, no: int, keys: Iterable[str]) -> tuple[str, bytes]:
        return _bshard(no, keys, self.s.pairs, self.s.n, self.norms)

    def dshard(self, key: str) -> tuple[str, bytes] | None:
        s = self.s
        w: dict[str, str] = {}
        st: dict[str, list[int]] = {}
        for form in self.dshard_forms.get(key, ()):
            stem = s.forms[form]
            if stem in s.post:
                w[form] = stem
                st[stem] = [len(s.post[stem]), s.stem_shard[stem]]
        if not w:
            return None
        return f"d/{file_key(key)}.js", _js(f"d/{file_key(key)}", {"w": w, "s": st})

    def facets(self) -> dict[str, bytes]:
        s, out = self.s, {}
        for facet in FACETS:
            values = self.members[facet]
            labels = s.labels.get(facet, {})
            rows = [[v, labels.get(v, v), _docset_np(np.array(ds, np.int64), s.n)] for v, ds in sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
            out[f"v/{facet}.js"] = _js(f"v/{facet}", rows)
        order = _value_order(s, self.members)
        out["v/labels.js"] = _js("v/labels", {f: [[v, s.labels.get(f, {}).get(v, v), c] for v, c in order[f]] for f in FACETS})
        return out

    def meta(self, keys: Iterable[str]) -> bytes:
        s = self.s
        return _js("meta", {
            "v": FORMAT, "n": s.n, "live": s.live, "avgdl": round(s.avgdl, 3), "k1": K1, "b": B, "fd": FRAG_DIR,
            "nb": s.nb, "fcmin": fc_min(s.n), "depth": s.depth, "facets": list(FACETS), "stop": sorted(STOP_WORDS), "min": MIN_SIZE,
        })

    def indexes(self, keys: Iterable[str], firsts: Iterable[str] | None = None) -> dict[str, bytes]:
        """``d/_i<c>.js``: the shard keys under each first character whose keys are longer than
        one character (a prefix shorter than the key length reads it to find every shard)."""
        by: dict[str, list[str]] = defaultdict(list)
        for k in keys:
            by[k[:1]].append(k)
        wanted = set(firsts) if firsts is not None else set(by)
        return {index_name(c) + ".js": _js(index_name(c), front_code(by.get(c, ()))) for c in wanted if c in self.s.depth}

    def dict_keys(self) -> list[str]:
        return [k for k, forms in self.dshard_forms.items() if any(self.s.forms[f] in self.s.post for f in forms)]


def _members(state: State) -> dict[str, dict[str, list[int]]]:
    """Facet -> value -> the letters with it, in letter order."""
    out: dict[str, dict[str, list[int]]] = {f: {} for f in FACETS}
    for num, fs in enumerate(state.facets):
        if fs:
            for f, values in fs.items():
                got = out.get(f)
                if got is not None:
                    for v in values:
                        docs = got.get(v)
                        if docs is None:
                            got[v] = [num]
                        else:
                            docs.append(num)
    return out


def _value_order(state: State, members: dict[str, dict[str, list[int]]] | None = None) -> dict[str, list[tuple[str, int]]]:
    """Facet -> [(value, letters)] in slug order: the order of ``fc`` counts and ``v/labels.js``."""
    members = members if members is not None else _members(state)
    return {f: sorted((v, len(docs)) for v, docs in members[f].items()) for f in FACETS}


def fc_min(n: int) -> int:
    """Stems in at least this many letters carry precomputed facet counts."""
    return max(FULL, n // 20)


def _facet_counts(state: State, members: dict[str, dict[str, list[int]]] | None = None) -> dict[str, str]:
    """For each frequent stem (df >= fc_min), its letters' count per facet value, as base64
    varints in the order of :func:`_value_order`.  A query of one such word without filters
    shows exact facet counts from its postings entry alone, without the facet files (which grow
    with the archive).  Counting is AND + popcount of Python-int bitmaps."""
    members = members if members is not None else _members(state)
    order = _value_order(state, members)
    n = state.n
    value_bits = [int.from_bytes(_bitmap_np(np.array(members[f][v], np.int64), n), "little") for f in FACETS for v, _ in order[f]]
    out: dict[str, str] = {}
    lo = fc_min(n)
    for stem, arr in state.post.items():
        if len(arr) < lo:
            continue
        bits = int.from_bytes(_bitmap_np((np.frombuffer(arr, np.uint32) >> 8).astype(np.int64), n), "little")
        out[stem] = base64.b64encode(_varints([(bits & vb).bit_count() for vb in value_bits])).decode()
    return out


def _fragment(doc: SearchDoc, num: int) -> tuple[str, bytes]:
    z = _gzip(doc.text.encode("utf-8"))
    name = f"f/{num // FRAG_DIR}/{num}"
    return name + ".js", _js(name, {"id": doc.id, "u": doc.url, "t": doc.title, "it": [list(i) for i in doc.items],
                                    "z": base64.b64encode(z).decode()})


def _read_fragment(root: Path, num: int) -> dict[str, Any] | None:
    p = root / "f" / str(num // FRAG_DIR) / f"{num}.js"
    try:
        m = re.fullmatch(r'sgsReg\("[^"]+",(.*)\);\n', p.read_text(encoding="utf-8"), re.S)
        return json.loads(m.group(1)) if m else None
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- build


class _Writer:
    def __init__(self, root: Path, count_new: bool = False) -> None:
        self.root, self.files, self.bytes, self.dirs = root, 0, 0, set()
        self.count_new, self.created, self.deleted = count_new, 0, 0
        self._base = str(root)

    def unlink(self, rel: str) -> None:
        p = self.root / rel
        if p.is_file():
            p.unlink()
            self.deleted += 1

    def put(self, rel: str, data: bytes) -> None:
        """Write ``data`` to ``rel`` (a "/"-separated path under the root; os calls, not
        pathlib: ~100,000 files per build)."""
        path = f"{self._base}/{rel}"
        if self.count_new and not os.path.exists(path):
            self.created += 1
        parent = rel.rpartition("/")[0]
        if parent not in self.dirs:
            os.makedirs(f"{self._base}/{parent}", exist_ok=True)
            self.dirs.add(parent)
        try:  # a new file, never the old one rewritten: a build's copy of the index is hard-linked
            os.unlink(path)
        except FileNotFoundError:
            pass
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self.files += 1
        self.bytes += len(data)


#: Letters analysed together (the doc number within a batch takes DOC_BITS bits of a sort key).
BATCH, DOC_BITS = 1024, 11
_U64 = np.uint64
#: The build's vectorised tokenizer implements this pattern (ASCII text only); with any other
#: ``_TOKEN_RE`` every text goes through the regex.
_VECTOR_PATTERN = r"[\w\*]+(?:\.?[\w\*]+)*"
_VECTOR_OK = _TOKEN_RE.pattern == _VECTOR_PATTERN
#: ASCII byte -> itself for token characters and the dot, lowercased; everything else -> space.
_LOWER = bytes(c + 32 if 65 <= c <= 90 else c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789_*." else 32 for c in range(256))
#: Lowercased byte -> 1 for token characters (``[a-z0-9_*]``), else 0.
_WORDCHAR = bytes(1 if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789_*" else 0 for c in range(256))
_WORDS = 4
"""Word forms of up to 8 * _WORDS bytes are looked up as packed uint64 words; longer ones by string."""
_MASKS = np.array([(1 << 8 * k) - 1 for k in range(9)], _U64)
_MULS = (_U64(0x9E3779B97F4A7C15), _U64(0xC2B2AE3D27D4EB4F), _U64(0x165667B19E3779F9), _U64(0xD6E8FEB86659FD93))


def _form_hash(words: list[np.ndarray], length: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """64-bit hash of packed word forms (zero words add nothing, so a form hashes the same
    whatever the number of words computed for its batch)."""
    h = length.astype(_U64) * _U64(0x27D4EB2F165667C5)
    for k, w in enumerate(words):
        h += w * _MULS[k]
    h ^= h >> _U64(31)
    h *= _U64(0xBF58476D1CE4E5B9)
    h ^= h >> _U64(29)
    return h


class _FormTable:
    """ASCII word form -> stem id: an open-addressing hash table in numpy arrays, keyed by the
    form's hash and holding the form itself (its length, and its bytes packed into _WORDS uint64
    words, zero past its end), so that every hit is verified exactly.  A form whose hash another form already holds stays out of the table (it
    is looked up by string: :meth:`lookup` returns -2 for it)."""

    def __init__(self, bits: int = 16) -> None:
        self.count = 0
        self._alloc(bits)

    def _alloc(self, bits: int) -> None:
        self.bits, size = bits, 1 << bits
        self.h = np.zeros(size, _U64)
        self.sid = np.full(size, -1, np.int64)
        self.len = np.zeros(size, np.int64)
        self.words = np.zeros((_WORDS, size), _U64)

    def _slot(self, h: int) -> int:
        i, mask = h >> (64 - self.bits), (1 << self.bits) - 1
        while self.sid[i] >= 0:
            if int(self.h[i]) == h:
                return -1
            i = (i + 1) & mask
        return i

    def insert(self, h: int, words: list[int], length: int, sid: int) -> None:
        if (self.count + 1) * 2 > len(self.sid):
            used = np.flatnonzero(self.sid >= 0)
            hs, sids, lens, ws = self.h[used], self.sid[used], self.len[used], self.words[:, used]
            self._alloc(self.bits + 1)
            for j, old in enumerate(hs.tolist()):
                i = self._slot(old)
                self.h[i], self.sid[i], self.len[i], self.words[:, i] = old, sids[j], lens[j], ws[:, j]
        i = self._slot(h)
        if i >= 0:
            self.h[i], self.sid[i], self.len[i], self.words[:, i] = h, sid, length, words
            self.count += 1

    def lookup(self, h: np.ndarray, words: list[np.ndarray], length: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
        """Stem ids of packed forms: -1 for a form not in the table, -2 for one whose hash
        another form holds."""
        idx = (h >> _U64(64 - self.bits)).astype(np.int64)
        sid = self.sid[idx]
        bad = self.len[idx] != length  # same length and the same bytes (``words`` cover ``length``)
        for k in range(len(words)):
            bad |= self.words[k][idx] != words[k]
        pend = np.flatnonzero(bad)  # not in their first slot: probe on
        mask = len(self.sid) - 1
        while len(pend):
            i = idx[pend]
            s = self.sid[i]
            empty = s < 0
            hit = ~empty & (self.h[i] == h[pend])
            sid[pend[empty]] = -1
            if hit.any():
                hp, hi = pend[hit], i[hit]
                ok = self.len[hi] == length[hp]
                for k in range(len(words)):
                    ok &= self.words[k][hi] == words[k][hp]
                sid[hp] = np.where(ok, s[hit], -2)
            go = ~empty & ~hit
            pend = pend[go]
            idx[pend] = (i[go] + 1) & mask
        return sid


class _PairIds:
    """Pair key (``a << PAIR_SHIFT | b``) -> dense pair id, numbered in the order the pairs
    first occur in the letters (the order the pair table and its shard key lists keep)."""

    def __init__(self) -> None:
        self.sorted, self.sorted_ids = np.zeros(0, _U64), np.zeros(0, np.int64)
        self.keys: list[np.ndarray] = []  # type: ignore[type-arg]
        self.count = 0

    def ids(self, ukeys: np.ndarray, first_of: Any) -> np.ndarray:  # type: ignore[type-arg]
        """Ids of a batch's distinct pair keys ``ukeys`` (sorted); ``first_of(indexes)``: the
        first positions in the batch of the keys at those indexes (the new ones are numbered
        in that order)."""
        pos = np.searchsorted(self.sorted, ukeys)
        found = pos < len(self.sorted)
        found[found] = self.sorted[pos[found]] == ukeys[found]
        out = np.empty(len(ukeys), np.int64)
        out[found] = self.sorted_ids[pos[found]]
        new = np.flatnonzero(~found)
        if len(new):
            keys = ukeys[new]
            order = np.argsort(first_of(new), kind="stable")
            ids = np.empty(len(keys), np.int64)
            ids[order] = np.arange(self.count, self.count + len(keys))
            out[new] = ids
            self.keys.append(keys[order])
            self.count += len(keys)
            merged = np.concatenate((self.sorted, keys))
            by = np.argsort(merged, kind="stable")
            self.sorted, self.sorted_ids = merged[by], np.concatenate((self.sorted_ids, ids))[by]
        return out

    def all_keys(self) -> np.ndarray:  # type: ignore[type-arg]
        return np.concatenate(self.keys) if self.keys else np.zeros(0, _U64)


def _first_positions(keys: np.ndarray, first_doc: np.ndarray, tok_keys: np.ndarray, tok_docs: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """First index in ``tok_keys`` of each of ``keys`` (sorted, distinct), searching only the
    letters ``first_doc`` where each first occurs (``tok_docs``: the letter of each token, ascending)."""
    docs = np.unique(first_doc)
    at = _ranges(np.searchsorted(tok_docs, docs), np.searchsorted(tok_docs, docs, "right"))
    rank = np.minimum(np.searchsorted(keys, tok_keys[at]), len(keys) - 1)
    hit = keys[rank] == tok_keys[at]
    seen, first = np.unique(rank[hit], return_index=True)
    assert len(seen) == len(keys)
    return at[hit][first]


def _ranges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """The concatenated ranges lo[i] .. hi[i] - 1."""
    size = hi - lo
    if not len(size):
        return np.zeros(0, np.int64)
    return np.repeat(lo - (np.cumsum(size) - size), size) + np.arange(int(size.sum()))


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    """Sorted values -> (the start of each run of equal values, run lengths)."""
    if not len(values):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return starts, np.diff(np.append(starts, len(values)))


class _Analyser:
    """The build's analysis (the same postings as :func:`analyse`), vectorised per batch of
    letters with numpy: the batch's ASCII text is tokenised in a few passes over its bytes, word
    forms map to integer stem ids (0 for the forms the StopFilter drops) through
    :class:`_FormTable`, and (stem id, letter) and (pair key, letter) sort keys give the term
    frequencies as run lengths.  Request and procedure lines are tokenised REQUEST_BOOST times.
    Postings are kept per batch and put in key order once at the end (:func:`_assemble`)."""

    SORT_BITS = 64
    """Pairs are counted with (pair, position) sort keys when these fit; else (pair, letter)."""

    def __init__(self, stems: bool = True, pairs: bool = True) -> None:
        self.want_stems, self.want_pairs = stems, pairs
        self.ids: dict[str, int] = dict.fromkeys(_DROP, 0)
        self.ids_of_stem: dict[str, int] = {}
        self.names: list[str] = [""]
        self.table = _FormTable()
        self.pair_ids = _PairIds()
        self.stem_runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # type: ignore[type-arg]
        self.pair_runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # type: ignore[type-arg]

    def _id(self, form: str) -> int:
        sid = self.ids.get(form)
        if sid is None:
            if len(form) < MIN_SIZE or form in _STOPS:
                sid = 0
            else:
                stem = stem_of(form)
                sid = self.ids_of_stem.get(stem, 0)
                if not sid:
                    sid = self.ids_of_stem[stem] = len(self.names)
                    self.names.append(stem)
                    if sid >> PAIR_SHIFT:
                        raise ValueError(f"static index: more than {(1 << PAIR_SHIFT) - 1} distinct stems")
            self.ids[form] = sid
        return sid

    def _text_ids(self, text: str) -> list[int]:
        """Stem ids of every token of one text, the regex way (any text)."""
        text = text.lower()
        return list(map(self._id, (_TOKEN_ASCII if text.isascii() else _TOKEN_RE).findall(text)))

    def _ascii_ids(self, seqs: list[str]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
        """(stem id, sequence number) of every token of ASCII texts ``seqs``, in order."""
        raw = (" " + " ".join(seqs) + " " * (8 * _WORDS + 8)).encode("ascii").translate(_LOWER)
        a = np.frombuffer(raw, np.uint8)
        word = np.frombuffer(raw.translate(_WORDCHAR), bool)
        tok = word.copy()
        dots = np.flatnonzero(a[1:-1] == 46) + 1  # a dot between two token characters is in the token
        tok[dots] = word[dots - 1] & word[dots + 1]
        edge = np.flatnonzero(tok[1:] != tok[:-1]) + 1  # raw starts and ends with spaces
        starts, length = edge[0::2], edge[1::2] - edge[0::2]
        lens = np.fromiter(map(len, seqs), np.int64, len(seqs)) + 1
        first = np.searchsorted(starts, np.cumsum(lens) - lens + 1)  # each sequence's first token
        seqno = np.cumsum(np.bincount(first, minlength=len(starts) + 1)[:-1]) - 1
        if not len(starts):
            return np.zeros(0, np.int64), seqno
        win = np.ndarray(shape=(len(raw) - 7,), dtype="<u8", buffer=raw, strides=(1,))  # the 8 bytes at each offset
        words = [win[starts] & _MASKS[np.minimum(length, 8)]]
        for k in range(1, min(_WORDS, (int(length.max()) + 7) >> 3)):
            w = np.zeros(len(starts), _U64)
            more = np.flatnonzero(length > 8 * k)
            w[more] = win[starts[more] + 8 * k] & _MASKS[np.minimum(length[more] - 8 * k, 8)]
            words.append(w)
        h = _form_hash(words, length)
        ids = self.table.lookup(h, words, length)
        miss = np.flatnonzero(ids < 0)
        if len(miss):  # new forms join the table; long forms and hash twins go by string
            for j in miss[np.unique(h[miss], return_index=True)[1]].tolist():
                s, n = int(starts[j]), int(length[j])
                sid = self._id(raw[s:s + n].decode("ascii"))
                if n <= 8 * _WORDS and ids[j] == -1:
                    ws = [int(w[j]) for w in words]
                    self.table.insert(int(h[j]), ws + [0] * (_WORDS - len(ws)), n, sid)
            ids[miss] = self.table.lookup(h[miss], [w[miss] for w in words], length[miss])
            for j in np.flatnonzero(ids < 0).tolist():
                s = int(starts[j])
                ids[j] = self._id(raw[s:s + int(length[j])].decode("ascii"))
        return ids, seqno

    def _ids(self, seqs: list[str]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
        """(stem id, sequence number) of every token of ``seqs``, in order."""
        ascii_ = [i for i, s in enumerate(seqs) if s.isascii()] if _VECTOR_OK else []
        if len(ascii_) == len(seqs):
            return self._ascii_ids(seqs)
        other = sorted(set(range(len(seqs))).difference(ascii_))
        got = [self._text_ids(seqs[i]) for i in other]
        ids = [np.array([i for t in got for i in t], np.int64)]
        seqno = [np.repeat(np.array(other, np.int64), [len(t) for t in got])]
        if ascii_:
            a_ids, a_seq = self._ascii_ids([seqs[i] for i in ascii_])
            ids.append(a_ids)
            seqno.append(np.array(ascii_, np.int64)[a_seq])
        order = np.argsort(np.concatenate(seqno), kind="stable")
        return np.concatenate(ids)[order], np.concatenate(seqno)[order]

    def add(self, docs: Sequence[SearchDoc], base: int) -> list[int]:
        """Analyse ``docs`` (at most BATCH; doc numbers from ``base``); returns their indexed lengths."""
        boost = int(REQUEST_BOOST)
        seqs: list[str] = []
        seq_doc: list[int] = []
        text_seq: list[int] = []
        for local, doc in enumerate(docs):
            text_seq.append(len(seqs))
            seqs.append(doc.text)
            seq_doc.append(local)
            extra = ["\n".join(doc.requests)] + [p.replace("-", " ") for p in doc.facets.get("procedure", ()) if p != "unmapped"]
            for line in extra:
                seqs.extend(repeat(line, boost))
                seq_doc.extend(repeat(local, boost))
        ids, seqno = self._ids(seqs)
        keep = ids != 0
        sid, seqno = ids[keep].astype(_U64), seqno[keep]
        seq_docs = np.array(seq_doc, np.int64)
        tdoc = seq_docs[seqno]
        is_text = np.zeros(len(seqs), bool)
        is_text[text_seq] = True
        dl = np.maximum(np.bincount(tdoc[is_text[seqno]], minlength=len(docs)), 1).tolist()
        if self.want_stems:
            c = (sid << _U64(DOC_BITS)) | tdoc.astype(_U64)
            c.sort()
            starts, tf = _runs(c)
            u = c[starts]
            keys = u >> _U64(DOC_BITS)
            self.stem_runs.append(self._postings(keys, (u & _U64((1 << DOC_BITS) - 1)).astype(np.int64), tf, base))
        if self.want_pairs:
            same = seqno[1:] == seqno[:-1]
            self.pair_runs.append(self._pairs(sid[:-1][same], sid[1:][same], tdoc[:-1][same], base))
        return dl

    def _pairs(self, a: np.ndarray, b: np.ndarray, pdoc: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[type-arg]
        """Postings of a batch's stem pairs (a, b) in letters ``pdoc`` (ascending)."""
        count = len(a)
        sbits, pbits = max(1, (len(self.names) - 1).bit_length()), max(1, count.bit_length())
        if 2 * sbits + pbits <= self.SORT_BITS:  # sort key: pair, then position (which orders the letters too)
            c = (((a << _U64(sbits)) | b) << _U64(pbits)) | np.arange(count, dtype=_U64)
            c.sort()
            pos = (c & _U64((1 << pbits) - 1)).astype(np.int64)
            pk, docs = c >> _U64(pbits), pdoc[pos]
            starts = np.flatnonzero(np.concatenate(([True], (pk[1:] != pk[:-1]) | (docs[1:] != docs[:-1]))))
            tf = np.diff(np.append(starts, count))
            pk, pos = pk[starts], pos[starts]
            pk = ((pk >> _U64(sbits)) << _U64(PAIR_SHIFT)) | (pk & _U64((1 << sbits) - 1))
            return self._postings(pk, docs[starts], tf, base, first=pos)
        pkey = (a << _U64(PAIR_SHIFT)) | b
        c = (pkey << _U64(DOC_BITS)) | pdoc.astype(_U64)
        c.sort()
        starts, tf = _runs(c)
        u = c[starts]
        return self._postings(u >> _U64(DOC_BITS), (u & _U64((1 << DOC_BITS) - 1)).astype(np.int64), tf, base, pkey, pdoc)

    def _postings(self, keys: np.ndarray, docs: np.ndarray, tf: np.ndarray, base: int, pkey: Any = None, pdoc: Any = None,  # type: ignore[type-arg]
                  first: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[type-arg]
        """(key, letter, tf) of each posting, in key and letter order -> (keys, postings per
        key, packed postings ``doc << 8 | min(tf, 255)``).  Pair keys become dense ids (new
        ones numbered by ``first``, their first positions, or else found in ``pkey``/``pdoc``)."""
        vals = ((docs + base) << 8 | np.minimum(tf, TF_MAX)).astype(np.uint32)
        kstarts, klens = _runs(keys)
        ukeys = keys[kstarts]
        if first is not None:
            ukeys = self.pair_ids.ids(ukeys, lambda new: first[kstarts[new]])
        elif pkey is not None:
            ukeys = self.pair_ids.ids(ukeys, lambda new: _first_positions(ukeys[new], docs[kstarts[new]], pkey, pdoc))
        return ukeys.astype(np.int64), klens, vals

    def tables(self) -> tuple[dict[str, array], dict[str, array], dict[str, str]]:  # type: ignore[type-arg]
        """(stem postings, pair postings, form table) keyed by strings, as :class:`State` keeps
        them; releases the per-batch postings."""
        post, forms = _stem_tables(self.names, self.ids, self.stem_runs)
        self.stem_runs = []
        pairs: dict[str, array] = {}  # type: ignore[type-arg]
        if self.want_pairs:
            names, keys = self.names, self.pair_ids.all_keys()
            off, vals = _assemble(self.pair_runs, len(keys))
            mask = (1 << PAIR_SHIFT) - 1
            for i, k in enumerate(keys.tolist()):
                pairs[names[k >> PAIR_SHIFT] + " " + names[k & mask]] = a = array("I")
                a.frombytes(vals[off[i]:off[i + 1]].view(np.uint8))
        return post, pairs, forms


def _assemble(runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]], nkeys: int) -> tuple[list[int], np.ndarray]:  # type: ignore[type-arg]
    """Per-batch postings (keys, postings per key, packed postings) -> (offset of each key's
    postings, all postings in key order and doc order within a key); empties ``runs``."""
    counts = np.zeros(nkeys, np.int64)
    for keys, lens, _ in runs:
        counts[keys] += lens
    off = np.zeros(nkeys + 1, np.int64)
    np.cumsum(counts, out=off[1:])
    vals = np.empty(int(off[-1]), np.uint32)
    cursor = off[:-1].copy()
    runs.reverse()
    while runs:
        keys, lens, v = runs.pop()
        vals[np.repeat(cursor[keys] - (np.cumsum(lens) - lens), lens) + np.arange(len(v))] = v
        cursor[keys] += lens
    return off.tolist(), vals


def _stem_tables(names: list[str], ids: dict[str, int], runs: list[Any]) -> tuple[dict[str, array], dict[str, str]]:  # type: ignore[type-arg]
    """(stem postings, form table) of an :class:`_Analyser`'s stem names, form ids and
    per-batch stem postings (empties ``runs``)."""
    off, vals = _assemble(runs, len(names))
    post: dict[str, array] = {}  # type: ignore[type-arg]
    for i in range(1, len(names)):
        if off[i + 1] > off[i]:
            post[names[i]] = a = array("I")
            a.frombytes(vals[off[i]:off[i + 1]].view(np.uint8))
    return post, {f: names[i] for f, i in ids.items() if i}


def build(docs: Iterable[SearchDoc], site_dir: Path, index_dir: Path, split: bool | None = None) -> dict[str, Any]:
    """Write the static index to ``site_dir/search`` and its update state to ``index_dir``.

    With ``split`` (default: from PARALLEL_MIN letters on, where ``fork`` exists) a forked
    process analyses the letters, sends this one the stem postings, and renders and saves the
    stem pairs (``b/`` shards), while this one writes fragments until the stem postings arrive,
    then the stem, dictionary and facet files.  Fragments are taken FRAG_CHUNK letters at a time
    from a shared counter by whichever process is free, until none are left."""
    docs = docs if isinstance(docs, Sequence) else list(docs)
    root, index_dir = Path(site_dir) / "search", Path(index_dir)
    if split is None:
        split = len(docs) >= PARALLEL_MIN and "fork" in mp.get_all_start_methods()
    shutil.rmtree(root / OVERLAY_DIR, ignore_errors=True)  # a full build compacts any overlay
    (index_dir / OVERLAY_FILE).unlink(missing_ok=True)
    out = _Writer(root)
    if not split:
        an = _Analyser()
        dl = [d for base in range(0, len(docs), BATCH) for d in an.add(docs[base:base + BATCH], base)]
        state = _new_state(docs, dl)
        state.post, pairs, state.forms = an.tables()
        del an
        state.nb, state.bkeys = _write_pairs(state, pairs, out)
        state.pairs = pairs
        del pairs
        r, keys = _write_stems(state, out)
        _write_fragments(docs, out)
    else:
        ctx = mp.get_context("fork")
        frags = ctx.Value("q", 0)
        recv, send = ctx.Pipe(duplex=False)
        job = ctx.Process(target=_pairs_job, args=(docs, root, index_dir, send, frags), daemon=True)
        job.start()
        send.close()
        try:
            got = _from_job(recv, job, _write_fragments(docs, out, frags, recv))
            state = _new_state(docs, got["dl"])
            state.post, state.forms = _stem_tables(got["names"], got["ids"], _receive_runs(recv, job, got["sizes"]))
            del got
            r, keys = _write_stems(state, out)
            _write_fragments(docs, out, frags)
            got = _from_job(recv, job)
            job.join()
        except BaseException:
            if job.is_alive():
                job.kill()
            raise
        state.nb = got["nb"]
        out.files += got["files"]
        out.bytes += got["bytes"]
    out.put("meta.js", r.meta(keys))
    state.nfiles = out.files
    _save_state(state, index_dir, pairs=not split)
    return {"documents": state.n, "files": out.files, "bytes": out.bytes}


def _from_job(recv: Any, job: Any, got: Any = None) -> dict[str, Any]:
    """The pair process's next message (or ``got``, one read already); raises if it failed."""
    if got is None:
        try:
            got = recv.recv()
        except EOFError:
            got = None
    if not isinstance(got, dict):
        job.join(5)
        raise RuntimeError(f"static index: the stem-pair process failed ({got or job.exitcode})")
    return got


def _release_memory() -> None:
    """Return freed heap pages to the OS where the C library can (glibc keeps them: the batch
    arrays of the analysis and the postings already sent would stay in the process's memory)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _send_runs(conn: Any, runs: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:  # type: ignore[type-arg]
    """Send per-batch postings (see :func:`_assemble`) as raw buffers, releasing each batch
    once sent (no pickled copy of them all)."""
    runs.reverse()
    while runs:
        for part in runs.pop():
            conn.send_bytes(part)


def _receive_runs(recv: Any, job: Any, sizes: list[tuple[int, int]]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:  # type: ignore[type-arg]
    """The per-batch postings :func:`_send_runs` sent (``sizes``: keys and postings per batch)."""
    runs = []
    try:
        for nkeys, nvals in sizes:
            keys, lens, vals = (recv.recv_bytes() for _ in range(3))
            if (len(keys), len(lens), len(vals)) != (8 * nkeys, 8 * nkeys, 4 * nvals):
                raise EOFError("postings of an unexpected size")
            runs.append((np.frombuffer(keys, np.int64), np.frombuffer(lens, np.int64), np.frombuffer(vals, np.uint32)))
    except EOFError as err:
        job.join(5)
        raise RuntimeError(f"static index: the stem-pair process failed ({err or job.exitcode})") from err
    return runs


def _new_state(docs: Sequence[SearchDoc], dl: list[int]) -> State:
    state = State(n=len(docs))
    for doc in docs:
        state.ids.append(doc.id)
        state.facets.append(dict(doc.facets))
        for facet, values in doc.labels.items():
            state.labels.setdefault(facet, {}).update(values)
    state.dl.extend(dl)
    state.avgdl = (sum(state.dl) / state.n) if state.n else 1.0
    return state


def _write_stems(state: State, out: _Writer) -> tuple[_Renderer, list[str]]:
    """Write the stem postings, dictionary, facet and key-list files (all but fragments, pairs
    and ``meta.js``); returns the renderer and the dictionary keys (for ``meta.js``)."""
    state.depth = _depth_table(state.forms)
    _assign_pshards(state)
    members = _members(state)
    state.fc = _facet_counts(state, members)
    r = _Renderer(state, members)
    for no in range(len(state.pshards)):
        out.put(*r.pshard(no))
    keys = r.dict_keys()
    for key in keys:
        got = r.dshard(key)
        if got:
            out.put(*got)
    for rel, data in r.facets().items():
        out.put(rel, data)
    for rel, data in r.indexes(keys).items():
        out.put(rel, data)
    return r, keys


def _write_fragments(docs: Sequence[SearchDoc], out: _Writer, counter: Any = None, until: Any = None) -> Any:
    """Write the fragments of ``docs``: all of them, or the chunks this process takes from the
    shared ``counter`` (the next letter number nobody has taken).  With ``until`` (a
    connection), stop as soon as a message is waiting there and return it (read)."""
    if counter is None:
        for num, doc in enumerate(docs):
            out.put(*_fragment(doc, num))
        return None
    while until is None or not until.poll():
        with counter.get_lock():
            start = counter.value
            counter.value = start + FRAG_CHUNK
        if start >= len(docs):
            break
        for num in range(start, min(start + FRAG_CHUNK, len(docs))):
            out.put(*_fragment(docs[num], num))
    if until is None:
        return None
    try:
        return until.recv()
    except EOFError:
        return None


def _write_pairs(state: State, pairs: dict[str, array], out: _Writer) -> tuple[int, dict[int, list[str]]]:  # type: ignore[type-arg]
    """Write the ``b/`` shards of ``pairs``; returns (shard count, shard -> keys)."""
    total = sum(map(len, pairs.values()))
    nb = max(1, min(4096, total * 2 // POSTINGS_BUDGET + 1))
    bkeys: dict[int, list[str]] = defaultdict(list)
    for k in pairs:
        bkeys[fnv1a(k) % nb].append(k)
    norms = _norms(state)
    for no, keys in bkeys.items():
        out.put(*_bshard(no, keys, pairs, state.n, norms))
    return nb, dict(bkeys)


def _bshard(no: int, keys: Iterable[str], pairs: dict[str, array], n: int, norms: np.ndarray) -> tuple[str, bytes]:  # type: ignore[type-arg]
    keys = [k for k in keys if k in pairs]
    data = dict(zip(keys, _entries([pairs[k] for k in keys], n, norms)))
    return f"b/{no}.js", _js(f"b/{no}", data)


def _pairs_job(docs: Sequence[SearchDoc], root: Path, index_dir: Path, conn: Any, frags: Any) -> None:
    """The forked half of :func:`build`: analyse every letter, send the stem postings to the
    main process, write the ``b/`` shards and save the pairs; then fragments taken from the
    shared counter ``frags``."""
    try:
        an = _Analyser()
        dl = [d for base in range(0, len(docs), BATCH) for d in an.add(docs[base:base + BATCH], base)]
        runs, an.stem_runs = an.stem_runs, []
        conn.send({"dl": dl, "names": an.names, "ids": an.ids, "sizes": [(len(k), len(v)) for k, _, v in runs]})
        _send_runs(conn, runs)
        _release_memory()
        state = State(n=len(docs))
        state.dl.extend(dl)
        state.avgdl = (sum(state.dl) / state.n) if state.n else 1.0
        pairs = an.tables()[1]
        del an
        out = _Writer(root)
        nb, bkeys = _write_pairs(state, pairs, out)
        _save_pairs(pairs, bkeys, index_dir)
        del pairs, bkeys
        _release_memory()
        _write_fragments(docs, out, frags)
        conn.send({"nb": nb, "files": out.files, "bytes": out.bytes})
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which raises
        conn.send(repr(err))
    finally:
        conn.close()


def _assign_pshards(state: State) -> None:
    """Alphabetical runs of stems, ~POSTINGS_BUDGET bytes each (size estimated from df)."""
    state.pshards, state.stem_shard = [], {}
    cur: list[str] = []
    size = 0
    n = max(state.n, 1)
    for stem in sorted(state.post):
        df = len(state.post[stem])
        cost = min(df * 2, n // 6 + 10) + min(df, TOP_K) * 3 + 8 * len(stem) + 40
        if cur and size + cost > POSTINGS_BUDGET:
            state.pshards.append(cur)
            cur, size = [], 0
        cur.append(stem)
        state.stem_shard[stem] = len(state.pshards)
        size += cost
    if cur:
        state.pshards.append(cur)


def _dump(data: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def _save_pairs(pairs: dict[str, array], bkeys: dict[int, list[str]], index_dir: Path) -> None:  # type: ignore[type-arg]
    _dump({"format": FORMAT, "pairs": pairs, "bkeys": bkeys}, index_dir / PAIRS_FILE)


def _save_state(state: State, index_dir: Path, pairs: bool = True) -> None:
    """The pairs go to their own file (written by the pair process in a split build)."""
    if pairs:
        _save_pairs(state.pairs, state.bkeys, index_dir)
    _dump({"format": FORMAT, "ids": state.ids, "facets": state.facets, "n": state.n, "avgdl": state.avgdl,
           "depth": state.depth, "nfiles": state.nfiles}, index_dir / DOCS_FILE)
    pairs_of, bkeys_of = state.pairs, state.bkeys
    state.pairs, state.bkeys = {}, {}
    try:
        _dump({"format": FORMAT, "state": state}, index_dir / STATE_FILE)
    finally:
        state.pairs, state.bkeys = pairs_of, bkeys_of


def _load_state(index_dir: Path) -> State:
    from sitegen.errors import SitegenError

    path = index_dir / STATE_FILE
    try:
        with path.open("rb") as fh:
            saved = pickle.load(fh)
        with (index_dir / PAIRS_FILE).open("rb") as fh:
            saved_pairs = pickle.load(fh)
        if saved.get("format") != FORMAT or saved_pairs.get("format") != FORMAT:
            raise KeyError("format")
        state: State = saved["state"]
        state.pairs, state.bkeys = saved_pairs["pairs"], saved_pairs["bkeys"]
    except (OSError, pickle.UnpicklingError, KeyError, EOFError, AttributeError) as err:
        raise SitegenError(f"{path}: no usable static search state ({err}); run a full 'sitegen build'") from err
    return state


# ---------------------------------------------------------------- update


def _drop(arr: array, num: int) -> None:  # type: ignore[type-arg]
    i = bisect.bisect_left(arr, num << 8)
    if i < len(arr) and arr[i] >> 8 == num:
        del arr[i]


def apply(removals: dict[int, SearchDoc], additions: Sequence[tuple[int, SearchDoc]], slots: int,
          site_dir: Path, index_dir: Path, nfiles: int) -> dict[str, Any]:
    """Fold changes into the main index (the overlay's compaction, ``static_overlay.py``): drop
    the postings of ``removals`` (doc number -> the letter as the index holds it), add
    ``additions`` at their doc numbers (their fragments are written already), grow to ``slots``
    doc numbers; rewrite only the index files that change (their shards, the facet files, meta).
    Average length, the dictionary split table and the pair-shard count stay as built.
    ``nfiles``: the index's files before; the result's ``files`` counts them after."""
    state = _load_state(Path(index_dir))
    root = Path(site_dir) / "search"
    out = _Writer(root, count_new=True)
    stems = _Stems(state.forms)
    touched_stems: set[str] = set()
    touched_pairs: set[str] = set()

    def remove(num: int, ghost: SearchDoc) -> None:
        tf, pairs, _ = analyse(ghost, stems)
        for stem in tf:
            if stem in state.post:
                _drop(state.post[stem], num)
                touched_stems.add(stem)
        for a, b in pairs:
            key = a + " " + b
            if key in state.pairs:
                _drop(state.pairs[key], num)
                touched_pairs.add(key)

    for num, ghost in removals.items():
        remove(num, ghost)
        state.ids[num], state.facets[num] = None, None
    while state.n < slots:
        state.n += 1
        state.ids.append(None)
        state.facets.append(None)
        state.dl.append(1)
    for num, doc in additions:
        tf, pairs, dl = analyse(doc, stems)
        state.ids[num] = doc.id
        state.dl[num] = dl
        state.facets[num] = dict(doc.facets)
        for facet, values in doc.labels.items():
            state.labels.setdefault(facet, {}).update(values)
        for stem, t in tf.items():
            arr = state.post.setdefault(stem, array("I"))
            bisect.insort(arr, num << 8 | min(t, TF_MAX))
            touched_stems.add(stem)
        for (a, b), t in pairs.items():
            key = a + " " + b
            arr = state.pairs.get(key)
            if arr is None:
                arr = state.pairs[key] = array("I")
                state.bkeys.setdefault(fnv1a(key) % state.nb, []).append(key)
            bisect.insort(arr, num << 8 | min(t, TF_MAX))
            touched_pairs.add(key)
    for stem in list(touched_stems):
        if not state.post[stem]:
            del state.post[stem]
        elif stem not in state.stem_shard:  # a new stem joins its alphabetical neighbour's shard
            i = bisect.bisect_left(sorted(state.stem_shard), stem)
            no = state.stem_shard[sorted(state.stem_shard)[max(0, i - 1)]] if state.stem_shard else 0
            if not state.pshards:
                state.pshards.append([])
            state.pshards[no].append(stem)
            state.stem_shard[stem] = no
    for key in list(touched_pairs):
        if not state.pairs[key]:
            del state.pairs[key]
            state.bkeys[fnv1a(key) % state.nb].remove(key)
    state.forms = dict(stems)
    members = _members(state)
    old_fc, state.fc = state.fc, _facet_counts(state, members)  # value order may change: compare them all
    touched_stems |= {stem for stem in old_fc.keys() | state.fc.keys() if old_fc.get(stem) != state.fc.get(stem)}
    r = _Renderer(state, members)
    pshards = {state.stem_shard[s] for s in touched_stems if s in state.stem_shard}
    touched_b = {fnv1a(k) % state.nb for k in touched_pairs}
    dkeys = {shard_key(f, state.depth) for s in touched_stems for f in r.stem_forms.get(s, ())}
    for no in pshards:
        out.put(*r.pshard(no))
    for no in touched_b:
        if state.bkeys.get(no):
            out.put(*r.bshard(no, state.bkeys[no]))
        else:
            out.unlink(f"b/{no}.js")
    for key in dkeys:
        got = r.dshard(key)
        if got:
            out.put(*got)
        else:
            out.unlink(f"d/{file_key(key)}.js")
    for rel, data in r.facets().items():
        out.put(rel, data)
    all_keys = r.dict_keys()
    for rel, data in r.indexes(all_keys, {k[:1] for k in dkeys}).items():
        out.put(rel, data)
    out.put("meta.js", r.meta(all_keys))
    state.nfiles = nfiles + out.created - out.deleted
    _save_state(state, Path(index_dir))
    return {"documents": state.live, "files": state.nfiles, "bytes": out.bytes, "written": out.files}
