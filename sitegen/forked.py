"""Run one function in a forked child process and get its result or its exception back.

The child inherits the parent's memory (copy-on-write), so large arguments are not pickled:
the Whoosh build reads the search documents this way, and a full build's search stage runs
beside the page rendering this way.  Only the result (or the exception) crosses a pipe.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import warnings
from typing import Any, Callable

from sitegen.errors import SitegenError


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _child(fn: Callable[..., Any], args: tuple[Any, ...], send: Any, what: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides: it kills this process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.enable()  # the parent may have paused it (sitegen.build._collector_paused)
    try:
        send.send(("ok", fn(*args)))
    except BaseException as err:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            send.send(("error", err))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            send.send(("error", SitegenError(f"{what} failed: {type(err).__name__}: {err}")))
    finally:
        send.close()


class Forked:
    """``Forked(fn, *args, what="the Whoosh index build")`` starts ``fn(*args)`` in a forked
    child; :meth:`result` waits for its return value (or raises its exception, or a
    :class:`SitegenError` naming ``what`` when the child died); :meth:`kill` stops it."""

    def __init__(self, fn: Callable[..., Any], *args: Any, what: str) -> None:
        ctx = multiprocessing.get_context("fork")
        self.what = what
        self.recv, send = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_child, args=(fn, args, send, what), daemon=False)
        gc.freeze()  # the child's collections then leave the shared pages alone
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about forking a process with threads (a build's worker pool
                # has one); the child runs none of them and touches no lock they hold
                warnings.simplefilter("ignore", DeprecationWarning)
                self.proc.start()
        finally:
            gc.unfreeze()
        send.close()

    def result(self) -> Any:
        try:
            status, value = self.recv.recv()
        except EOFError:
            self.proc.join()
            raise SitegenError(f"{self.what}: the process died (exit code {self.proc.exitcode})") from None
        finally:
            self.recv.close()
        self.proc.join()
        if status == "error":
            raise value
        return value

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(timeout=5)
        self.recv.close()
