"""Watch the inputs with watchdog; debounce bursts into one batch of changed paths.

The watchdog callback only records the path (:class:`Debouncer`); a worker
thread hands a batch to ``on_change`` once events have been quiet for
``quiet`` seconds (or ``max_delay`` after the first event, so an endless
stream of events cannot starve rebuilds). Editor temp and swap files, the
output and cache folders, VCS and virtualenv folders are ignored. For a moved
file both ends count, so an editor's atomic save (write ``x.tmp``, rename to
``x.txt``) is seen as a change of ``x.txt``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

IGNORED_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "node_modules", ".sitegen-cache"})
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", ".swn", ".tmp", ".temp", ".part", ".crdownload", ".pyc", ".kate-swp", ".bak")
IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db", "desktop.ini"})


def is_ignored_name(name: str) -> bool:
    """Editor temp/swap/lock files and OS litter."""
    return (
        name in IGNORED_NAMES
        or name.endswith("~")
        or name.startswith(".#")  # emacs lock
        or (name.startswith("#") and name.endswith("#"))  # emacs autosave
        or name.startswith(".~lock.")  # LibreOffice
        or name.lower().endswith(IGNORED_SUFFIXES)
        or (name.startswith(".") and name.endswith(".swp"))
        or name.startswith(".goutputstream-")  # GNOME atomic save temp
    )


@dataclass(frozen=True)
class PathFilter:
    """Decides which changed paths matter."""

    ignore_under: tuple[Path, ...] = ()
    """Folders whose contents never trigger a rebuild (output, cache)."""
    only_files: frozenset[Path] = frozenset()
    """When watching a folder for a single file (the config), the files that count."""
    only_in: tuple[Path, ...] = ()
    """Folders where only ``only_files`` count (the config file's folder)."""
    ignore_prefixes: tuple[str, ...] = ()
    """Path parts starting with these never count (the build's temp folders ".OUT.build-*")."""

    def __call__(self, path: Path) -> bool:
        """True when ``path`` matters."""
        if is_ignored_name(path.name):
            return False
        if any(part in IGNORED_DIRS or part.startswith(self.ignore_prefixes) for part in path.parts):
            return False
        for folder in self.ignore_under:
            if path == folder or path.is_relative_to(folder):
                return False
        if self.only_in and path.parent in self.only_in and path not in self.only_files:
            # A file beside the config file: counts only when it is itself watched.
            return False
        return True


@dataclass
class Debouncer:
    """Pure debounce logic (tested with a fake clock)."""

    quiet: float = 0.1
    max_delay: float = 5.0
    pending: set[Path] = field(default_factory=set)
    first: float | None = None
    last: float | None = None

    def add(self, paths: Iterable[Path], now: float) -> None:
        paths = set(paths)
        if not paths:
            return
        self.pending |= paths
        if self.first is None:
            self.first = now
        self.last = now

    def deadline(self) -> float | None:
        """When the pending batch becomes due, or None when nothing is pending."""
        if self.first is None or self.last is None:
            return None
        return min(self.last + self.quiet, self.first + self.max_delay)

    def take(self, now: float) -> frozenset[Path] | None:
        """The batch, if due at ``now`` (and reset), else None."""
        due = self.deadline()
        if due is None or now < due:
            return None
        batch = frozenset(self.pending)
        self.pending = set()
        self.first = self.last = None
        return batch


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: "Watcher") -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return  # reads, not changes
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a folder's mtime changes with every temp file; the file events say what changed
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        self.watcher.notify(Path(p if isinstance(p, str) else p.decode()) for p in paths if p)


class Watcher:
    """Watch folders/files; call ``on_change(batch)`` from a worker thread, one batch at a time."""

    def __init__(
        self,
        targets: Iterable[Path],
        on_change: Callable[[frozenset[Path]], None],
        *,
        ignore_under: Iterable[Path] = (),
        quiet: float = 0.1,
        max_delay: float = 5.0,
        polling: bool = False,
        ignore_prefixes: tuple[str, ...] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.on_change = on_change
        self.clock = clock
        self.debouncer = Debouncer(quiet=quiet, max_delay=max_delay)
        self._cond = threading.Condition()
        self._stopped = False
        self.batches = 0
        dirs: list[Path] = []
        files: set[Path] = set()
        for t in targets:
            t = Path(t).absolute()
            if t.is_dir():
                dirs.append(t)
            elif t.parent.is_dir():
                files.add(t)
        self.dirs = tuple(dirs)
        self.files = frozenset(files)
        file_dirs = tuple(sorted({f.parent for f in files} - set(dirs)))
        self.filter = PathFilter(
            ignore_under=tuple(Path(p).absolute() for p in ignore_under),
            only_files=self.files,
            only_in=file_dirs,
            ignore_prefixes=ignore_prefixes,
        )
        self.observer: BaseObserver = PollingObserver(timeout=0.5) if polling else Observer()
        handler = _Handler(self)
        for d in self.dirs:
            self.observer.schedule(handler, str(d), recursive=True)
        for d in file_dirs:
            self.observer.schedule(handler, str(d), recursive=False)
        self._thread = threading.Thread(target=self._run, name="sitegen-watch-debounce", daemon=True)

    def notify(self, paths: Iterable[Path]) -> None:
        """Record changed paths (called from the observer thread, or by tests)."""
        keep = [p for p in paths if self.filter(p)]
        if not keep:
            return
        with self._cond:
            self.debouncer.add(keep, self.clock())
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    due = self.debouncer.deadline()
                    now = self.clock()
                    if due is not None and now >= due:
                        break
                    self._cond.wait(None if due is None else max(due - now, 0.005))
                if self._stopped:
                    return
                batch = self.debouncer.take(self.clock())
            if batch:
                self.batches += 1
                self.on_change(batch)  # runs outside the lock: events keep queueing

    def start(self) -> "Watcher":
        self.observer.start()
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self.observer.stop()
        self.observer.join(5)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(5)
