"""The Whoosh index: the ONLY module that imports whoosh.

Also owns the text analysis both indexes share (:func:`analyze`, :func:`stem_of`), so the
browser's term dictionary is produced by exactly the analyzer Whoosh uses.
"""

from __future__ import annotations

import re
import shutil
from array import array
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Sequence

from whoosh import highlight, index
from whoosh.analysis import StemmingAnalyzer, StopFilter
from whoosh.compat import dumps as _dumps
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.lang.porter import stem as _porter_stem
from whoosh.system import pack_uint as _pack_uint
from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.qparser import MultifieldParser, QueryParserError
from whoosh.query import Query, Term

from sitegen.errors import SitegenError
from sitegen.search.documents import FACETS, SearchDoc

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


#: Whoosh's tokenizer pattern without capturing groups (``findall`` returns whole tokens),
#: and an ASCII-flag copy for ASCII text (the same tokens, a faster scan).
_TOKEN_RE = re.compile(TOKEN_PATTERN.replace("(?:", "(").replace("(", "(?:"))
_TOKEN_ASCII = re.compile(_TOKEN_RE.pattern, re.ASCII)
#: Tokens the StopFilter drops, plus every one-character ASCII token when that is below MIN_SIZE.
_DROP_ASCII = STOP_WORDS | {chr(c) for c in range(128)} if MIN_SIZE == 2 else STOP_WORDS


class _StemCache(dict[str, str]):
    def __missing__(self, form: str) -> str:
        stem = self[form] = _porter_stem(form)
        return stem


_STEMS = _StemCache()


def index_terms(text: str, field_boost: float = 1.0) -> list[tuple[bytes, int, float, bytes]]:
    """What ``TEXT(analyzer=StemmingAnalyzer()).index(text)`` yields, computed in bulk.

    Whoosh runs a generator chain per token (tokenizer, lowercase, stop filter, LRU-cached
    stemmer) and a Python loop per posting; this does one C-level regex scan, a dict lookup
    per token and one list per term.  Same terms, frequencies, weights and encoded positions
    (the stop filter's renumbering: the first kept token keeps its raw position, the others
    follow it one by one); ``tests/test_search_whoosh.py`` compares the two.
    """
    if text.isascii():
        toks = _TOKEN_ASCII.findall(text.lower())
        drop = _DROP_ASCII
        kept = [t for t in toks if t not in drop]
    else:
        toks = [t.lower() for t in _TOKEN_RE.findall(text)]
        drop = STOP_WORDS
        kept = [t for t in toks if len(t) >= MIN_SIZE and t not in drop]
    if not kept:
        return []
    first = kept[0]
    p0 = next(i for i, t in enumerate(toks) if t == first)
    poses: dict[str, list[int]] = {}
    for pos, stem in enumerate(map(_STEMS.__getitem__, kept), p0):
        pl = poses.get(stem)
        if pl is None:
            poses[stem] = [pos]
        else:
            pl.append(pos)
    once = _ONCE
    out = []
    for stem, pl in poses.items():
        n = len(pl)
        if n == 1:
            vbytes = once.get(pl[0])
            if vbytes is None:
                vbytes = once[pl[0]] = _pack_uint(1) + _dumps(pl, 2)
        else:
            vbytes = _pack_uint(n) + _dumps([b - a for a, b in zip([0, *pl], pl)], 2)
        out.append((stem.encode("utf-8"), n, float(n) * field_boost, vbytes))
    return out


#: Encoded value of a term seen once, at position p (most terms of a letter).
_ONCE: dict[int, bytes] = {}


class StemmedText(TEXT):
    """A TEXT field with the StemmingAnalyzer and positions whose ``index()`` is
    :func:`index_terms` (queries and highlighting use the analyzer as usual)."""

    def __init__(self, stored: bool = False, field_boost: float = 1.0) -> None:
        super().__init__(analyzer=StemmingAnalyzer(), stored=stored, field_boost=field_boost)

    def index(self, value, **kwargs):  # type: ignore[no-untyped-def, override]
        if kwargs or not isinstance(value, str) or type(self.format) is not Positions:
            return super().index(value, **kwargs)
        return index_terms(value, self.format.field_boost)


class _Postings:
    """One term's postings, compactly: doc numbers, weights and the encoded values
    concatenated (``ends[i]`` is where posting ``i``'s value ends in ``buf``)."""

    __slots__ = ("docs", "weights", "ends", "buf")

    def __init__(self) -> None:
        self.docs = array("I")
        self.weights = array("f")
        self.ends = array("I")
        self.buf = bytearray()


def _direct_build_ok(writer: Any, sch: Schema) -> bool:
    """The direct path fills the blocks of Whoosh's own ``whoosh3`` posting writer; use it only
    with that codec and with fields that need nothing else (no spelling words, vectors, columns)."""
    if type(writer.fieldwriter) is not W3FieldWriter or not hasattr(writer.codec, "postings_writer"):
        return False
    pw = writer.codec.postings_writer(None)
    if type(pw) is not W3PostingsWriter or not all(hasattr(pw, a) for a in ("_blocklimit", "_new_block", "_write_block", "_inlinelimit")):
        return False
    return not any(f.separate_spelling() or f.vector or f.column_type for _, f in sch.items())


def _add_documents_direct(writer: Any, sch: Schema, docs: Sequence[SearchDoc]) -> dict[str, dict[bytes, _Postings]]:
    """What ``writer.add_document`` does for each doc (stored fields and lengths go to the
    per-document writer), but postings are collected per term instead of through Whoosh's
    sorting pool, so they need no sort and no per-posting calls when written."""
    store: dict[str, dict[bytes, _Postings]] = {}
    perdoc = writer.perdocwriter
    fields = {name: sch[name] for name in sch.names()}
    for doc in docs:
        values = _fields(doc)
        docnum = writer.docnum
        perdoc.start_doc(docnum)
        for name in sorted(values):
            value = values[name]
            field = fields[name]
            length = 0
            if field.indexed:
                terms = store.get(name)
                if terms is None:
                    terms = store[name] = {}
                scorable = field.scorable
                for tbytes, freq, weight, vbytes in field.index(value):
                    if scorable:
                        length += freq
                    post = terms.get(tbytes)
                    if post is None:
                        post = terms[tbytes] = _Postings()
                    post.docs.append(docnum)
                    post.weights.append(weight)
                    buf = post.buf
                    buf += vbytes
                    post.ends.append(len(buf))
            perdoc.add_field(name, field, value if field.stored else None, length)
        perdoc.finish_doc()
        writer._added = True
        writer.docnum += 1
    return store


def _write_postings(writer: Any, sch: Schema, lengths: Any, store: dict[str, dict[bytes, _Postings]]) -> None:
    """Write the collected postings field by field, term by term (bytes order, as Whoosh's pool
    yields them), filling the posting writer's blocks a block at a time exactly as
    ``add_posting`` would fill them one posting at a time."""
    fw = writer.fieldwriter
    for name in sorted(store):
        field = sch[name]
        fw.start_field(name, field)
        col = [lengths.doc_field_length(d, name) for d in range(writer.docnum)] if lengths else None
        terms = store[name]
        for tbytes in sorted(terms):
            post = terms.pop(tbytes)
            fw.start_term(tbytes)
            pw = fw._postwriter
            lim = pw._blocklimit
            buf = bytes(post.buf)
            ends = post.ends
            n = len(post.docs)
            for at in range(0, n, lim):
                if at:
                    pw._write_block()
                stop = min(at + lim, n)
                ids = post.docs[at:stop]
                pw._ids.extend(ids)
                weights = post.weights[at:stop]
                pw._weights.extend(weights)
                starts = ends[at - 1] if at else 0
                pw._values.extend([buf[a:b] for a, b in zip([starts, *ends[at:stop - 1]], ends[at:stop])])
                pw._maxweight = max(0, max(weights))
                if col is not None:
                    lens = [col[d] for d in ids if col[d]]
                    if lens:
                        pw._minlength, pw._maxlength = min(lens), max(lens)
            fw.finish_term()
        fw.finish_field()


class _Lengths:
    """The segment's per-document reader, but each field's lengths are read once (as a list)
    instead of through a column lookup per posting when the postings are written."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._cols: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        col = self._cols.get(fieldname)
        if col is None:
            get = self._reader.doc_field_length
            col = self._cols[fieldname] = [get(d, fieldname, default) for d in range(self._reader.doc_count_all())]
        return col[docnum] if docnum < len(col) else default

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


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


def build(docs: Sequence[SearchDoc], index_dir: Path, procs: int = 1) -> int:
    """(Re)create the Whoosh index in ``index_dir`` (built in a sibling temp folder, then swapped)."""
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".whoosh-", dir=index_dir.parent))
    try:
        ix = index.create_in(str(tmp), schema())
        kwargs = {"procs": procs, "limitmb": 256, "multisegment": True} if procs > 1 else {"limitmb": 256}
        writer = ix.writer(**kwargs)
        sch = ix.schema
        if procs <= 1 and _direct_build_ok(writer, sch):
            store = _add_documents_direct(writer, sch, docs)

            def flush() -> None:  # SegmentWriter._flush_segment, with the collected postings
                writer.perdocwriter.close()
                pdr = writer.per_document_reader() if writer.codec.length_stats else None
                _write_postings(writer, sch, _Lengths(pdr) if pdr else None, store)
                writer.fieldwriter.close()
                if pdr:
                    pdr.close()

            writer._flush_segment = flush
        else:
            for doc in docs:
                writer.add_document(**_fields(doc))
        writer.commit()
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
