"""Search: a Whoosh index for ``sitegen search`` and a sharded static index for the browser.

``build_indexes`` writes both; ``update_indexes`` changes a few letters in both without
rebuilding them.  Only :mod:`sitegen.search.whoosh_index` imports whoosh.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Sequence

from sitegen.errors import SitegenError
from sitegen.model import Letter
from sitegen.search.documents import documents

#: Above this many letters the Whoosh index is built in a second process while the
#: static index is built in this one.
PARALLEL_MIN = 2000


def _whoosh_build(docs: list[Any], index_dir: Path) -> int:
    from sitegen.search import whoosh_index

    return whoosh_index.build(docs, index_dir)


def _whoosh_child(docs: list[Any], index_dir: Path, send: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides: it kills this process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        send.send(("ok", _whoosh_build(docs, index_dir)))
    except BaseException as err:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            send.send(("error", err))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            send.send(("error", SitegenError(f"{index_dir}: Whoosh index build failed: {type(err).__name__}: {err}")))
    finally:
        send.close()


class _WhooshProcess:
    """The Whoosh build in a forked process that inherits the documents (copy-on-write).

    A process pool would pickle every letter's text to its worker and unpickle a second copy
    there: at 100,000 letters that was several GB of the search stage's memory."""

    def __init__(self, docs: list[Any], index_dir: Path) -> None:
        ctx = multiprocessing.get_context("fork")
        self.recv, send = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_whoosh_child, args=(docs, index_dir, send), daemon=False)
        gc.freeze()  # the child's collections then leave the shared pages alone
        try:
            self.proc.start()
        finally:
            gc.unfreeze()
        send.close()

    def result(self) -> int:
        try:
            status, value = self.recv.recv()
        except EOFError:
            self.proc.join()
            raise SitegenError(f"the Whoosh index build process died (exit code {self.proc.exitcode})") from None
        finally:
            self.recv.close()
        self.proc.join()
        if status == "error":
            raise value
        return int(value)

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(timeout=5)
        self.recv.close()


def build_indexes(letters: Sequence[Letter], site_dir: Path, index_dir: Path,
                  titles: dict[str, str] | None = None) -> dict[str, Any]:
    """Write the static index under ``site_dir/search/`` and the Whoosh index into ``index_dir``.

    ``titles``: procedure slug -> display name for the procedure facet (the site's taxonomy,
    with the archive's ``content/taxonomy.toml``; default: the shipped taxonomy's).
    Returns stats: documents, bytes and files (static index), seconds (wall, both indexes).
    """
    t0 = time.perf_counter()
    docs = documents(letters, titles)
    site_dir, index_dir = Path(site_dir), Path(index_dir)
    from sitegen.search import static_index

    if len(docs) >= PARALLEL_MIN and "fork" in multiprocessing.get_all_start_methods():
        child = _WhooshProcess(docs, index_dir)
        try:
            stats = static_index.build(docs, site_dir, index_dir)
        except BaseException:
            child.kill()
            raise
        child.result()
    elif len(docs) >= PARALLEL_MIN:
        with ProcessPoolExecutor(max_workers=1) as pool:
            fut = pool.submit(_whoosh_build, docs, index_dir)
            stats = static_index.build(docs, site_dir, index_dir)
            fut.result()
    else:
        _whoosh_build(docs, index_dir)
        stats = static_index.build(docs, site_dir, index_dir)
    from sitegen.search.client import write_client

    write_client(site_dir)
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    return stats


def update_indexes(changed: Sequence[Letter], removed_ids: Sequence[str], site_dir: Path, index_dir: Path,
                   fold: bool | None = None, titles: dict[str, str] | None = None) -> dict[str, Any]:
    """Add or replace ``changed`` letters and drop ``removed_ids`` in both indexes.

    ``fold``: when the static index's overlay is folded into its main index (see
    :func:`sitegen.search.static_overlay.update`; False defers it, e.g. under ``sitegen serve``);
    ``titles``: as for :func:`build_indexes`."""
    from sitegen.search import static_overlay, whoosh_index

    t0 = time.perf_counter()
    docs = documents(changed, titles)
    whoosh_index.update(docs, list(removed_ids), Path(index_dir))
    stats = static_overlay.update(docs, list(removed_ids), Path(site_dir), Path(index_dir), fold=fold)
    from sitegen.search.client import write_client

    write_client(site_dir)  # a newer sitegen may ship a newer client for the same index format
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    return stats


__all__ = ["build_indexes", "update_indexes"]
