"""Command-line wiring only: option parsing, then dispatch to the module that does the work.

Every sub-command module exposes ``run(args: argparse.Namespace) -> int``; it is
imported lazily so ``sitegen extract`` does not pay for Jinja or Whoosh.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from sitegen import __version__
from sitegen.errors import SitegenError


def _site_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--content", default="content", help="content folder (default: content)")
    p.add_argument("--out", default="_site", help="output folder (default: _site)")
    p.add_argument("--config", default=None, help="config file (default: sitegen.toml if present)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="print one JSON record per letter (JSON Lines)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="letter files or folders (searched recursively for .txt)")
    p.add_argument("--strict", action="store_true", help="exit non-zero when any letter has warnings")
    p.add_argument("--taxonomy", default=None, help="extra taxonomy TOML file (default: none)")
    p.set_defaults(module="sitegen.extract")

    p = sub.add_parser("build", help="build the static site")
    _site_options(p)
    p.add_argument("--strict", action="store_true", help="fail the build on any warning")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--clean", action="store_true", help="ignore the build cache: parse and render everything")
    p.add_argument("--no-search", action="store_true", help="skip the search indexes (also SITEGEN_SKIP_SEARCH=1)")
    p.set_defaults(module="sitegen.build")

    p = sub.add_parser("search", help="search the Whoosh index written by the last build")
    p.add_argument("query", help="Whoosh query, e.g. 'procedure:mri-lumbar-spine decision:overturned \"red flags\"'")
    p.add_argument("--limit", type=int, default=10, help="number of results (default: 10)")
    p.add_argument("--json", action="store_true", help="JSON output for scripts")
    _site_options(p)
    p.add_argument("--index", default=None, help="Whoosh index folder (default: from config, beside the site)")
    p.set_defaults(module="sitegen.search.cli")

    p = sub.add_parser("report", help="taxonomy coverage: mapped share and unmapped requests by frequency")
    p.add_argument("paths", nargs="*", metavar="PATH", help="letters (default: CONTENT/letters)")
    p.add_argument("--content", default="content", help="content folder (default: content)")
    p.add_argument("--top", type=int, default=50, help="unmapped requests to list (default: 50)")
    p.set_defaults(module="sitegen.report")

    p = sub.add_parser("serve", help="build, serve over HTTP, rebuild and reload on change")
    _site_options(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.add_argument("--poll", action="store_true", help="poll for changes (network and container mounts)")
    p.add_argument("--verbose", action="store_true", help="log every request")
    p.set_defaults(module="sitegen.serve")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        module = importlib.import_module(args.module)
        return int(module.run(args))
    except SitegenError as err:
        print(f"sitegen: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sitegen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
