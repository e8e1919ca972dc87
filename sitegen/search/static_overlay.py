"""Incremental updates of the static index: a small overlay the browser merges with the main index.

Rewriting the main index for one letter would touch about a thousand shards at 100,000 letters
(every letter holds the common words) and read a state of hundreds of MB.  Instead an update
writes only the letter's fragment and a few overlay files under ``site/search/o/``:

- ``o/x.js``       doc numbers no longer live (``del``: number -> facet values, so precomputed
                   facet counts can be corrected), the overlay letters' facet values (``add``) and
                   labels of facet values the main index does not know; a letter's facet values
                   are indexes into ``fv``, the overlay's ``[facet, value]`` pairs (a tenth of
                   the bytes of ``{facet: [values]}``: every query loads this file).
- ``o/d/<c>.js``   per first character: the overlay letters' word forms starting with it -> stem
                   (``w``); ``meta.js``'s ``od`` lists these characters, so the client asks only
                   for files that exist (no 404s) and finds new words' shards without key lists.
- ``o/p/<h>.js``   the overlay postings ``[[doc, impact], ...]`` of stems (``p``), in ``o/x``'s
                   ``op`` shards by FNV-1a hash of the stem (~3 KB each; ``ph`` lists the files
                   written, so the client asks for no missing file).
- ``o/b/<h>.js``   the same for stem pairs ``"stemA stemB"`` (``b``; ``ob`` shards, ``bh``): a
                   word query loads no pairs, a phrase only its pairs' shards.

``meta.js`` gains ``"o": 1`` and ``od`` (the client then loads ``o/x`` and the ``o/d`` file of
each query word's first character in round 1, and the ``o/p`` files of its stems with the postings in round 2) and the new doc count.  A changed letter gets a new
doc number (its old one is listed in ``del``); an added one the next free number.  When the
overlay holds more than :func:`fold_limit` letters it is folded into the main index
(:func:`sitegen.search.static_index.apply`) and removed; a full build also starts without one.
Folding in rewrites about a thousand shards and costs about as much as the archive is large
(~10 s CPU at 10,000 letters, ~64 s at 100,000), so the limit grows with the archive: a curator
saving letters under ``sitegen serve`` meets one fold-in per ``fold_limit`` saves, not one per
40 (``update(fold=False)`` defers it up to ``OVERLAY_MAX`` letters).
"""

from __future__ import annotations

import base64
import gzip
import json
import pickle
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from sitegen.search import static_index as si
from sitegen.search.documents import SearchDoc

MAX_DOCS = 40
"""Overlay letters (added, removed; a changed one counts twice, old and new) beyond which an update folds into the main index,
at archives of up to ``MAX_DOCS * FOLD_SHARE`` letters."""
FOLD_SHARE = 100
"""Larger archives fold in past one overlay letter in ``FOLD_SHARE`` live letters ..."""
OVERLAY_MAX = 200
"""... and always past this many (the overlay files a query loads grow with the overlay)."""


ROW_BYTES = 12
"""Estimated bytes of one overlay posting ``[doc,impact],`` (sizes the ``o/p`` and ``o/b`` shards)."""
SHARD_BYTES = 3_000
"""Target size of an ``o/p`` / ``o/b`` shard (hashing is uneven: the largest are about twice that)."""


def fold_limit(live: int) -> int:
    """Overlay letters beyond which an update folds the overlay into the main index."""
    return min(OVERLAY_MAX, max(MAX_DOCS, live // FOLD_SHARE))


@dataclass
class Overlay:
    base: int
    """Doc numbers of the main index."""
    n: int
    """Doc numbers including the overlay's."""
    nfiles: int
    """Files of the whole static index."""
    docs: dict[int, SearchDoc] = field(default_factory=dict)
    """Overlay doc number -> letter."""
    gone: dict[int, SearchDoc] = field(default_factory=dict)
    """Main doc number no longer live -> the letter as the main index holds it."""
    keys: set[str] = field(default_factory=set)
    """Overlay files written (names without ``.js``)."""


def _load(path: Path) -> Any:
    with path.open("rb") as fh:
        data = pickle.load(fh)
    if data.get("format") != si.FORMAT:
        raise KeyError("format")
    return data


def _ghost(root: Path, num: int, facets: dict[str, tuple[str, ...]] | None) -> SearchDoc:
    """A main letter as the index holds it, from its fragment (the text is there)."""
    from sitegen.errors import SitegenError

    old = si._read_fragment(root, num)
    if old is None:
        raise SitegenError(f"{root}: search fragment {num} is missing; run a full 'sitegen build'")
    text = gzip.decompress(base64.b64decode(old["z"])).decode("utf-8")
    return SearchDoc(id=old["id"], url=old["u"], title=old["t"], case_number=None,
                     requests=tuple(i[0] for i in old["it"]), items=(), text=text, facets=facets or {})


def update(changed: Sequence[SearchDoc], removed_ids: Sequence[str], site_dir: Path, index_dir: Path,
           fold: bool | None = None) -> dict[str, Any]:
    """Add or replace ``changed`` letters and drop ``removed_ids`` through the overlay.

    ``fold``: None folds the overlay into the main index past :func:`fold_limit` letters, True
    folds it in now, False only past ``OVERLAY_MAX`` letters (e.g. while a curator edits)."""
    from sitegen.errors import SitegenError

    index_dir, root = Path(index_dir), Path(site_dir) / "search"
    try:
        main = _load(index_dir / si.DOCS_FILE)
    except (OSError, pickle.UnpicklingError, KeyError, EOFError, AttributeError) as err:
        raise SitegenError(f"{index_dir / si.DOCS_FILE}: no usable static search state ({err}); run a full 'sitegen build'") from err
    try:
        ov: Overlay = _load(index_dir / si.OVERLAY_FILE)["overlay"]
    except (OSError, pickle.UnpicklingError, KeyError, EOFError, AttributeError):
        ov = Overlay(base=main["n"], n=main["n"], nfiles=main["nfiles"])
    out = si._Writer(root, count_new=True)
    ids, facets = main["ids"], main["facets"]
    main_slot = {d: i for i, d in enumerate(ids) if d is not None and i not in ov.gone}
    ov_slot = {doc.id: num for num, doc in ov.docs.items()}

    def retire(doc_id: str) -> None:
        if doc_id in ov_slot:
            num = ov_slot.pop(doc_id)
            del ov.docs[num]
        else:
            num = main_slot.pop(doc_id)
            ov.gone[num] = _ghost(root, num, facets[num])
        out.unlink(f"f/{num // si.FRAG_DIR}/{num}.js")

    for doc_id in removed_ids:
        if doc_id in ov_slot or doc_id in main_slot:
            retire(doc_id)
    for doc in changed:
        if doc.id in main_slot:
            retire(doc.id)
        num = ov_slot.get(doc.id)
        if num is None:
            num = ov_slot[doc.id] = ov.n
            ov.n += 1
        ov.docs[num] = doc
        out.put(*si._fragment(doc, num))
    live = sum(1 for i in ids if i is not None) - len(ov.gone) + len(ov.docs)
    size = len(ov.docs) + len(ov.gone)
    if fold is None:
        fold = size > fold_limit(live)
    if fold or size > OVERLAY_MAX:
        stats = _compact(ov, site_dir, index_dir, ov.nfiles + out.created - out.deleted, out)
    else:
        _render(ov, main, root, out, live)
        ov.nfiles += out.created - out.deleted
        si._dump({"format": si.FORMAT, "overlay": ov}, index_dir / si.OVERLAY_FILE)
        stats = {"documents": live, "files": ov.nfiles, "bytes": out.bytes, "written": out.files, "overlay": size}
    return stats


def _compact(ov: Overlay, site_dir: Path, index_dir: Path, nfiles: int, out: si._Writer) -> dict[str, Any]:
    root = Path(site_dir) / "search"
    gone = sum(1 for p in (root / si.OVERLAY_DIR).rglob("*.js")) if (root / si.OVERLAY_DIR).is_dir() else 0
    shutil.rmtree(root / si.OVERLAY_DIR, ignore_errors=True)
    (index_dir / si.OVERLAY_FILE).unlink(missing_ok=True)
    stats = si.apply(ov.gone, sorted(ov.docs.items()), ov.n, site_dir, index_dir, nfiles - gone)
    stats["written"] += out.files
    stats["bytes"] += out.bytes
    stats["compacted"] = True
    return stats


def _render(ov: Overlay, main: dict[str, Any], root: Path, out: si._Writer, live: int) -> None:
    """Write ``o/x.js``, the ``o/d`` files, ``meta.js`` (and new keys into ``d/_i`` lists);
    ``live``: the letters the index now holds."""
    avgdl = main["avgdl"] or 1.0
    scale = si.NORM_LEVELS / si.NORM_MAX / avgdl
    stems = si._Stems()
    by_first: dict[str, dict[str, str]] = defaultdict(dict)
    post: dict[str, list[list[int]]] = defaultdict(list)
    pairs: dict[str, dict[str, list[list[int]]]] = defaultdict(lambda: defaultdict(list))
    forms_of: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, dict[str, str]] = defaultdict(dict)  # then only values v/labels.js lacks
    for num, doc in sorted(ov.docs.items()):
        tf, pc, dl = si.analyse(doc, stems)
        level = min(si.NORM_LEVELS - 1, int(dl * scale))
        for stem, t in tf.items():
            post[stem].append([num, si._IMPACT[min(t, si.TF_MAX) << 8 | level]])
        for (a, b), t in pc.items():
            pairs[a][a + " " + b].append([num, si._IMPACT[min(t, si.TF_MAX) << 8 | level]])
        lines = [doc.text, "\n".join(doc.requests)] + [p.replace("-", " ") for p in doc.facets.get("procedure", ()) if p != "unmapped"]
        for line in lines:
            for form in set(si.tokens(line)):
                forms_of[stems[form]].add(form)
        for facet, values in doc.labels.items():
            labels[facet].update(values)
    try:  # the values the client has rows for (a few KB; no pass over every letter's facets)
        known = {(f, row[0]) for f, rows in _read_js(root / "v" / "labels.js").items() for row in rows}
    except (OSError, ValueError):
        known = set()
    labels = {f: kept for f, ls in labels.items() if (kept := {v: l for v, l in ls.items() if (f, v) not in known})}
    for stem, forms in forms_of.items():
        for form in forms:
            by_first[form[0]][form] = stem
    def hashed(kind: str, postings: dict[str, list[list[int]]]) -> tuple[int, dict[int, dict[str, Any]]]:
        """``postings`` in FNV-1a hash shards of ~SHARD_BYTES: (shard count, shard -> data)."""
        nrows = sum(map(len, postings.values()))
        count = max(1, min(4096, nrows * ROW_BYTES // SHARD_BYTES + 1))
        shards: dict[int, dict[str, Any]] = defaultdict(lambda: {kind: {}})
        for key, rows in postings.items():
            shards[si.fnv1a(key) % count][kind][key] = rows
        return count, shards

    op, by_stem = hashed("p", post)
    ob, by_pair = hashed("b", {k: r for ps in pairs.values() for k, r in ps.items()})
    files = {f"{si.OVERLAY_DIR}/d/{si.file_key(c)}": {"w": w} for c, w in by_first.items()}
    files.update({f"{si.OVERLAY_DIR}/p/{h}": e for h, e in by_stem.items()})
    files.update({f"{si.OVERLAY_DIR}/b/{h}": e for h, e in by_pair.items()})
    for name in ov.keys - files.keys():
        out.unlink(name + ".js")
    for name, data in files.items():
        out.put(name + ".js", si._js(name, data))
    ov.keys = set(files)
    fv: dict[tuple[str, str], int] = {}

    def values(facets: dict[str, tuple[str, ...]]) -> list[int]:
        return [fv.setdefault((f, v), len(fv)) for f, vs in facets.items() for v in vs]

    x = {"del": {str(k): values(v.facets) for k, v in ov.gone.items()}, "add": {str(k): values(v.facets) for k, v in ov.docs.items()},
         "labels": labels, "op": op, "ph": sorted(by_stem), "ob": ob, "bh": sorted(by_pair)}
    x["fv"] = [list(k) for k in fv]
    out.put(f"{si.OVERLAY_DIR}/x.js", si._js(f"{si.OVERLAY_DIR}/x", x))
    meta = _read_js(root / "meta.js")
    meta.update(n=ov.n, live=live, o=1, od="".join(sorted(by_first)))
    out.put("meta.js", si._js("meta", meta))


def _read_js(path: Path) -> Any:
    m = re.fullmatch(r'sgsReg\("[^"]+",(.*)\);\n', path.read_text(encoding="utf-8"), re.S)
    if not m:
        raise ValueError(path)
    return json.loads(m.group(1))
