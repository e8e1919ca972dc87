"""The Whoosh index: the ONLY module that imports whoosh.

Also owns the text analysis both indexes share (:func:`analyze`, :func:`stem_of`), so the
browser's term dictionary is produced by exactly the analyzer Whoosh uses.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import tempfile
import threading
import zlib
from array import array
from collections import Counter, deque
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, repeat
from operator import add, gt, sub
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from whoosh import highlight, index
from whoosh.analysis import IDTokenizer, LowercaseFilter, RegexTokenizer, StemmingAnalyzer, StopFilter, StripFilter
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3PostingsWriter, _lenfield
from whoosh.columns import NumericColumn
from whoosh.compat import dumps as _dumps
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Existence, Frequency, Positions
from whoosh.lang.porter import stem as _porter_stem
from whoosh.qparser import MultifieldParser, QueryParserError
from whoosh.query import Query
from whoosh.system import pack_uint as _pack_uint
from whoosh.util.numeric import byte_to_length as _byte_to_length
from whoosh.writing import SegmentWriter

from sitegen.errors import SitegenError
from sitegen.forked import Forked, can_fork
from sitegen.search.documents import FACETS, SearchDoc

#: numpy, imported by the first build (:func:`_build_modules`), not by ``sitegen search``
np: Any = None

#: Default fields of a query without ``field:``, and their weights.
DEFAULT_FIELDS = ("request", "content")
REQUEST_BOOST = 3.0
PROCEDURE_BOOST = 2.0

_ANALYZER = StemmingAnalyzer()
#: The tokenizer regex and stop list the analyzer uses (the browser client mirrors them).
TOKEN_PATTERN: str = _ANALYZER[0].expression.pattern  # type: ignore[index]
STOP_WORDS: frozenset[str] = next(f for f in _ANALYZER.items if isinstance(f, StopFilter)).stops  # type: ignore[attr-defined]
MIN_SIZE: int = next(f for f in _ANALYZER.items if isinstance(f, StopFilter)).min  # type: ignore[attr-defined]


def schema() -> Schema:
    kw = dict(stored=True, commas=True, lowercase=True, scorable=True)
    return Schema(
        id=ID(stored=True, unique=True),
        path=STORED(),
        title=STORED(),
        case=ID(stored=True),
        request=StemmedText(stored=True, field_boost=REQUEST_BOOST),
        procedure=KEYWORD(field_boost=PROCEDURE_BOOST, **kw),
        category=KEYWORD(**kw),
        body_region=KEYWORD(**kw),
        guideline=KEYWORD(**kw),
        decision=KEYWORD(**kw),
        specialty=KEYWORD(**kw),
        year=KEYWORD(**kw),
        # Positions (phrases) but no character offsets: snippets re-tokenize the stored text
        # of the few hits shown, which costs less than offsets for every posting.
        content=StemmedText(stored=True),
    )


#: Whoosh's tokenizer pattern without capturing groups (``findall`` returns whole tokens).
_TOKEN_RE = re.compile(TOKEN_PATTERN.replace("(?:", "(").replace("(", "(?:"))
#: The pattern this module's ASCII tokenizer implements (checked at import).
_ASCII_PATTERN = r"[\w\*]+(\.?[\w\*]+)*"


def _ascii_table() -> bytes:
    """ASCII byte -> itself for token characters (``[A-Za-z0-9_*]`` and the dot), lowercased;
    every other byte -> space."""
    table = bytearray(b" " * 256)
    for c in b"abcdefghijklmnopqrstuvwxyz0123456789_*.":
        table[c] = c
    for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[c] = c + 32
    return bytes(table)


_ASCII_TABLE = _ascii_table()
#: The tokenizer below applies only while Whoosh's pattern is the one it implements.
_ASCII_OK = TOKEN_PATTERN == _ASCII_PATTERN


def _ascii_blanked(text: str) -> bytes:
    """ASCII ``text`` whose split on spaces gives ``_TOKEN_RE.findall(text.lower())``, without a
    regex: token characters are kept (lowercased), everything else becomes a space, then every
    dot that is not between two token characters too."""
    b = b" " + text.encode("ascii").translate(_ASCII_TABLE) + b" "
    if b".." not in b:  # one round blanks them all (blanking a dot makes no new dot-space pair)
        return b.replace(b". ", b"  ").replace(b" .", b"  ")
    while b". " in b or b" ." in b or b".." in b:
        b = b.replace(b". ", b"  ").replace(b" .", b"  ").replace(b"..", b"  ")
    return b


def _ascii_tokens(text: str) -> list[str]:
    """``_TOKEN_RE.findall(text.lower())`` for ASCII text (see :func:`_ascii_blanked`)."""
    return _ascii_blanked(text).decode("ascii").split()


def _tokens(text: str) -> list[str]:
    """The lowercase tokens Whoosh's analyzer sees, stop words included (they count for positions)."""
    if _ASCII_OK and text.isascii():
        return _ascii_tokens(text)
    return [t.lower() for t in _TOKEN_RE.findall(text)]


#: Term id -> index term (stem); id 0 is unused, so every id is true.
_TERMS: list[str] = [""]
_TERM_IDS: dict[str, int] = {}


_TERMS_LOCK = threading.Lock()


class _FormIds(dict[str, int]):
    """Lowercase token -> the id of its index term, 0 for tokens the stop filter drops."""

    def __missing__(self, form: str) -> int:
        tid = 0
        if len(form) >= MIN_SIZE and form not in STOP_WORDS:
            stem = stem_of(form)
            with _TERMS_LOCK:  # one id per stem even when two threads index at once
                tid = _TERM_IDS.get(stem)
                if tid is None:
                    tid = _TERM_IDS[stem] = len(_TERMS)
                    _TERMS.append(stem)
        self[form] = tid
        return tid


_FORM_IDS = _FormIds()


class _AsciiFormIds(dict[bytes, int]):
    """:data:`_FORM_IDS` for ASCII tokens as bytes (the build splits ASCII text as bytes)."""

    def __missing__(self, form: bytes) -> int:
        tid = self[form] = _FORM_IDS[form.decode("ascii")]
        return tid


_ASCII_FORM_IDS = _AsciiFormIds()

#: Encoded value of a term seen once, by position (most postings): pack_uint(1) + dumps([pos], 2).
_ONCE: list[bytes] = []
#: Pickle (protocol 2) opcodes of a list item 0 <= d < 65536 (BININT1, BININT2), and the start
#: of a Positions value of f >= 2 positions up to pickle's batch size: pack_uint(f), PROTO 2,
#: EMPTY_LIST, BINPUT 0, MARK (items follow, then APPENDS and STOP: ``e.``).
_ITEM = [b"K" + bytes([d]) for d in range(256)] + [b"M" + d.to_bytes(2, "little") for d in range(256, 65536)]
_BATCH = 1000
_HEAD = [b""] * 2 + [_pack_uint(f) + b"\x80\x02]q\x00(" for f in range(2, _BATCH + 1)]


def _once_upto(n: int) -> None:
    while len(_ONCE) < n:
        p = len(_ONCE)
        _ONCE.append(_pack_uint(1) + _dumps([p], 2))


def _text_postings(text: str) -> tuple[list[int], list[int], list[bytes], int]:
    """One document's postings of a stemmed text field: term ids (ascending), frequencies,
    encoded positions (Whoosh's ``Positions`` values) and the field length.

    Whoosh runs a generator chain per token (tokenizer, lowercase, stop filter, stemmer) and a
    Python loop per posting; here every step is one C-level pass over a list (``map``, ``sorted``,
    ``Counter``), without a Python statement per token or per term.  Positions follow Whoosh's
    stop filter: the first kept token keeps its raw position, the others follow it one by one.
    """
    mapped = list(map(_FORM_IDS.__getitem__, _tokens(text)))
    tids = list(filter(None, mapped))
    if not tids:
        return [], [], [], 0
    p0 = mapped.index(tids[0])
    n = len(tids)
    # token indexes grouped by term id (a stable sort: ascending within a term)
    order = sorted(range(n), key=tids.__getitem__)
    counts = Counter(map(tids.__getitem__, order))  # term ids in ascending order
    keys, freqs = list(counts), list(counts.values())
    poss = list(map(add, order, repeat(p0))) if p0 else order
    starts = list(accumulate(freqs, initial=0))
    firsts = list(map(poss.__getitem__, starts[:-1]))
    _once_upto(p0 + n)
    vals = list(map(_ONCE.__getitem__, firsts))  # right for the terms seen once
    if len(keys) != n:
        multi = list(compress(range(len(freqs)), map(gt, freqs, repeat(1))))
        deltas = list(map(sub, poss, [0, *poss[:-1]]))
        deque(map(deltas.__setitem__, starts, firsts), 0)  # a term's first delta is its position
        if max(deltas) < len(_ITEM) and max(freqs) <= _BATCH:
            items = list(map(_ITEM.__getitem__, deltas))
            enc = b"".join(items)
            offs = list(accumulate(map(len, items), initial=0))
            cuts = map(slice, map(offs.__getitem__, map(starts.__getitem__, multi)),
                       map(offs.__getitem__, map(starts.__getitem__, map(add, multi, repeat(1)))))
            heads = map(_HEAD.__getitem__, map(freqs.__getitem__, multi))
            new: Iterable[bytes] = map(add, map(add, heads, map(enc.__getitem__, cuts)), repeat(b"e."))
        else:
            new = [_pack_uint(freqs[i]) + _dumps(deltas[starts[i]:starts[i + 1]], 2) for i in multi]
        deque(map(vals.__setitem__, multi, new), 0)
    return keys, freqs, vals, n


def index_terms(text: str, field_boost: float = 1.0) -> list[tuple[bytes, int, float, bytes]]:
    """What ``TEXT(analyzer=StemmingAnalyzer()).index(text)`` yields (term, frequency, weight,
    encoded positions), computed by :func:`_text_postings`; ``tests/test_search_whoosh.py``
    compares the two."""
    keys, freqs, vals, _ = _text_postings(text)
    terms = [_TERMS[k].encode("utf-8") for k in keys]
    return list(zip(terms, freqs, [float(f) * field_boost for f in freqs], vals))


class StemmedText(TEXT):
    """A TEXT field with the StemmingAnalyzer and positions whose ``index()`` is
    :func:`index_terms` (queries and highlighting use the analyzer as usual)."""

    def __init__(self, stored: bool = False, field_boost: float = 1.0) -> None:
        super().__init__(analyzer=StemmingAnalyzer(), stored=stored, field_boost=field_boost)

    def index(self, value, **kwargs):  # type: ignore[no-untyped-def, override]
        if kwargs or not isinstance(value, str) or type(self.format) is not Positions:
            return super().index(value, **kwargs)
        return index_terms(value, self.format.field_boost)


# --- The direct build -------------------------------------------------------------------------
#
# What ``writer.add_document`` + ``writer.commit`` write, made with bulk operations.  Per document
# only integers are appended to arrays: the term id of each token of a stemmed text field (0 for a
# token the stop filter drops), the term ids and frequencies of the other indexed fields (ids,
# keywords).  numpy then groups the tokens into postings (``_TextField.group``, every
# ``_GROUP_TOKENS`` tokens: one stable sort by term keeps doc and position order; a posting keeps
# its doc number, frequency and the pickle opcodes of its position deltas), and at the flush puts
# each field's postings in term order and assembles their posting blocks as bytes, the blocks of
# many terms in each numpy operation (:func:`_write_blocks`): the pickle of ``(ids, weights,
# values)`` written opcode by opcode, which unpickles to what Whoosh's writer pickles (a tuple of
# doc-number deltas; None, a float or a tuple of floats; the values: a tuple of ``Positions``
# values, byte for byte Whoosh's, the ``Frequency`` values joined, or None).  Whoosh writes the
# term table, stored fields and lengths.  ``tests/test_search_whoosh.py`` compares the index with
# one Whoosh's own writer makes.

#: Tokens grouped into postings at a time (bounds the grouping's temporary arrays).
_GROUP_TOKENS = 1 << 20
#: Postings assembled into posting blocks at a time at the flush (bounds those temporary arrays).
_WRITE_POSTINGS = 1 << 17
#: zlib level of the posting blocks (Whoosh's codec: 3; each block's info records its level).
BLOCK_LEVEL = 1
#: Blocks shorter than this are stored uncompressed (level 0 in their info): zlib costs most per
#: call there and barely shrinks them (the one-posting blocks of the id fields, rare terms).
_MIN_COMPRESS = 100
#: zlib level of the stored fields (Whoosh's: 3).
STORED_LEVEL = 1
#: Blocks and stored fields are zlib streams, which Whoosh's reader inflates with zlib; when
#: python-isal is installed, ISA-L makes them (:func:`_build_modules`): ~3x less CPU than zlib
#: at level 1, as small.
_deflate = zlib.compress

_K, _M, _J, _G = ord("K"), ord("M"), ord("J"), ord("G")  # pickle BININT1, BININT2, BININT, BINFLOAT
_LIST_HEAD = b"\x80\x02]q\x00"  # after pack_uint(freq) in a Positions value: PROTO 2, EMPTY_LIST, BINPUT 0
_pack_int = struct.Struct("!i").pack  # StructFile.write_int
_LENGTHS: Any = None  # byte -> length (numpy)


def _build_modules() -> bool:
    """Import what the direct build uses (numpy; python-isal when installed) on first use: a
    search does not pay for them.  False without numpy (Whoosh's own writer is used then)."""
    global np, _LENGTHS, _deflate
    if np is None:
        try:
            import numpy
        except ImportError:  # pragma: no cover - numpy is a dependency
            return False
        _LENGTHS = numpy.array([_byte_to_length(b) for b in range(256)], numpy.int64)
        try:
            from isal.isal_zlib import compress
        except ImportError:  # a dependency; zlib (same format, ~3x the CPU) if it is missing
            pass
        else:
            _deflate = compress
        np = numpy
    return True


def _length_bytes(lengths: Any) -> Any:
    """``length_to_byte`` of each length (numpy)."""
    return np.minimum(np.searchsorted(_LENGTHS, lengths, "left"), 255).astype(np.uint8)


_RANKS: list[Any] = [0, None, None]


def _term_ranks() -> tuple[Any, Any]:
    """(term id -> rank of its term in UTF-8 byte order, the term table's order; rank -> term id)
    for the stems so far.  Older stems keep their relative order when stems are added."""
    n = len(_TERMS)
    if _RANKS[0] != n:
        order = np.array(sorted(range(n), key=lambda i: _TERMS[i].encode("utf-8")), np.uint32)
        ranks = np.empty(n, np.uint32)
        ranks[order] = np.arange(n, dtype=np.uint32)
        _RANKS[:] = [n, ranks, order]
    return _RANKS[1], _RANKS[2]


def _offsets(sizes: Any) -> Any:
    """0 and the running totals of ``sizes`` (len(sizes) + 1 values)."""
    out = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=out[1:])
    return out


def _stable_order(key: Any) -> Any:
    """``np.argsort(key, kind="stable")`` for integer keys 0 <= key < 2**32, by 16-bit keys
    (numpy sorts those with a radix sort, several times faster)."""
    if not len(key) or int(key.max()) < 65536:
        return np.argsort(key.astype(np.uint16), kind="stable")
    low = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
    return low[np.argsort((key[low] >> 16).astype(np.uint16), kind="stable")]


def _starts(key: Any) -> Any:
    """Indexes where the sorted ``key`` changes value (0 included)."""
    return np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))


def _int_sizes(v: Any) -> Any:
    """Bytes of the pickle opcode of each int 0 <= v < 2**31 (BININT1: 2, BININT2: 3, BININT: 5)."""
    return 2 + (v >= 256) + 2 * (v >= 65536)


def _put_ints(out: Any, at: Any, v: Any) -> None:
    """The pickle opcodes of the ints ``v`` (0 <= v < 2**31) at offsets ``at`` of ``out``."""
    b1, b2 = v >= 256, v >= 65536
    out[at] = np.where(b2, _J, np.where(b1, _M, _K))
    out[at + 1] = v & 255
    at1 = at[b1]
    out[at1 + 2] = (v[b1] >> 8) & 255
    at2, v2 = at[b2], v[b2]
    out[at2 + 3] = (v2 >> 16) & 255
    out[at2 + 4] = (v2 >> 24) & 255


def _put_bytes(out: Any, at: Any, rows: Any) -> None:
    """Row i of the byte matrix ``rows`` at ``out[at[i]:]``."""
    for k in range(rows.shape[1]):
        out[at + k] = rows[:, k]


def _be_bytes(v: Any, n: int) -> Any:
    """Big-endian ``n``-byte rows of the unsigned ints ``v``."""
    return v.astype(f">u{n}").view(np.uint8).reshape(-1, n)


class _TextField:
    """The postings of one stemmed text field of a segment (see above)."""

    def __init__(self, field: Any) -> None:
        self.boost = field.format.field_boost
        self.tok = array("I")  # term id of each token of the documents not grouped yet (0: dropped)
        self.docs = array("I")  # their doc numbers
        self.ntok = array("I")  # and token counts
        # per group: term ids and where their postings start; per posting its doc number and
        # frequency, and where its items start in ``items``; the items
        self.parts: list[tuple[Any, Any, Any, Any, Any, Any]] = []
        self.lengths: list[tuple[Any, Any]] = []  # per group: doc numbers, field lengths

    def add(self, docnum: int, text: str) -> None:
        if _ASCII_OK and text.isascii():
            tokens: list[Any] = _ascii_blanked(text).split()
            ids: dict[Any, int] = _ASCII_FORM_IDS
        else:
            tokens, ids = _tokens(text), _FORM_IDS
        if tokens:
            self.tok.extend(map(ids.__getitem__, tokens))
            self.docs.append(docnum)
            self.ntok.append(len(tokens))
            if len(self.tok) >= _GROUP_TOKENS:
                self.group()

    def group(self) -> None:
        """Group the pending tokens into postings."""
        if not self.docs:
            return
        tok = np.frombuffer(self.tok, np.uint32)
        ntok = np.frombuffer(self.ntok, np.uint32).astype(np.int64)
        docs = np.frombuffer(self.docs, np.uint32)
        self.tok, self.ntok, self.docs = array("I"), array("I"), array("I")
        kidx = np.flatnonzero(tok)  # raw index of each kept token
        ends = np.cumsum(ntok)
        kend = np.searchsorted(kidx, ends)
        kstart = np.concatenate(([0], kend[:-1]))
        kept = kend - kstart  # the field length of each document
        self.lengths.append((docs, kept))
        n = len(kidx)
        if not n:
            return
        has = kept > 0
        kd, ks = kept[has], kstart[has]
        p0 = kidx[ks] - (ends - ntok)[has]  # raw index of a document's first kept token
        terms = tok[kidx]
        del tok, kidx
        # Whoosh's stop filter: the first kept token keeps its raw position, the next ones follow it
        pos = np.arange(n, dtype=np.int64) - np.repeat(ks - p0, kd)
        dnum = np.repeat(docs[has], kd)
        order = _stable_order(_term_ranks()[0][terms])  # by term, in doc and position order
        terms, dnum, pos = terms[order], dnum[order], pos[order]
        del order
        new = np.empty(n, bool)
        new[0] = True
        np.not_equal(terms[1:], terms[:-1], out=new[1:])
        new[1:] |= dnum[1:] != dnum[:-1]
        starts = np.flatnonzero(new)
        freqs = np.diff(np.append(starts, n))
        deltas = pos.copy()
        deltas[1:] -= pos[:-1]
        deltas[starts] = pos[starts]  # a posting's first delta is its first position
        del pos, new
        isz = _int_sizes(deltas)
        size = isz
        if freqs.max() > _BATCH:  # pickle appends a list's items in batches of 1,000: "e(" between
            kin = np.arange(n) - np.repeat(starts, freqs)
            batch = np.flatnonzero((kin % _BATCH == _BATCH - 1) & (kin < np.repeat(freqs, freqs) - 1))
            size = isz.copy()
            size[batch] += 2
        off = _offsets(size)
        items = np.empty(int(off[-1]), np.uint8)
        _put_ints(items, off[:-1], deltas)
        if size is not isz:
            at = off[batch] + isz[batch]
            items[at] = ord("e")
            items[at + 1] = ord("(")
        terms = terms[starts]
        tstart = _starts(terms)
        self.parts.append((terms[tstart], np.append(tstart, len(starts)).astype(np.uint32), dnum[starts],
                           freqs.astype(np.uint16 if freqs.max() < 65536 else np.uint32),
                           off[np.append(starts, n)].astype(np.uint32), items))

    def field_lengths(self, ndocs: int) -> Any:
        """The field length of each of the segment's ``ndocs`` documents."""
        self.group()
        lengths = np.zeros(ndocs, np.int64)
        for docs, kept in self.lengths:
            lengths[docs] = kept
        return lengths

    def batches(self) -> Iterator[tuple[list[bytes], Any, Any, Any, Any]]:
        """The postings in term order, whole terms about ``_WRITE_POSTINGS`` postings at a time:
        (terms, index of each term's first posting, doc numbers, frequencies, (items length,
        items start, items) of each posting).  Each group is in term order: a batch takes its
        terms' slice of every group and merges them with a stable sort."""
        self.group()
        parts, self.parts = self.parts, []
        if not parts:
            return
        ranks, by_rank = _term_ranks()
        counts = np.zeros(len(ranks), np.int64)  # postings per term rank
        part_ranks = []
        for terms, tstart, *_ in parts:
            r = ranks[terms]
            part_ranks.append(r)
            counts[r] += np.diff(tstart)
        cum = np.cumsum(counts)
        cuts = np.unique(np.concatenate((
            [0], np.searchsorted(cum, np.arange(_WRITE_POSTINGS, int(cum[-1]), _WRITE_POSTINGS)) + 1, [len(ranks)])))
        where = [np.searchsorted(r, cuts) for r in part_ranks]  # each group's first term of each batch
        for k in range(len(cuts) - 1):
            keys, D, F, IL, IO, items = [], [], [], [], [], []
            base = 0
            for (_, tstart, docs, freqs, ioff, its), r, w in zip(parts, part_ranks, where):
                t0, t1 = w[k], w[k + 1]
                if t0 == t1:
                    continue
                a, b = int(tstart[t0]), int(tstart[t1])
                keys.append(np.repeat(r[t0:t1], np.diff(tstart[t0:t1 + 1])))
                D.append(docs[a:b])
                F.append(freqs[a:b])
                o = ioff[a:b + 1].astype(np.int64)
                IL.append(np.diff(o))
                IO.append(o[:-1] + (base - o[0]))
                items.append(its[o[0]:o[-1]])
                base += int(o[-1] - o[0])
            if not keys:
                continue
            key = np.concatenate(keys)
            perm = _stable_order(key)
            key = key[perm]
            ts = _starts(key)
            terms = [_TERMS[t].encode("utf-8") for t in by_rank[key[ts]].tolist()]
            yield (terms, ts, np.concatenate(D)[perm].astype(np.int64), np.concatenate(F)[perm].astype(np.int64),
                   (np.concatenate(IL)[perm], np.concatenate(IO)[perm], np.concatenate(items)))


def _comma_keywords(field: Any) -> bool:
    """The field's analyzer splits a value on commas and then only strips and lowercases each
    piece (KEYWORD(commas=True)): a value's terms are then those of its pieces, one each."""
    items = getattr(field.analyzer, "items", None)
    return (isinstance(items, list) and len(items) > 0 and type(items[0]) is RegexTokenizer
            and items[0].expression.pattern == "[^,]+" and not items[0].gaps
            and all(type(f) in (StripFilter, LowercaseFilter) for f in items[1:]))


class _SimpleField:
    """The postings of a field with the ``Existence`` or ``Frequency`` format (ids, keywords): per
    posting its term (a number), doc number and frequency."""

    def __init__(self, field: Any) -> None:
        self.field = field
        self.boost = field.format.field_boost
        self.freq_values = type(field.format) is Frequency  # values: pack_uint(freq); else none
        self.terms: list[bytes] = []
        self.ids: dict[bytes, int] = {}
        self.tids, self.docs, self.freqs = array("I"), array("I"), array("I")
        self.lengths = array("I") if field.scorable else None
        self.whole = type(field.analyzer) is IDTokenizer and not self.freq_values  # ID(): the value is the term
        self.pieces = _comma_keywords(field)
        self.cache: dict[str, tuple[list[int], list[int], int]] = {}  # value -> term ids, frequencies, length
        self.piece_ids: dict[str, int] = {}

    def _id(self, term: bytes) -> int:
        tid = self.ids.get(term)
        if tid is None:
            tid = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return tid

    def _index(self, value: str) -> tuple[list[int], list[int], int]:
        ids, freqs, length = [], [], 0
        for tbytes, freq, weight, _ in self.field.index(value):
            if weight != freq * self.boost:
                raise SitegenError(f"search index: unexpected weight {weight} for {tbytes!r}")
            ids.append(self._id(tbytes))
            freqs.append(freq)
            length += freq
        return ids, freqs, length

    def _piece_id(self, piece: str) -> int:
        tid = self.piece_ids.get(piece)
        if tid is None:
            ids, freqs, _ = self._index(piece)
            if len(ids) != 1 or freqs != [1]:
                raise SitegenError(f"search index: keyword {piece!r} does not make one term")
            tid = self.piece_ids[piece] = ids[0]
        return tid

    def add(self, docnum: int, value: Any) -> None:
        if value is None:
            if self.lengths is not None:
                self.lengths.append(0)
            return
        if self.whole and type(value) is str:
            ids, freqs, length = [self._id(value.encode("utf-8"))], [1], 1
        else:
            hit = self.cache.get(value) if type(value) is str else None
            if hit is None:
                if self.pieces and type(value) is str:
                    counts = Counter(map(self._piece_id, filter(None, value.split(","))))
                    hit = list(counts), list(counts.values()), sum(counts.values())
                else:
                    hit = self._index(value)
                if type(value) is str:
                    self.cache[value] = hit
            ids, freqs, length = hit
        if ids:
            self.tids.extend(ids)
            self.docs.extend(repeat(docnum, len(ids)))
            self.freqs.extend(freqs)
        if self.lengths is not None:
            self.lengths.append(length)

    def field_lengths(self, ndocs: int) -> Any:
        return np.frombuffer(self.lengths, np.uint32).astype(np.int64)

    def batches(self) -> Iterator[tuple[list[bytes], Any, Any, Any, Any]]:
        if not self.tids:
            return
        order = np.array(sorted(range(len(self.terms)), key=self.terms.__getitem__), np.int64)
        ranks = np.empty(len(order), np.int64)
        ranks[order] = np.arange(len(order))
        key = ranks[np.frombuffer(self.tids, np.uint32)]
        perm = _stable_order(key)  # documents were added in order
        key = key[perm]
        ts = _starts(key)
        terms = [self.terms[t] for t in order[key[ts]].tolist()]
        D = np.frombuffer(self.docs, np.uint32)[perm].astype(np.int64)
        F = np.frombuffer(self.freqs, np.uint32)[perm].astype(np.int64)
        yield terms, ts, D, F, "freq" if self.freq_values else None


def _write_blocks(fw: Any, boost: float, lim: int, length_bytes: Any, terms: list[bytes], ts: Any, D: Any, F: Any,
                  values: Any) -> None:
    """Write the postings of ``terms`` (between ``fw.start_field`` and ``fw.finish_field``): doc
    numbers ``D`` and frequencies ``F`` (the weight is ``F * boost``), term t's from ``ts[t]`` on,
    in blocks of ``lim``.  ``values``: (items length, items start, items) per posting for
    ``Positions``; "freq" for ``Frequency``; None for ``Existence``.  ``length_bytes``: each
    document's field length byte, None when the field is not scorable."""
    n = len(D)
    tn = np.diff(np.append(ts, n))  # postings per term
    bflag = np.arange(n) - np.repeat(ts, tn)  # index of a posting in its term
    bflag = bflag % lim == 0
    bs = np.flatnonzero(bflag)  # first posting of each block
    bn = np.diff(np.append(bs, n))  # postings per block
    bid = np.cumsum(bflag) - 1  # block of each posting
    jb = np.arange(n) - bs[bid]  # index of a posting in its block
    del bflag
    # ids: doc-number deltas, the block's first one absolute
    iv = D.copy()
    iv[1:] -= D[:-1]
    iv[bs] = D[bs]
    isz = _int_sizes(iv)
    # weights: None (all 1.0), one float (all equal) or a tuple of floats (Whoosh's mini_weights)
    W = (F * boost).astype(np.float32)
    same = np.minimum.reduceat(F, bs) == np.maximum.reduceat(F, bs)
    wmax = np.maximum.reduceat(W, bs)
    none = same & (wmax == 1.0)
    # in a tuple, a float is written once per block (BINFLOAT, BINPUT freq) and then fetched
    # (BINGET freq): frequencies below 256 are the memo keys
    tup = ~same
    pt = np.flatnonzero(tup[bid])  # the postings of the tuple blocks
    pb, ptf = bid[pt], F[pt]
    memo = np.flatnonzero(ptf < 256)
    first = np.ones(len(pt), bool)  # the first posting of its frequency in its block
    first[memo] = False
    first[memo[np.unique(pb[memo] * 256 + ptf[memo], return_index=True)[1]]] = True
    psz = np.where(first, np.where(ptf < 256, 11, 9), 2)
    wsz = np.where(none, 1, 9)
    if len(pt):
        wsz[tup] = 2 + np.add.reduceat(psz, np.searchsorted(pt, bs[tup]))
    # values
    if type(values) is tuple:  # a tuple of BINBYTES / SHORT_BINBYTES: pack_uint(freq) + pickled deltas
        IL, IO, items = values
        multi = F >= 2
        vlen = 11 + multi + IL
        short = vlen < 256
        vsz = vlen + np.where(short, 2, 5)
        vpart = 2 + np.add.reduceat(vsz, bs)  # MARK ... TUPLE
    elif values == "freq":  # the pack_uint(freq) joined, as one bytes
        flen = 4 * bn
        fhead = np.where(flen < 256, 2, 5)
        vpart = fhead + flen
    else:
        vpart = 1  # None
    idsum = np.add.reduceat(isz, bs)
    bb = _offsets(3 + idsum + 1 + wsz + vpart + 2)  # PROTO, MARK, ids, TUPLE, weights, values, TUPLE3, STOP
    out = np.empty(int(bb[-1]), np.uint8)
    base = bb[:-1]
    out[base] = 0x80
    out[base + 1] = 5
    out[base + 2] = ord("(")
    icum = _offsets(isz)
    _put_ints(out, (base + 3 - icum[bs])[bid] + icum[:-1], iv)
    wb = base + 3 + idsum
    out[wb] = ord("t")
    wb += 1
    out[wb[none]] = ord("N")
    one = np.flatnonzero(same & ~none)
    out[wb[one]] = _G
    _put_bytes(out, wb[one] + 1, W[bs[one]].astype(">f8").view(np.uint8).reshape(-1, 8))
    out[wb[tup]] = ord("(")
    out[wb[tup] + wsz[tup] - 1] = ord("t")
    pcum = _offsets(psz)
    at = (wb + 1)[pb] + pcum[:-1] - pcum[np.searchsorted(pt, bs)[pb]]  # each weight's opcode
    f = np.flatnonzero(first)
    out[at[f]] = _G
    _put_bytes(out, at[f] + 1, W[pt[f]].astype(">f8").view(np.uint8).reshape(-1, 8))
    fm = f[ptf[f] < 256]
    out[at[fm] + 9] = ord("q")  # BINPUT
    out[at[fm] + 10] = ptf[fm]
    g = np.flatnonzero(~first)
    out[at[g]] = ord("h")  # BINGET
    out[at[g] + 1] = ptf[g]
    vb = wb + wsz
    if type(values) is tuple:
        out[vb] = ord("(")
        vcum = _offsets(vsz)
        vat = (vb + 1 - vcum[bs])[bid] + vcum[:-1]  # each posting's value opcode
        out[vat] = np.where(short, ord("C"), ord("B"))
        out[vat[short] + 1] = vlen[short]
        lng = ~short
        _put_bytes(out, vat[lng] + 1, vlen[lng].astype("<u4").view(np.uint8).reshape(-1, 4))
        h = vat + np.where(short, 2, 5)
        _put_bytes(out, h, _be_bytes(F, 4))
        _put_bytes(out, h + 4, np.broadcast_to(np.frombuffer(_LIST_HEAD, np.uint8), (n, 5)))
        out[h[multi] + 9] = ord("(")
        ist = h + 9 + multi  # the position items
        tot = int(IL.sum())
        rel = _offsets(IL)[:-1]
        ar = np.arange(tot)
        out[ar + np.repeat(ist - rel, IL)] = items[ar + np.repeat(IO - rel, IL)]
        del ar
        fo = ist + IL
        out[fo] = np.where(multi, ord("e"), ord("a"))  # APPENDS / APPEND, STOP
        out[fo + 1] = ord(".")
        out[bb[1:] - 3] = ord("t")
    elif values == "freq":
        small = flen < 256
        out[vb] = np.where(small, ord("C"), ord("B"))
        out[vb[small] + 1] = flen[small]
        _put_bytes(out, vb[~small] + 1, flen[~small].astype("<u4").view(np.uint8).reshape(-1, 4))
        _put_bytes(out, (vb + fhead)[bid] + 4 * jb, _be_bytes(F, 4))
    else:
        out[vb] = ord("N")
    out[bb[1:] - 2] = 0x87  # TUPLE3
    out[bb[1:] - 1] = ord(".")
    # block infos and term statistics
    if length_bytes is not None:
        lb = length_bytes[D]
        bminb, bmaxb = np.minimum.reduceat(lb, bs).tolist(), np.maximum.reduceat(lb, bs).tolist()
        tminl = _LENGTHS[np.minimum.reduceat(lb, ts)].tolist()
        tmaxl = _LENGTHS[np.maximum.reduceat(lb, ts)].tolist()
    else:  # Whoosh: min length None, max length 0
        bminb = bmaxb = [0] * len(bs)
        tminl, tmaxl = [None] * len(ts), [0] * len(ts)
    tweight = np.add.reduceat(W.astype(np.float64), ts).tolist()
    tmaxw = np.maximum.reduceat(W, ts).astype(np.float64).tolist()
    tminid, tmaxid = D[ts].tolist(), D[ts + tn - 1].tolist()
    infos = list(zip(bn.tolist(), D[bs + bn - 1].tolist(), wmax.astype(np.float64).tolist(), bminb, bmaxb))
    bounds = bb.tolist()
    tbl = np.append(np.searchsorted(bs, ts), len(bs)).tolist()  # each term's first block
    tnl = tn.tolist()
    mv = memoryview(out)
    level = BLOCK_LEVEL
    compress, minc, dumps, pack_int = _deflate, _MIN_COMPRESS, _dumps, _pack_int
    for t, term in enumerate(terms):
        fw.start_term(term)
        pw = fw._postwriter
        chunks = [WHOOSH3_HEADER_MAGIC]
        b0, b1 = tbl[t], tbl[t + 1]
        for b in range(b0, b1):
            data = mv[bounds[b]:bounds[b + 1]]
            if level and len(data) >= minc:
                data, comp = compress(data, level), level
            else:
                comp = 0
            cnt, last, maxw, mnb, mxb = infos[b]
            info = dumps((cnt, last, maxw, comp, mnb, mxb), 2)
            size = len(info) + len(data)
            chunks += (pack_int(-size if b == b1 - 1 else size), info, data)
        pw._postfile.write(b"".join(chunks))
        pw._blockcount = b1 - b0
        ti = pw._terminfo  # what W3TermInfo.add_block gathers from the blocks
        ti._weight, ti._df, ti._maxweight = tweight[t], tnl[t], tmaxw[t]
        ti._minlength, ti._maxlength = tminl[t], tmaxl[t]
        ti._minid, ti._maxid = tminid[t], tmaxid[t]
        fw.finish_term()


def _direct_build_ok(writer: Any, sch: Schema) -> bool:
    """The direct path writes Whoosh's own ``whoosh3`` posting blocks; use it only with that codec
    and with fields that need nothing else (no spelling words, vectors, columns)."""
    if not _build_modules() or type(writer.fieldwriter) is not W3FieldWriter or not hasattr(writer.codec, "postings_writer"):
        return False
    pw = writer.codec.postings_writer(None)
    if type(pw) is not W3PostingsWriter or not all(
        hasattr(pw, a) for a in ("_blocklimit", "_inlinelimit", "_terminfo", "_postfile", "_blockcount")
    ) or pw._inlinelimit > 1:
        return False
    perdoc = writer.perdocwriter
    if not all(hasattr(perdoc, a) for a in ("_fieldlengths", "_has_column", "_create_column", "_get_column")):
        return False
    for _, f in sch.items():
        if f.separate_spelling() or f.vector or f.column_type:
            return False
        if f.indexed and not _is_stemmed(f) and type(f.format) not in (Existence, Frequency):
            return False  # e.g. Whoosh's own TEXT fields
    return True


def _is_stemmed(field: Any) -> bool:
    return isinstance(field, StemmedText) and type(field.format) is Positions and bool(field.scorable)


class _DirectSegment:
    """Fills one SegmentWriter's new segment: stored fields through its per-document writer as
    ``add_document`` does; postings and field lengths collected and written at the flush."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer
        sch = writer.schema
        self.fields = [(name, sch[name]) for name in sorted(sch.names())]
        self.text = [(name, _TextField(f)) for name, f in self.fields if _is_stemmed(f)]
        self.simple = [(name, _SimpleField(f)) for name, f in self.fields if f.indexed and not _is_stemmed(f)]
        self.indexed = dict(self.text + self.simple)  # type: ignore[operator]
        self.stored = [name for name, f in self.fields if f.stored]
        stored = writer.perdocwriter._colwriters.get("_stored")
        child = getattr(stored, "_child", None)
        if child is not None and hasattr(child, "_level") and hasattr(child, "_compress"):
            child._level, child._compress = STORED_LEVEL, _deflate  # zlib streams: any level reads back the same
        writer._flush_segment = self.flush

    def add(self, doc: SearchDoc) -> None:
        writer = self.writer
        values = _fields(doc)
        docnum = writer.docnum
        for name, text in self.text:
            value = values.get(name)
            if value:
                text.add(docnum, value)
        for name, simple in self.simple:
            simple.add(docnum, values.get(name))
        # what perdoc.add_field and finish_doc do with the stored values (lengths: at the flush)
        perdoc = writer.perdocwriter
        perdoc.start_doc(docnum)
        stored = {name: values[name] for name in self.stored if values.get(name) is not None}
        if stored:
            perdoc.add_column_value("_stored", STORED_COLUMN, stored)
        perdoc.finish_doc()
        writer._added = True
        writer.docnum += 1

    def _write_lengths(self) -> dict[str, Any]:
        """Each scorable field's length column and total length, as ``perdoc.add_field`` would
        have written them; returns each field's length bytes per document."""
        perdoc = self.writer.perdocwriter
        out = {}
        for name, field in self.fields:
            if not field.scorable or name not in self.indexed:
                continue
            lengths = self.indexed[name].field_lengths(self.writer.docnum)
            out[name] = lb = _length_bytes(lengths)
            nonzero = np.flatnonzero(lengths)
            if len(nonzero):
                perdoc._fieldlengths[name] += int(lengths.sum())
                column = _lenfield(name)
                if not perdoc._has_column(column):
                    perdoc._create_column(column, LENGTHS_COLUMN)
                col = perdoc._get_column(column)
                if type(col) is NumericColumn.Writer and getattr(col, "_count", None) == 0 and \
                        getattr(col, "_defaultbytes", None) == b"\0" and hasattr(col, "_dbfile"):
                    # what add() per document writes: a byte per document up to the last non-zero one
                    end = int(nonzero[-1]) + 1
                    col._dbfile.write(lb[:end].tobytes())
                    col._count = end
                else:
                    deque(map(col.add, nonzero.tolist(), lb[nonzero].tolist()), 0)
        return out

    def flush(self) -> None:
        """``SegmentWriter._flush_segment`` with the collected postings."""
        writer = self.writer
        length_bytes = self._write_lengths()
        writer.perdocwriter.close()
        fw = writer.fieldwriter
        for name, field in self.fields:
            collected = self.indexed.get(name)
            if collected is None:
                continue
            started = False
            for terms, ts, D, F, values in collected.batches():
                if not started:
                    fw.start_field(name, field)
                    started = True
                _write_blocks(fw, collected.boost, fw._postwriter._blocklimit, length_bytes.get(name), terms, ts, D, F, values)
            if started:
                fw.finish_field()
        fw.close()


@lru_cache(maxsize=200_000)
def stem_of(form: str) -> str:
    """The index term Whoosh's StemmingAnalyzer makes of one lowercase word form."""
    return _porter_stem(form)


def analyze(text: str) -> Iterator[tuple[str, str, int]]:
    """(word form, index term, position) per indexed token, exactly as Whoosh indexes ``text``.

    Positions count stop words (Whoosh does not renumber), so two tokens are adjacent
    for a phrase query only when their positions differ by one.
    """
    tokens = _ANALYZER[0](text, positions=True)  # type: ignore[index]
    pos = -1
    for tok in tokens:
        pos += 1
        form = tok.text.lower()
        if len(form) < MIN_SIZE or form in STOP_WORDS:
            continue
        yield form, stem_of(form), pos


def _fields(doc: SearchDoc) -> dict[str, object]:
    f: dict[str, object] = {
        "id": doc.id,
        "path": doc.url,
        "title": doc.title,
        "case": (doc.case_number or "").lower(),
        "request": "\n".join(doc.requests),
        "content": doc.text,
    }
    for facet in FACETS:
        f[facet] = ",".join(doc.facets.get(facet, ()))
    return f


#: From this many documents the index is built as two segments, in two processes (see :func:`build`).
PARALLEL_MIN_DOCS = 5000


def _procs(procs: int | None, ndocs: int) -> int:
    if procs is not None:
        return max(1, min(procs, ndocs or 1))
    if ndocs < PARALLEL_MIN_DOCS or not can_fork():
        return 1
    return max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def _segment_writer(ix: index.Index, lock: bool) -> Any:
    # compound=False: the segment's files stay as they are written (no copy into one file)
    return ix.writer(compound=False) if lock else SegmentWriter(ix, _lk=False, compound=False)


def _fill(writer: Any, docs: Sequence[SearchDoc]) -> None:
    """Add ``docs`` to a new segment's writer: directly when the codec allows, else one by one."""
    if _direct_build_ok(writer, writer.schema):
        seg = _DirectSegment(writer)
        for doc in docs:
            seg.add(doc)
    else:
        for doc in docs:
            writer.add_document(**_fields(doc))


def _child_segment(path: str, docs: Sequence[SearchDoc]) -> Any:
    """In a forked process (:class:`sitegen.forked.Forked`): write ``docs`` as one more segment
    of the index at ``path``; returns the segment object, which the parent lists in the TOC."""
    global _TERMS_LOCK
    _TERMS_LOCK = threading.Lock()  # in case another thread of the parent held it at the fork
    writer = _segment_writer(index.open_dir(path), lock=False)
    _fill(writer, docs)
    return writer._finalize_segment()


def build(docs: Sequence[SearchDoc], index_dir: Path, procs: int | None = None) -> int:
    """(Re)create the Whoosh index in ``index_dir`` (built in a sibling temp folder, then swapped).

    ``procs`` segments are written at the same time, each by its own process (forked, so the
    documents are not copied); default: 2 from :data:`PARALLEL_MIN_DOCS` documents on when two
    cores are available, else 1.  Whoosh searches several segments as one index (doc numbers
    follow the segment order, so they are those of a one-segment build).
    """
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".whoosh-", dir=index_dir.parent))
    nproc = _procs(procs, len(docs))
    try:
        ix = index.create_in(str(tmp), schema())
        cuts = [len(docs) * k // nproc for k in range(nproc + 1)]
        children = []
        if nproc > 1:  # forked before this process opens its writer: the children inherit no open segment file
            children = [Forked(_child_segment, str(tmp), docs[lo:hi], what=f"{index_dir}: a Whoosh segment process")
                        for lo, hi in zip(cuts[1:-1], cuts[2:])]
        writer = None
        try:
            writer = _segment_writer(ix, lock=True)
            _fill(writer, docs[: cuts[1]])
            segments = [writer._finalize_segment()] if writer._added else []
            for child in children:
                try:
                    segments.append(child.result())
                except SitegenError:  # the process died: the message names it
                    raise
                except Exception as err:  # noqa: BLE001 - the child's error, as one line
                    raise SitegenError(f"building the search index failed: {type(err).__name__}: {err}") from None
        except BaseException:
            for child in children:
                child.kill()
            if writer is not None:
                writer.cancel()
            raise
        if not writer._added:
            writer._close_segment()
        writer._commit_toc(segments)
        writer._finish()
        if index_dir.exists():
            shutil.rmtree(index_dir)
        tmp.rename(index_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return len(docs)


def update(changed: Sequence[SearchDoc], removed_ids: Sequence[str], index_dir: Path) -> None:
    """Add/replace ``changed`` and delete ``removed_ids`` in an existing index."""
    ix = _open(Path(index_dir))
    writer = ix.writer()
    for doc_id in removed_ids:
        writer.delete_by_term("id", doc_id)
    for doc in changed:
        writer.update_document(**_fields(doc))
    writer.commit()


def _open(index_dir: Path) -> index.Index:
    if not index.exists_in(str(index_dir)):
        raise SitegenError(f"{index_dir}: no search index here; run 'sitegen build' first (or pass --index)")
    try:
        return index.open_dir(str(index_dir))
    except Exception as err:  # a corrupt or foreign folder
        raise SitegenError(f"{index_dir}: cannot open the search index ({err}); rebuild with 'sitegen build'") from err


@dataclass(frozen=True)
class Hit:
    id: str
    path: str
    title: str
    score: float
    snippet: str
    decision: tuple[str, ...]
    procedure: tuple[str, ...]


def parse_query(text: str, sch: Schema | None = None) -> Query:
    """Parse a Whoosh query; unknown fields and syntax errors raise :class:`SitegenError`."""
    sch = sch or schema()
    if not text.strip():
        raise SitegenError("empty search query")
    parser = MultifieldParser(list(DEFAULT_FIELDS), sch)
    try:
        q = parser.parse(text)
    except (QueryParserError, ValueError) as err:
        raise SitegenError(f"bad query {text!r}: {err}") from err
    names = set(sch.names())
    for term in q.iter_all_terms() if hasattr(q, "iter_all_terms") else []:
        if term[0] not in names:
            raise SitegenError(f"bad query {text!r}: unknown field {term[0]!r}")
    _check_fields(text, names)
    if q.is_empty() if hasattr(q, "is_empty") else False:
        raise SitegenError(f"query {text!r} has no searchable words (only stop words?)")
    return q


def _check_fields(text: str, names: set[str]) -> None:
    """Whoosh silently searches ``foo:bar`` as text when ``foo`` is not a field; say so instead."""
    import re

    for m in re.finditer(r'(?:^|[\s(])([A-Za-z_]+):(?=\S)', _strip_phrases(text)):
        if m.group(1) not in names:
            fields = ", ".join(sorted(n for n in names if n not in ("path", "title")))
            raise SitegenError(f"bad query {text!r}: unknown field {m.group(1)!r} (fields: {fields})")


def _strip_phrases(text: str) -> str:
    import re

    return re.sub(r'"[^"]*"', " ", text)


class _Marker(highlight.Formatter):
    def format_token(self, text: str, token: object, replace: bool = False) -> str:  # type: ignore[override]
        return "**" + highlight.get_text(text, token, replace) + "**"


def search(index_dir: Path, text: str, limit: int = 10) -> tuple[int, list[Hit]]:
    """Run a query; returns (total hits, the first ``limit`` hits with snippets)."""
    ix = _open(Path(index_dir))
    q = parse_query(text, ix.schema)
    with ix.searcher() as s:
        results = s.search(q, limit=max(1, limit), terms=True)
        results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        results.formatter = _Marker()
        hits = []
        for r in results[:limit]:
            snippet = r.highlights("content", top=2) or r.highlights("request") or r["content"][:200]
            hits.append(
                Hit(
                    id=r["id"],
                    path=r["path"],
                    title=r["title"],
                    score=float(r.score or 0.0),
                    snippet=" ".join(snippet.split()),
                    decision=tuple(filter(None, r.get("decision", "").split(","))),
                    procedure=tuple(filter(None, r.get("procedure", "").split(","))),
                )
            )
        return len(results), hits


def doc_count(index_dir: Path) -> int:
    return _open(Path(index_dir)).doc_count()
