"""The persistent build cache (in ``cfg.cache_dir/build``).

Three things live there:

- **records**: one pickle per parsed letter, ``records/<dd>/<digest>.pickle``, holding the
  normalised :class:`Letter` with its text.  ``digest`` hashes the parse key (sitegen
  version, the parser/normaliser code, the taxonomy), the letter's source path and the
  sha256 of its bytes, so a record is valid for exactly one input.
- **the letter index** of a content folder: source -> (size, mtime_ns, sha256) so unchanged
  files are not re-hashed, and digest -> :class:`Slim` (the letter without its text, plus
  its lines of the open-data exports) so a build never re-reads unchanged records.
- **the output manifest** of an output folder: site path -> render key of every file the
  last build wrote, the letter digests the search index holds, and the folder's identity.

Everything here is a cache: a missing, corrupt or foreign file only costs speed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from sitegen import __version__
from sitegen.model import Letter
from sitegen.spool import SpoolRef, prune

FORMAT = 5
PACKAGE = Path(__file__).resolve().parent
#: Code a parse record depends on (relative to the package); everything else only renders.
PARSE_CODE = ("parse", "normalize", "data", "read.py", "clean.py", "model.py", "__init__.py")


def sha256_file(path: Path | str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def digest(*parts: object) -> str:
    """sha256 of the parts' reprs, as a short hex key."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def digest_strings(items: Iterable[str]) -> str:
    """Order-sensitive hash of many strings (letter digests, paths)."""
    return hashlib.sha256("\n".join(items).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _tree_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix not in (".pyc", ".pyo"))


@lru_cache(maxsize=None)
def _code_hash(names: tuple[str, ...]) -> str:
    h = hashlib.sha256(__version__.encode())
    for name in names:
        for p in _tree_files(PACKAGE / name):
            h.update(p.relative_to(PACKAGE).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:32]


def parse_code_hash() -> str:
    """Hash of the sitegen version and the parser/normaliser code and data."""
    return _code_hash(PARSE_CODE)


def render_code_hash() -> str:
    """Hash of the sitegen version and the whole package (every file may shape output)."""
    return _code_hash(tuple(sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")))


def parse_key(taxonomy_file: Path | None) -> str:
    tax = taxonomy_file.read_bytes() if taxonomy_file and taxonomy_file.is_file() else b""
    return digest(FORMAT, parse_code_hash(), str(taxonomy_file or ""), hashlib.sha256(tax).hexdigest())


def letter_digest(key: str, source: str, sha: str) -> str:
    return digest(key, source, sha)


@dataclass(frozen=True)
class Slim:
    """What the main process keeps of a letter: everything but its text."""

    digest: str
    letter: Letter
    """The letter with ``text=""``."""
    jsonl: str
    """Its line of data/cases.jsonl (with the trailing newline)."""
    csv: str
    """Its rows of data/items.csv."""
    path: str
    """The letter file (absolute), to re-parse when its record file is gone."""
    view: str = ""
    """Digest of what listing pages show of the letter: everything but its text and
    the rationales after their first sentence (the built-in listing templates show no more)."""
    spool: SpoolRef | None = None
    """Where ``jsonl`` and ``csv`` are when they are not kept in memory (both are then ""):
    the letter's bytes in a spool file of the cache (sitegen.spool)."""


def _read_pickle(path: Path) -> Any:
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        return None


def write_pickle(path: Path, obj: Any) -> None:
    """Write atomically (temp file + rename), so a killed build never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


class Records:
    """Full letter records, one file per digest."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[str] = set()
        """Sub-folders known to exist (a parse worker writes thousands of records)."""

    def path(self, dg: str) -> Path:
        return self.root / dg[:2] / f"{dg}.pickle"

    def put(self, dg: str, letter: Letter) -> None:
        """Write atomically (temp file + rename), like :func:`write_pickle`, creating the
        sub-folder only the first time this object writes into it."""
        folder = os.path.join(self.root, dg[:2])
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        final = os.path.join(folder, f"{dg}.pickle")
        tmp = os.path.join(folder, f".{dg}.pickle.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                pickle.dump(letter, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except FileNotFoundError:  # the folder was removed behind our back (cache cleared)
            self._made.discard(folder)
            write_pickle(Path(final), letter)
            return
        os.replace(tmp, final)

    def get(self, dg: str) -> Letter | None:
        got = _read_pickle(self.path(dg))
        return got if isinstance(got, Letter) else None

    def drop(self, digests: Iterable[str]) -> None:
        for dg in digests:
            self.path(dg).unlink(missing_ok=True)


@dataclass
class LetterIndex:
    """source -> (size, mtime_ns, sha) and digest -> Slim, for one content folder."""

    key: str
    files: dict[str, tuple[int, int, str, bool, str]] = field(default_factory=dict)
    """source -> (size, mtime_ns, sha256, whether size+mtime may be trusted next time, digest)."""
    slims: dict[str, Slim] = field(default_factory=dict)
    dirty: bool = False
    slims_loaded: bool = True
    """False until the slim records of a loaded index are read (BuildCache.load_slims)."""
    token: str | None = None
    """Pairs the files map with the slim records file written with it."""


@dataclass
class Manifest:
    """What the last build put into one output folder."""

    identity: tuple[int, int] | None = None
    """(st_dev, st_ino) of the output folder right after the swap."""
    pages: dict[str, str] = field(default_factory=dict)
    """site path -> render key."""
    search_key: str | None = None
    search_letters: dict[str, str] = field(default_factory=dict)
    """letter id -> digest, as the search indexes hold them."""
    fingerprint: str | None = None
    """Hash of every input of the build that wrote the folder (see build.input_fingerprint)."""
    summary: dict[str, Any] | None = None
    """letters, items, pages, files, bytes and warnings of that build (reported by a no-op build)."""


class BuildCache:
    """The cache for one (content folder, output folder) pair."""

    def __init__(self, cache_dir: Path, content_dir: Path, out_dir: Path) -> None:
        self.root = cache_dir / "build"
        self.records = Records(self.root / "records")
        self.index_file = self.root / f"letters-{digest(str(content_dir))[:16]}.pickle"
        self.slims_file = self.root / f"slims-{digest(str(content_dir))[:16]}.pickle"
        self.manifest_file = self.root / f"output-{digest(str(out_dir))[:16]}.pickle"
        self.spool_dir = self.root / f"spool-{digest(str(content_dir))[:16]}"
        """Export lines of the letters of this content folder (sitegen.spool)."""

    def load_index(self, key: str) -> LetterIndex:
        """The files map only; :meth:`load_slims` reads the (much larger) slim records when needed."""
        got = _read_pickle(self.index_file)
        if isinstance(got, dict) and got.get("format") == FORMAT and got.get("key") == key:
            return LetterIndex(key, got["files"], {}, slims_loaded=False, token=got.get("token"))
        return LetterIndex(key)

    def load_slims(self, index: LetterIndex) -> None:
        if index.slims_loaded:
            return
        got = _read_pickle(self.slims_file)
        if isinstance(got, dict) and got.get("format") == FORMAT and got.get("key") == index.key \
                and got.get("token") == index.token:
            index.slims.update(got["slims"])
        index.slims_loaded = True

    def save_index(self, index: LetterIndex, slims: bool = True) -> None:
        """Write the files map, and the slim records unless only the files map changed."""
        if slims and index.slims_loaded:
            index.token = os.urandom(8).hex()
            write_pickle(self.slims_file, {"format": FORMAT, "key": index.key, "token": index.token,
                                           "slims": index.slims})
            prune(self.spool_dir, (s.spool for s in index.slims.values()))
        write_pickle(self.index_file, {"format": FORMAT, "key": index.key, "token": index.token,
                                       "files": index.files})
        index.dirty = False

    def load_manifest(self, out_dir: Path) -> Manifest:
        got = _read_pickle(self.manifest_file)
        if not (isinstance(got, dict) and got.get("format") == FORMAT and isinstance(got.get("manifest"), Manifest)):
            return Manifest()
        m: Manifest = got["manifest"]
        return m if m.identity is not None and m.identity == folder_identity(out_dir) else Manifest()

    def save_manifest(self, manifest: Manifest) -> None:
        write_pickle(self.manifest_file, {"format": FORMAT, "manifest": manifest})

    def forget_manifest(self) -> None:
        self.manifest_file.unlink(missing_ok=True)


def folder_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class LazyLetters(Sequence[Letter]):
    """Full letters loaded from the record store one at a time (for the search indexer)."""

    def __init__(self, slims: Sequence[Slim], load: Any) -> None:
        self._slims = slims
        self._load = load

    def __len__(self) -> int:
        return len(self._slims)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._load(s) for s in self._slims[i]]
        return self._load(self._slims[i])

    def __iter__(self) -> Iterator[Letter]:
        for s in self._slims:
            yield self._load(s)
