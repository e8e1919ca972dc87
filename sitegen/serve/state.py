"""Shared build state between the rebuild thread and the HTTP threads.

``version`` counts successful builds (a tab that loaded version N reloads when it
sees N+1); ``error`` is the last failed build's error, cleared by the next good
build; ``generation`` changes on every update so event streams can wait for it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ErrorInfo:
    """A build failure, as shown in the overlay."""

    title: str
    """Short headline ("Build failed", "Template error", "Internal error")."""
    message: str
    """The error message, one or more lines."""
    file: str | None = None
    """The file at fault, as the user would name it, or None when unknown."""
    line: int | None = None
    """1-based line in ``file``, or None when unknown."""
    detail: str = ""
    """Extra text (a traceback for internal errors), may be empty."""

    def location(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or ""

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "location": self.location(),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Snapshot:
    version: int
    generation: int
    building: bool
    error: ErrorInfo | None
    closed: bool
    finishing: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "building": self.building,
            "finishing": self.finishing,
            "error": self.error.to_json() if self.error else None,
        }


@dataclass
class BuildState:
    """Thread-safe holder of the serve state; every change wakes the waiters."""

    version: int = 0
    generation: int = 0
    building: bool = False
    error: ErrorInfo | None = None
    closed: bool = False
    finishing: bool = False
    """The deferred end of a successful build is running (the reload has been sent)."""
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def snapshot(self) -> Snapshot:
        with self._cond:
            return self._snap()

    def _snap(self) -> Snapshot:
        return Snapshot(self.version, self.generation, self.building, self.error, self.closed, self.finishing)

    def _changed(self) -> None:
        self.generation += 1
        self._cond.notify_all()

    def build_started(self) -> None:
        with self._cond:
            self.building = True
            self._changed()

    def build_succeeded(self, finishing: bool = False) -> None:
        with self._cond:
            self.building = False
            self.finishing = finishing
            self.error = None
            self.version += 1
            self._changed()

    def finished(self) -> None:
        """The deferred end of the build is done."""
        with self._cond:
            self.finishing = False
            self._changed()

    def build_failed(self, error: ErrorInfo) -> None:
        with self._cond:
            self.building = False
            self.finishing = False
            self.error = error
            self._changed()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._changed()

    def wait_change(self, generation: int, timeout: float) -> Snapshot:
        """Wait until the generation differs from ``generation`` (or timeout/close)."""
        with self._cond:
            self._cond.wait_for(lambda: self.generation != generation or self.closed, timeout)
            return self._snap()

    def wait_idle(self, timeout: float) -> Snapshot:
        """Wait until no build is running or finishing (or timeout/close)."""
        with self._cond:
            self._cond.wait_for(lambda: not (self.building or self.finishing) or self.closed, timeout)
            return self._snap()
