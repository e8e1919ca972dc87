"""``sitegen serve``: build, serve over HTTP, watch the inputs, rebuild and reload the browser.

Pieces (one job each): :mod:`.watch` (watchdog + debounce + editor temp-file
filter), :mod:`.rebuild` (one build at a time, errors kept for the overlay),
:mod:`.app` (request handling without sockets: safe file serving, reload
script injection, event stream), :mod:`.handler` (the HTTP adapter),
:mod:`.server` (wires them together). See docs/serve.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sitegen.serve.server import Server, is_loopback

__all__ = ["Server", "run", "watch_targets"]


def watch_targets(cfg: object, content: Path, config: Path | None) -> list[Path]:
    """Everything a build reads: content, templates, static files, taxonomy, config."""
    targets: list[Path] = [content]
    for name in ("templates_dir", "static_dir", "taxonomy_file", "config_file"):
        value = getattr(cfg, name, None)
        if isinstance(value, Path):
            targets.append(value)
    try:
        from sitegen.render import DEFAULT_STATIC, DEFAULT_TEMPLATES
    except Exception:  # noqa: BLE001 - the renderer may be mid-rewrite; watching is best effort
        pass
    else:
        targets += [DEFAULT_TEMPLATES, DEFAULT_STATIC]
    if config is not None:
        targets.append(config)
    else:
        from sitegen.config import DEFAULT_CONFIG

        targets.append(Path(DEFAULT_CONFIG))  # picked up when it is created later
    seen: list[Path] = []
    for t in targets:
        t = t.absolute()
        if t not in seen:
            seen.append(t)
    return seen


def run(args: argparse.Namespace) -> int:
    from sitegen.build import Session, build_site
    from sitegen.config import load_config
    from sitegen.errors import ConfigError

    content = Path(args.content)
    out = Path(args.out)
    config = Path(args.config) if args.config else None
    host = str(getattr(args, "host", "127.0.0.1"))
    port = int(getattr(args, "port", 8000))
    try:
        cfg = load_config(config, content, out)
    except ConfigError as err:
        # Serve anyway: the first build fails with the same error, the browser shows it
        # with the file named, and fixing the config file rebuilds.
        print(f"sitegen serve: warning: {err}", file=sys.stderr)
        cfg = None
    out_dir = cfg.out_dir if cfg else out.resolve()
    from sitegen.search import static_state_dir

    cache = [cfg.cache_dir, cfg.search_index_dir, static_state_dir(cfg.search_index_dir)] if cfg \
        else [out_dir.parent / ".sitegen-cache"]

    session = Session(defer=True)

    def build(changed: frozenset[Path] | None) -> object:
        # Reload the config each time: the config and taxonomy files are watched too.
        # The session keeps the letter records, the archive and the page plan in memory;
        # a batch of letter edits (``changed``) touches only what those letters touch, and
        # anything else takes the full incremental path (docs/serve.md, "Incremental builds").
        # The returned callable is the deferred end of the build: the Builder runs it after
        # the reload signal, before the next build.
        build_site(load_config(config, content, out), progress=False, session=session, changed=changed)
        return session.finish

    server = Server(
        build=build,
        out=out_dir,
        watch=watch_targets(cfg, content, config),
        ignore=cache,
        host=host,
        port=port,
        polling=bool(getattr(args, "poll", False)),
        verbose=bool(getattr(args, "verbose", False)),
        base_url=cfg.base_url,
    )
    if not is_loopback(host):
        print(f"sitegen serve: warning: listening on {host}: anyone who can reach this machine can read the site",
              file=sys.stderr)
    print(f"sitegen serve: serving {out_dir} at {server.url} (Ctrl+C to stop)", file=sys.stderr, flush=True)
    try:
        server.start()
        server.wait()
    except KeyboardInterrupt:
        print("sitegen serve: stopped", file=sys.stderr)
    finally:
        server.stop()
        try:
            session.flush()  # the letter index, so the next start or `sitegen build` is warm
        except OSError as err:
            print(f"sitegen serve: warning: could not save the build cache: {err}", file=sys.stderr)
    return 0
