"""Benchmark ``sitegen build`` on a generated corpus: clean, no-op and one-letter-edit builds.

    python benchmarks/bench_build.py --count 10000 [--jobs 2] [--no-search] [--work benchmarks/out/build]

Generates COUNT letters with benchmarks/generate_corpus.py (reused when present), then runs
three builds into WORK/COUNT/_site and prints, for each: wall time per stage, CPU time of
the whole process tree, and the peak memory of the process tree (main process plus its
workers, sampled every 50 ms from /proc: the sum of PSS, which counts pages shared with forked
workers once, and the sum of RSS, which counts them in every process), and the largest page.

1. clean: ``incremental=False`` (parses every letter, renders every page);
2. no-op: nothing changed (the cache and the previous output are reused);
3. edit: one letter's text changed (its case page, the pages it appears on, exports).

``--no-search`` (or SITEGEN_SKIP_SEARCH=1) leaves the search stage out; it is measured on
its own in docs/benchmarks-search.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _mem_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB.  Forked workers share pages with the main process:
    RSS counts shared pages in every process, PSS divides them among the sharers, so the
    sum of PSS is the memory the tree really uses."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                    out += [int(x) for x in fh.read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return out


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pid: int) -> tuple[int, int]:
    """(own, own + waited-for children's) CPU clock ticks of one process: a reaped child's time
    is in its parent's, so the sum over a live tree counts every process once."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            f = fh.read().rsplit(")", 1)[1].split()
        own = int(f[11]) + int(f[12])
        return own, own + int(f[13]) + int(f[14])
    except (OSError, ValueError, IndexError):
        return 0, 0


class TreeRss:
    """Peaks of the summed RSS and PSS of this process and all its descendants, and their CPU time."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self.samples: list[tuple[float, int]] = []
        """(perf_counter, PSS sum in kB) every 50 ms."""
        self.cpu: list[tuple[float, float, float]] = []
        """(perf_counter, CPU seconds of the tree, of this process alone) every 50 ms."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            todo, total, total_pss, ticks, mine = [me], 0, 0, 0, 0
            while todo:
                pid = todo.pop()
                rss, pss = _mem_kb(pid)
                total += rss
                total_pss += pss
                own, tree = _cpu_ticks(pid)
                ticks += tree
                mine = own if pid == me else mine
                todo += _children(pid)
            self.cpu.append((time.perf_counter(), ticks / _TICK, mine / _TICK))
            self.peak_kb = max(self.peak_kb, total)
            self.peak_pss_kb = max(self.peak_pss_kb, total_pss)
            self.samples.append((time.perf_counter(), total_pss))
            self._stop.wait(0.05)

    def __enter__(self) -> "TreeRss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def stage_peaks(samples: list[tuple[float, int]], t0: float, stages: dict[str, float]) -> str:
    """Peak PSS sum per stage: the stages run one after the other from ``t0`` (the first
    stage also holds the set-up before it)."""
    out, start = [], t0
    for name, secs in stages.items():
        end = start + secs
        inside = [kb for t, kb in samples if start <= t <= end]
        if inside:
            out.append(f"{name} {max(inside) / 1024:.0f}")
        start = end
    return ", ".join(out)


def stage_cpu(cpu: list[tuple[float, float, float]], t0: float, stages: dict[str, float]) -> str:
    """CPU seconds of the process tree (and of the main process) per stage, from the samples."""
    def at(t: float) -> tuple[float, float]:
        got = [(c, m) for s, c, m in cpu if s <= t]
        return got[-1] if got else (cpu[0][1], cpu[0][2]) if cpu else (0.0, 0.0)
    out, start = [], t0
    for name, secs in stages.items():
        (c0, m0), (c1, m1) = at(start), at(start + secs)
        out.append(f"{name} {c1 - c0:.1f} (main {m1 - m0:.1f})")
        start += secs
    return ", ".join(out)


def _cpu() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", default=str(ROOT / "benchmarks" / "out" / "build"))
    ap.add_argument("--no-search", action="store_true", help="skip the search indexes")
    ap.add_argument("--skip-clean", action="store_true", help="reuse the cache and output of an earlier run")
    ap.add_argument("--content", type=Path, help="an existing corpus folder (with letters/), linked as WORK/COUNT/content")
    args = ap.parse_args()
    work = Path(args.work) / str(args.count)
    content = work / "content"
    if args.content is not None and not content.exists():
        work.mkdir(parents=True, exist_ok=True)
        content.symlink_to(args.content.resolve())
    if not (content / "letters").is_dir():
        t = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_corpus.py"), str(content),
                        "--count", str(args.count), "--jobs", str(args.jobs)], check=True)
        print(f"generated {args.count} letters in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    sys.path.insert(0, str(ROOT))
    from sitegen.build import build_site
    from sitegen.config import load_config

    cfg = load_config(None, content, work / "_site")
    search = False if args.no_search else None
    letters = sorted((content / "letters").rglob("*.txt"))
    victim = letters[len(letters) // 2]
    original = victim.read_bytes()
    runs = [("no-op", True)] if args.skip_clean else [("clean", False), ("no-op", True)]
    runs.append(("edit", True))
    print(f"{args.count} letters, jobs {args.jobs}, search {'off' if args.no_search else 'on'}, "
          f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    try:
        for label, incremental in runs:
            if label == "edit":
                victim.write_bytes(original.replace(b"The ", b"The  ", 1) + b"\nEdited for the benchmark.\n")
            cpu0, t0 = _cpu(), time.perf_counter()
            with TreeRss() as rss:
                report = build_site(cfg, jobs=args.jobs, progress=False, incremental=incremental, search=search)
            wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
            stages = ", ".join(f"{k} {v:.2f}" for k, v in report.stages.items())
            print(f"[{label}] wall {wall:.2f} s, CPU {cpu:.2f} s, peak memory of the process tree: "
                  f"PSS {rss.peak_pss_kb / 1024:.0f} MB (RSS sum {rss.peak_kb / 1024:.0f} MB); "
                  f"parsed {report.parsed}, rendered {report.rendered} page tasks, reused {report.linked}")
            print(f"    stages (s): {stages}")
            print(f"    peak PSS sum per stage (MB): {stage_peaks(rss.samples, t0, report.stages)}; "
                  f"main process CPU {report.cpu_seconds:.2f} s")
            print(f"    CPU per stage (s, process tree): {stage_cpu(rss.cpu, t0, report.stages)}")
            print(f"    letters {report.letters}, items {report.items}, pages {report.pages}, files {report.files}")
    finally:
        victim.write_bytes(original)
    largest = max((p.stat().st_size, p.relative_to(cfg.out_dir).as_posix()) for p in cfg.out_dir.rglob("*.html"))
    print(f"largest page {largest[1]} {largest[0] / 1e3:.0f} kB; load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
