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

The build streams the letters once: each letter is tokenised with one C-level regex pass, its
fragment written at once, and only packed integer postings (``doc << 8 | tf``) are kept.  An
update re-reads a changed letter's old fragment to find the postings it touched and rewrites
only the shards that change.
"""

from __future__ import annotations

import base64
import bisect
import gzip
import json
import multiprocessing as mp
import operator
import pickle
import re
import shutil
from array import array
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from itertools import compress, islice, repeat
from pathlib import Path
from typing import Any, Iterable, Sequence

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


def _norms(state: State) -> bytes:
    """Per doc: its quantized length level (see NORM_LEVELS)."""
    scale = NORM_LEVELS / NORM_MAX / (state.avgdl or 1.0)
    return bytes(min(NORM_LEVELS - 1, int(d * scale)) for d in state.dl)


def _impacts(packed: array, docs: list[int], norms: bytes) -> list[int]:  # type: ignore[type-arg]
    keys = map(operator.or_, map(operator.lshift, map(operator.and_, packed, repeat(255)), repeat(8)), map(norms.__getitem__, docs))
    return list(map(_IMPACT.__getitem__, keys))


def _entry(packed: array, state: State, norms: bytes, forms: list[str] | None) -> dict[str, Any]:  # type: ignore[type-arg]
    docs = list(map(operator.rshift, packed, repeat(8)))
    e: dict[str, Any] = {"n": len(docs), "d": encode_docset(docs, state.n)}
    imps = _impacts(packed, docs, norms)
    if len(docs) <= FULL:
        e["i"] = base64.b64encode(bytes(imps)).decode()
    else:
        cut = sorted(imps)[-(TOP_K + 1)]  # the floor: every doc outside the top scores at most this
        above = list(compress(docs, map(operator.gt, imps, repeat(cut))))
        ties = list(islice(compress(docs, map(operator.eq, imps, repeat(cut))), TOP_K - len(above)))
        top_d = sorted(above + ties)
        top_i = [imps[bisect.bisect_left(docs, d)] for d in top_d]
        e["t"] = encode_docset(top_d, state.n)
        e["i"] = base64.b64encode(bytes(top_i)).decode()
        e["f"] = cut
    if forms:
        e["x"] = forms
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
    def __init__(self, state: State) -> None:
        self.s = state
        self.norms = _norms(state)
        self.stem_forms: dict[str, list[str]] = defaultdict(list)
        self.dshard_forms: dict[str, list[str]] = defaultdict(list)
        for form, stem in state.forms.items():
            self.stem_forms[stem].append(form)
            self.dshard_forms[shard_key(form, state.depth)].append(form)

    def pshard(self, no: int) -> tuple[str, bytes]:
        s = self.s
        data = {stem: _entry(s.post[stem], s, self.norms, sorted(self.stem_forms[stem])) for stem in s.pshards[no] if stem in s.post}
        for stem, entry in data.items():
            if stem in s.fc:
                entry["fc"] = s.fc[stem]
        return f"p/{no}.js", _js(f"p/{no}", data)

    def bshard(self, no: int, keys: Iterable[str]) -> tuple[str, bytes]:
        s = self.s
        data = {k: _entry(s.pairs[k], s, self.norms, None) for k in keys if k in s.pairs}
        return f"b/{no}.js", _js(f"b/{no}", data)

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
            values: dict[str, list[int]] = defaultdict(list)
            for num, fs in enumerate(s.facets):
                if fs:
                    for v in fs.get(facet, ()):
                        values[v].append(num)
            labels = s.labels.get(facet, {})
            rows = [[v, labels.get(v, v), encode_docset(ds, s.n)] for v, ds in sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
            out[f"v/{facet}.js"] = _js(f"v/{facet}", rows)
        order = _value_order(s)
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


def _value_order(state: State) -> dict[str, list[tuple[str, int]]]:
    """Facet -> [(value, letters)] in slug order: the order of ``fc`` counts and ``v/labels.js``."""
    counts: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
    for fs in state.facets:
        if fs:
            for f in FACETS:
                counts[f].update(fs.get(f, ()))
    return {f: sorted(counts[f].items()) for f in FACETS}


def fc_min(n: int) -> int:
    """Stems in at least this many letters carry precomputed facet counts."""
    return max(FULL, n // 20)


def _facet_counts(state: State) -> dict[str, str]:
    """For each frequent stem (df >= fc_min), its letters' count per facet value, as base64
    varints in the order of :func:`_value_order`.  A query of one such word without filters
    shows exact facet counts from its postings entry alone, without the facet files (which grow
    with the archive).  Counting is AND + popcount of Python-int bitmaps."""
    order = _value_order(state)
    n = state.n
    value_bits: list[int] = []
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for num, fs in enumerate(state.facets):
        if fs:
            for f in FACETS:
                for v in fs.get(f, ()):
                    members[(f, v)].append(num)
    for f in FACETS:
        for v, _ in order[f]:
            value_bits.append(int.from_bytes(_bitmap(members[(f, v)], n), "little"))
    out: dict[str, str] = {}
    lo = fc_min(n)
    for stem, arr in state.post.items():
        if len(arr) < lo:
            continue
        bits = int.from_bytes(_bitmap(list(map(operator.rshift, arr, repeat(8))), n), "little")
        out[stem] = base64.b64encode(_varints([(bits & vb).bit_count() for vb in value_bits])).decode()
    return out


def _fragment(doc: SearchDoc, num: int) -> tuple[str, bytes]:
    z = gzip.compress(doc.text.encode("utf-8"), compresslevel=4, mtime=0)
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

    def unlink(self, rel: str) -> None:
        p = self.root / rel
        if p.is_file():
            p.unlink()
            self.deleted += 1

    def put(self, rel: str, data: bytes) -> None:
        p = self.root / rel
        if self.count_new and not p.exists():
            self.created += 1
        if p.parent not in self.dirs:
            p.parent.mkdir(parents=True, exist_ok=True)
            self.dirs.add(p.parent)
        p.write_bytes(data)
        self.files += 1
        self.bytes += len(data)


def _new_array() -> array:  # type: ignore[type-arg]
    return array("I")


def _append(table: Any, counts: Counter[int], base: int) -> None:
    """C-level loop: append ``base | min(tf, 255)`` to each key's array in ``table``."""
    tfs = counts.values()
    if max(tfs, default=0) <= TF_MAX:  # nearly always: no clamp per posting (a fifth of this loop)
        packed = map(base.__or__, tfs)
    else:
        packed = map(operator.or_, repeat(base), map(min, tfs, repeat(TF_MAX)))
    deque(map(array.append, map(table.__getitem__, counts.keys()), packed), maxlen=0)


class _Analyser:
    """The build's fast path of :func:`analyse`: word forms map to integer stem ids (0 for the
    forms the StopFilter drops, so one ``filter(None, map(...))`` both drops and stems), stem
    postings live in a list indexed by id and pair postings under ``a << PAIR_SHIFT | b``."""

    def __init__(self, stems: bool = True, pairs: bool = True) -> None:
        self.want_stems, self.want_pairs = stems, pairs
        self.ids: dict[str, int] = dict.fromkeys(_DROP, 0)
        self.ids_of_stem: dict[str, int] = {}
        self.names: list[str] = [""]
        self.post: list[array] = [array("I")]  # type: ignore[type-arg]
        self.pairs: defaultdict[int, array] = defaultdict(_new_array)  # type: ignore[type-arg]

    def _id(self, form: str) -> int:
        if len(form) < MIN_SIZE or form in _STOPS:
            sid = 0
        else:
            stem = stem_of(form)
            sid = self.ids_of_stem.get(stem, 0)
            if not sid:
                sid = self.ids_of_stem[stem] = len(self.names)
                self.names.append(stem)
                self.post.append(array("I"))
        self.ids[form] = sid
        return sid

    def _stem_ids(self, text: str) -> list[int]:
        text = text.lower()
        toks = (_TOKEN_ASCII if text.isascii() else _TOKEN_RE).findall(text)
        ids = self.ids
        for form in set(toks).difference(ids):
            self._id(form)
        return list(filter(None, map(ids.__getitem__, toks)))

    def add(self, num: int, doc: SearchDoc) -> int:
        """Append ``doc``'s postings (doc number ``num``); returns its indexed length."""
        st = self._stem_ids(doc.text)
        extra = ["\n".join(doc.requests)] + [p.replace("-", " ") for p in doc.facets.get("procedure", ()) if p != "unmapped"]
        boosted = [self._stem_ids(line) for line in extra]
        boost = int(REQUEST_BOOST)
        base = num << 8
        if self.want_stems:
            tf: Counter[int] = Counter(st)
            for rst in boosted:
                for s in rst:
                    tf[s] += boost
            _append(self.post, tf, base)
        if self.want_pairs:
            pairs: Counter[int] = Counter(map(operator.or_, map(operator.lshift, st, repeat(PAIR_SHIFT)), st[1:]))
            for rst in boosted:
                for a, b in zip(rst, rst[1:]):
                    pairs[a << PAIR_SHIFT | b] += boost
            _append(self.pairs, pairs, base)
        return max(len(st), 1)

    def tables(self) -> tuple[dict[str, array], dict[str, array], dict[str, str]]:  # type: ignore[type-arg]
        """(stem postings, pair postings, form table) keyed by strings, as :class:`State` keeps them."""
        names, mask = self.names, (1 << PAIR_SHIFT) - 1
        post = {names[i]: a for i, a in enumerate(self.post) if i and a}
        pairs = {names[k >> PAIR_SHIFT] + " " + names[k & mask]: a for k, a in self.pairs.items()}
        forms = {f: names[i] for f, i in self.ids.items() if i}
        return post, pairs, forms


def build(docs: Iterable[SearchDoc], site_dir: Path, index_dir: Path, split: bool | None = None) -> dict[str, Any]:
    """Write the static index to ``site_dir/search`` and its update state to ``index_dir``.

    With ``split`` (default: from PARALLEL_MIN letters on, where ``fork`` exists) the stem pairs
    (``b/`` shards, about half the work) are analysed, rendered and saved by a forked process
    while this one does the rest: nothing but a few numbers crosses between them."""
    docs = docs if isinstance(docs, Sequence) else list(docs)
    root, index_dir = Path(site_dir) / "search", Path(index_dir)
    if split is None:
        split = len(docs) >= PARALLEL_MIN and "fork" in mp.get_all_start_methods()
    shutil.rmtree(root / OVERLAY_DIR, ignore_errors=True)  # a full build compacts any overlay
    (index_dir / OVERLAY_FILE).unlink(missing_ok=True)
    out = _Writer(root)
    job = None
    if split:
        ctx = mp.get_context("fork")
        recv, send = ctx.Pipe(duplex=False)
        job = ctx.Process(target=_pairs_job, args=(docs, root, index_dir, send), daemon=True)
        job.start()
        send.close()
    state = State()
    an = _Analyser(pairs=not split)
    for num, doc in enumerate(docs):
        state.dl.append(an.add(num, doc))
        state.ids.append(doc.id)
        state.facets.append(dict(doc.facets))
        for facet, values in doc.labels.items():
            state.labels.setdefault(facet, {}).update(values)
        out.put(*_fragment(doc, num))
    state.post, pairs, state.forms = an.tables()
    del an
    state.n = len(state.ids)
    state.avgdl = (sum(state.dl) / state.n) if state.n else 1.0
    if not split:
        state.nb, state.bkeys = _write_pairs(state, pairs, out)
        state.pairs = pairs
    del pairs
    state.depth = _depth_table(state.forms)
    _assign_pshards(state)
    state.fc = _facet_counts(state)
    r = _Renderer(state)
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
    if job is not None:
        try:
            got = recv.recv()
        except EOFError:
            got = None
        job.join()
        if not isinstance(got, dict):
            raise RuntimeError(f"static index: the stem-pair process failed ({got or job.exitcode})")
        state.nb = got["nb"]
        out.files += got["files"]
        out.bytes += got["bytes"]
    out.put("meta.js", r.meta(keys))
    state.nfiles = out.files
    _save_state(state, index_dir, pairs=not split)
    return {"documents": state.n, "files": out.files, "bytes": out.bytes}


def _write_pairs(state: State, pairs: dict[str, array], out: _Writer) -> tuple[int, dict[int, list[str]]]:  # type: ignore[type-arg]
    """Write the ``b/`` shards of ``pairs``; returns (shard count, shard -> keys)."""
    total = sum(map(len, pairs.values()))
    nb = max(1, min(4096, total * 2 // POSTINGS_BUDGET + 1))
    bkeys: dict[int, list[str]] = defaultdict(list)
    for k in pairs:
        bkeys[fnv1a(k) % nb].append(k)
    norms = _norms(state)
    for no, keys in bkeys.items():
        data = {k: _entry(pairs[k], state, norms, None) for k in keys}
        out.put(f"b/{no}.js", _js(f"b/{no}", data))
    return nb, dict(bkeys)


def _pairs_job(docs: Sequence[SearchDoc], root: Path, index_dir: Path, conn: Any) -> None:
    """The forked half of :func:`build`: stem pairs of every letter -> ``b/`` shards + their state."""
    try:
        an = _Analyser(stems=False)
        state = State(n=len(docs))
        state.dl.extend(an.add(num, doc) for num, doc in enumerate(docs))
        state.avgdl = (sum(state.dl) / state.n) if state.n else 1.0
        pairs = an.tables()[1]
        del an
        out = _Writer(root)
        nb, bkeys = _write_pairs(state, pairs, out)
        _save_pairs(pairs, bkeys, index_dir)
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
    old_fc, state.fc = state.fc, _facet_counts(state)  # value order may change: compare them all
    touched_stems |= {stem for stem in old_fc.keys() | state.fc.keys() if old_fc.get(stem) != state.fc.get(stem)}
    r = _Renderer(state)
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
