#!/usr/bin/env python3
"""Quick-start tasks that need nothing but Python 3.11+.

    python3 tasks.py site    # build the bundled sample archive into _site/
    python3 tasks.py test    # run the whole test suite

Both create ``.venv`` on first use and install the project (editable, with the
``test`` extra) into it; they reinstall when ``pyproject.toml`` changes.
Extra arguments go to the underlying command, e.g. ``python3 tasks.py test -k parser``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".sitegen-installed"


def ensure_env() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"sitegen needs Python 3.11 or newer (this is {sys.version.split()[0]})")
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != want:
        print("installing sitegen and its test dependencies into .venv ...", flush=True)
        subprocess.run([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"], check=True)
        STAMP.write_text(want)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"site", "test"}:
        print(__doc__)
        return 2
    ensure_env()
    task, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if task == "site":
        cmd = [str(BIN / "sitegen"), "build", "--content", "content", "--out", "_site", *rest]
    else:
        cmd = [str(PY), "-m", "pytest", *rest]
    return subprocess.call(cmd)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
