"""Run builds one at a time and record the outcome in :class:`BuildState`.

The build is a black box: ``build(changed)`` where ``changed`` is the set of
paths that changed since the last build (``None`` for the first, full build).
If it returns a callable, that is work which may follow the reload (the large
exports, the search update): it runs right after the success is announced,
still holding the build lock (so before the next build), with ``finishing``
set in the state until it is done. Any exception, from either, becomes an
:class:`ErrorInfo` for the overlay; the server never goes down with the build.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitegen.serve.overlay import error_info
from sitegen.serve.state import BuildState, ErrorInfo

BuildFn = Callable[[frozenset[Path] | None], object]


@dataclass
class BuildRecord:
    """One finished build (kept for the log, tests and the benchmark)."""

    changed: int | None
    ok: bool
    wall: float
    cpu: float
    error: ErrorInfo | None = None


class Builder:
    def __init__(self, build: BuildFn, state: BuildState, log: Callable[[str], None] = lambda s: None) -> None:
        self.build = build
        self.state = state
        self.log = log
        self.last: BuildRecord | None = None
        self.count = 0
        self.finish_wall = self.finish_cpu = 0.0
        """Wall and CPU seconds of the last deferred end of a build."""
        self._lock = threading.Lock()

    def run(self, changed: frozenset[Path] | None = None) -> bool:
        """Build once (serialised); True on success."""
        with self._lock:
            self.state.build_started()
            wall0, cpu0 = time.perf_counter(), time.thread_time()
            try:
                after = self.build(changed)
            except (Exception, SystemExit) as exc:  # noqa: BLE001 - the server must survive any build failure
                info = error_info(exc)
                self.state.build_failed(info)
                self._record(changed, False, wall0, cpu0, info)
                first = _first_line(info)
                named = not info.file or info.file in first
                self.log(f"build failed: {first}" if named else f"build failed: {info.location()}: {first}")
                return False
            rec = self._record(changed, True, wall0, cpu0, None)
            self.state.build_succeeded(finishing=callable(after))
            what = "built" if changed is None else f"rebuilt ({len(changed)} changed)"
            self.log(f"{what} in {rec.wall * 1000:.0f} ms")
            if callable(after):
                return self._finish(after, changed)
            return True

    def _finish(self, after: Callable[[], object], changed: frozenset[Path] | None) -> bool:
        """Run the deferred end of a build (after the reload signal); a failure shows in the overlay."""
        wall0, cpu0 = time.perf_counter(), time.thread_time()
        try:
            after()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - as for the build itself
            info = error_info(exc)
            self.state.build_failed(info)
            self.log(f"build failed (after the reload): {_first_line(info)}")
            return False
        finally:
            self.finish_wall, self.finish_cpu = time.perf_counter() - wall0, time.thread_time() - cpu0
        self.state.finished()
        return True

    def _record(self, changed: frozenset[Path] | None, ok: bool, wall0: float, cpu0: float,
                err: ErrorInfo | None) -> BuildRecord:
        self.count += 1
        self.last = BuildRecord(
            changed=None if changed is None else len(changed),
            ok=ok,
            wall=time.perf_counter() - wall0,
            cpu=time.thread_time() - cpu0,
            error=err,
        )
        return self.last


def _first_line(info: ErrorInfo) -> str:
    """The first line of an error's message (its title when the message is empty), for the log."""
    message = info.message.strip()
    return message.splitlines()[0] if message else info.title
