"""The only module that claims site paths: refuses two outputs for one path.

Worker processes write the pages the main process claimed for them (the claim makes
the folder); unchanged files of an incremental build are hard-linked from the previous
output, so they cost no copy and the previous output is never modified."""

from __future__ import annotations

import os
import posixpath
import shutil
from pathlib import Path
from typing import BinaryIO, Iterable

from sitegen.errors import BuildError


def remove_page(out: str, path: str) -> None:
    """Delete the file of a page that no longer exists from the output folder ``out``, then
    the folders it leaves empty (up to, not including, ``out``)."""
    try:
        os.unlink(os.path.join(out, path))
    except FileNotFoundError:
        pass
    folder = posixpath.dirname(path)
    while folder:
        try:
            os.rmdir(os.path.join(out, folder))
        except OSError:
            break
        folder = posixpath.dirname(folder)



def commit_in_place(tmp: Path | str, out: Path | str, writer: SiteWriter, gone: Iterable[str]) -> None:
    """Move the files ``writer`` staged in ``tmp`` over their old versions in ``out`` (one atomic
    rename each; paths it only kept stay as they are), then delete the pages ``gone`` and the
    folders they leave empty."""
    made: set[str] = set()
    src_root, dst_root = str(tmp), str(out)
    for path in writer.written:
        if path in writer.kept:
            continue
        dst = os.path.join(dst_root, path)
        parent = os.path.dirname(dst)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        os.replace(os.path.join(src_root, path), dst)
    for path in gone:
        remove_page(dst_root, path)

class SiteWriter:
    """Writes files under ``root`` (the temporary build folder)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: dict[str, str] = {}
        """site path -> what produced it (for the duplicate-path error)."""
        self.bytes_written = 0
        self._dirs: set[str] = set()
        self.kept: set[str] = set()
        """Paths claimed by :meth:`keep`: left as they are in the output folder."""
        self._root = str(root)

    def claim(self, path: str, origin: str = "") -> str:
        """Reserve ``path`` (for a worker process to write); returns its file."""
        return self._claim(path, origin or path)

    def link(self, old_root: Path, path: str, origin: str = "") -> bool:
        """Hard-link ``old_root/path`` (the previous output) into the site; False if impossible."""
        target = self._claim(path, origin or path)
        try:
            os.link(os.path.join(old_root, path), target)
        except OSError:
            del self.written[path]
            return False
        return True

    def keep(self, path: str, origin: str = "") -> bool:
        """Claim ``path`` as already present in the output (in-place builds); writes nothing."""
        self._reserve(path, origin or path)
        self.kept.add(path)
        return True

    def release(self, path: str) -> None:
        self.written.pop(path, None)
        self.kept.discard(path)

    def _reserve(self, path: str, origin: str) -> None:
        """Record ``path`` as an output of ``origin``; refuse paths outside the site and a second output."""
        if path.startswith("/") or ".." in path.split("/"):
            raise BuildError(f"{origin}: output path {path!r} escapes the site folder")
        if path in self.written:
            raise BuildError(f"two outputs for {path}: {self.written[path]} and {origin}")
        self.written[path] = origin

    def _claim(self, path: str, origin: str) -> str:
        self._reserve(path, origin)
        target = os.path.join(self._root, path)
        parent = os.path.dirname(target)
        if parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)
        return target

    def write_text(self, path: str, text: str, origin: str = "") -> None:
        self.write_bytes(path, text.encode("utf-8"), origin)

    def write_bytes(self, path: str, data: bytes, origin: str = "") -> None:
        target = self._claim(path, origin or path)
        with open(target, "wb") as fh:
            fh.write(data)
        self.bytes_written += len(data)

    def write_stream(self, path: str, origin: str = "") -> BinaryIO:
        """Claim ``path`` and open it for writing (the caller closes it; count its bytes with
        :meth:`count`)."""
        return open(self._claim(path, origin or path), "wb")

    def count(self, path: str) -> None:
        """Add the size of the written file ``path`` to :attr:`bytes_written`."""
        self.bytes_written += os.path.getsize(os.path.join(self._root, path))

    def copy_file(self, src: Path | str, path: str) -> None:
        target = self._claim(path, str(src))
        shutil.copyfile(src, target)

    def copy_tree(self, src: Path, prefix: str = "", skip: set[str] | None = None) -> list[str]:
        """Copy every file under ``src`` (sorted, dot-files skipped); returns the site paths."""
        paths: list[str] = []
        for file in sorted(src.rglob("*")):
            rel = file.relative_to(src).as_posix()
            if not file.is_file() or any(part.startswith(".") for part in rel.split("/")):
                continue
            site_path = f"{prefix}{rel}"
            if skip and site_path in skip:
                continue
            self.copy_file(file, site_path)
            paths.append(site_path)
        return paths
