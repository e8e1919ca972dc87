"""``sitegen search QUERY [--limit N] [--json]``: query the Whoosh index of the last build."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sitegen.errors import SitegenError


def index_dir(args: argparse.Namespace) -> Path:
    """--index, else the config's ``search_index_dir`` (default ``<out parent>/.sitegen-cache/whoosh``)."""
    if getattr(args, "index", None):
        return Path(args.index)
    from sitegen.config import load_config

    config = Path(args.config) if getattr(args, "config", None) else None
    cfg = load_config(config, content=Path(args.content), out=Path(args.out))
    return Path(cfg.search_index_dir)


def run(args: argparse.Namespace) -> int:
    from sitegen.search import whoosh_index

    if args.limit < 1:
        raise SitegenError("--limit must be at least 1")
    where = index_dir(args)
    total, hits = whoosh_index.search(where, args.query, limit=args.limit)
    if args.json:
        out = {
            "query": args.query,
            "total": total,
            "results": [
                {
                    "id": h.id,
                    "path": h.path,
                    "title": h.title,
                    "score": round(h.score, 4),
                    "decision": list(h.decision),
                    "procedure": list(h.procedure),
                    "snippet": h.snippet,
                }
                for h in hits
            ],
        }
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"{total} letter{'s' if total != 1 else ''} match {args.query!r}" + (f"; first {len(hits)}:" if hits else ""))
    site = Path(getattr(args, "out", "_site") or "_site")
    for n, h in enumerate(hits, 1):
        print(f"\n{n}. {h.title}  [{', '.join(h.decision) or 'no decision'}]  score {h.score:.2f}")
        print(f"   {site / h.path}")
        print(f"   {h.snippet}")
    return 0
