"""Search: a Whoosh index for ``sitegen search`` and a sharded static index for the browser.

``build_indexes`` writes both; ``update_indexes`` changes a few letters in both without
rebuilding them.  Only :mod:`sitegen.search.whoosh_index` imports whoosh.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Sequence

from sitegen.forked import Forked, can_fork
from sitegen.model import Letter
from sitegen.search.documents import documents

#: Above this many letters the Whoosh index is built in a second process while the
#: static index is built in this one.
PARALLEL_MIN = 2000


def static_state_dir(index_dir: Path) -> Path:
    """Where the static index keeps its update state: a sibling of the Whoosh index folder
    (``CACHE/whoosh-static``), because a Whoosh build replaces its own folder whole, and in a
    parallel build it may do so after the static index has saved its state."""
    index_dir = Path(index_dir)
    return index_dir.with_name(index_dir.name + "-static")


def _whoosh_build(docs: list[Any], index_dir: Path) -> int:
    from sitegen.search import whoosh_index

    return whoosh_index.build(docs, index_dir)


def build_indexes(letters: Sequence[Letter], site_dir: Path, index_dir: Path,
                  titles: dict[str, str] | None = None) -> dict[str, Any]:
    """Write the static index under ``site_dir/search/`` and the Whoosh index into ``index_dir``
    (the static index's update state into :func:`static_state_dir`).

    ``titles``: procedure slug -> display name for the procedure facet (the site's taxonomy,
    with the archive's ``content/taxonomy.toml``; default: the shipped taxonomy's).
    Returns stats: documents, bytes and files (static index), seconds (wall, both indexes).
    """
    t0 = time.perf_counter()
    docs = documents(letters, titles)
    site_dir, index_dir = Path(site_dir), Path(index_dir)
    from sitegen.search import static_index

    if len(docs) >= PARALLEL_MIN and can_fork():
        # a forked child inherits the documents (copy-on-write); a process pool would pickle
        # every letter's text to its worker (a second full copy at 100,000 letters)
        child = Forked(_whoosh_build, docs, index_dir, what=f"{index_dir}: the Whoosh index build")
        try:
            stats = static_index.build(docs, site_dir, static_state_dir(index_dir))
        except BaseException:
            child.kill()
            raise
        child.result()
    elif len(docs) >= PARALLEL_MIN:
        with ProcessPoolExecutor(max_workers=1) as pool:
            fut = pool.submit(_whoosh_build, docs, index_dir)
            stats = static_index.build(docs, site_dir, static_state_dir(index_dir))
            fut.result()
    else:
        _whoosh_build(docs, index_dir)
        stats = static_index.build(docs, site_dir, static_state_dir(index_dir))
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
    stats = static_overlay.update(docs, list(removed_ids), Path(site_dir), static_state_dir(index_dir), fold=fold)
    from sitegen.search.client import write_client

    write_client(site_dir)  # a newer sitegen may ship a newer client for the same index format
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    return stats


__all__ = ["build_indexes", "update_indexes"]
