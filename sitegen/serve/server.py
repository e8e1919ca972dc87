"""``Server``: build once, serve the output over HTTP, watch the inputs, rebuild and reload.

The build function is injected (``Server(build=...)``) so tests and benchmarks
can use a fake one; :func:`sitegen.serve.run` wires the real build.
"""

from __future__ import annotations

import ipaddress
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from sitegen.errors import SitegenError
from sitegen.serve.app import App
from sitegen.serve.handler import SiteHTTPServer
from sitegen.serve.rebuild import Builder, BuildFn
from sitegen.serve.state import BuildState
from sitegen.serve.watch import Watcher


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _stderr(msg: str) -> None:
    print(f"sitegen serve: {msg}", file=sys.stderr, flush=True)


class Server:
    def __init__(
        self,
        *,
        build: BuildFn,
        out: Path,
        watch: Iterable[Path] = (),
        ignore: Iterable[Path] = (),
        host: str = "127.0.0.1",
        port: int = 8000,
        quiet: float = 0.1,
        max_delay: float = 5.0,
        polling: bool = False,
        log: Callable[[str], None] = _stderr,
        verbose: bool = False,
        base_url: str | None = None,
    ) -> None:
        self.out = Path(out).absolute()
        self.log = log
        self.state = BuildState()
        self.builder = Builder(build, self.state, log)
        self.app = App(self.out, self.state, loopback_only=is_loopback(host), base_url=base_url)
        try:
            self.httpd = SiteHTTPServer((host, port), self.app, verbose=verbose)
        except OSError as err:
            raise SitegenError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
        ignored = [self.out, *(Path(p) for p in ignore)]
        self.watcher = Watcher(
            watch, self.builder.run, ignore_under=ignored, quiet=quiet, max_delay=max_delay, polling=polling,
            ignore_prefixes=(f".{self.out.name}.",),
        )
        self._http_thread = threading.Thread(target=self.httpd.serve_forever, name="sitegen-http", daemon=True)
        self._stopped = threading.Event()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        host = str(self.httpd.server_address[0])
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def start(self, *, initial_build: bool = True) -> "Server":
        """Serve, watch, then run the first build (requests wait for it)."""
        self._http_thread.start()
        self.watcher.start()
        if initial_build:
            self.builder.run(None)
        return self

    def wait(self) -> None:
        """Block until :meth:`stop` (or Ctrl+C in the caller)."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.state.close()  # ends the event streams
        self.watcher.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._http_thread.is_alive():
            self._http_thread.join(5)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
