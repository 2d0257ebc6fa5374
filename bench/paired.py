#!/usr/bin/env python3
"""Two commands timed in interleaved pairs, for a machine too noisy for separate series.

    bench/paired.py [--runs N] 'COMMAND A' 'COMMAND B'

Each pair runs A and B back to back, the order alternating from one pair to the next, with their output thrown
away. It prints each command's median, mean and fastest wall time, and the median of the per-pair ratios B/A.
On the development machine, a virtual machine whose host backs fresh memory lazily and packs threads onto fewer
virtual CPUs (BENCHMARKS.md), two separate hyperfine series of the same binary differ by up to 20%. The ratios of
pairs run a few milliseconds apart stay within a few percent.

The commands are split as a shell would split them (shlex) but run without a shell, started with posix_spawn, so
that nothing but the command is timed. A command that exits non-zero is timed all the same: `static-build inspect`
exits 1 when it finds a dynamic file.
"""

import argparse
import os
import shlex
import shutil
import statistics
import sys
import time


def spawn_time(argv, devnull):
    """Wall time in milliseconds from the spawn of `argv` to its exit."""
    start = time.perf_counter_ns()
    pid = os.posix_spawn(
        argv[0],
        argv,
        os.environ,
        file_actions=[
            (os.POSIX_SPAWN_DUP2, devnull, 1),
            (os.POSIX_SPAWN_DUP2, devnull, 2),
        ],
    )
    os.waitpid(pid, 0)
    return (time.perf_counter_ns() - start) / 1e6


def resolve(command):
    argv = shlex.split(command)
    if not argv:
        sys.exit("paired.py: an empty command")
    path = shutil.which(argv[0])
    if path is None:
        sys.exit(f"paired.py: {argv[0]!r} is not a program on PATH or a path to one")
    return [path] + argv[1:]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=40, help="pairs to run (40 by default)")
    p.add_argument("a", help="command A, quoted")
    p.add_argument("b", help="command B, quoted")
    args = p.parse_args()
    if args.runs < 1:
        sys.exit("paired.py: --runs must be at least 1")
    a, b = resolve(args.a), resolve(args.b)
    devnull = os.open(os.devnull, os.O_WRONLY)
    # One warm-up run each: the page cache and the dynamic loader's caches.
    spawn_time(a, devnull)
    spawn_time(b, devnull)
    ta, tb = [], []
    for i in range(args.runs):
        if i % 2 == 0:
            ta.append(spawn_time(a, devnull))
            tb.append(spawn_time(b, devnull))
        else:
            tb.append(spawn_time(b, devnull))
            ta.append(spawn_time(a, devnull))
    ratios = [y / x for x, y in zip(ta, tb)]
    for name, t, cmd in (("A", ta, args.a), ("B", tb, args.b)):
        print(
            f"{name}: median {statistics.median(t):7.2f} ms  mean {statistics.mean(t):7.2f}  "
            f"fastest {min(t):7.2f}   {cmd}"
        )
    faster = sum(r < 1 for r in ratios)
    print(
        f"B/A: median of {len(ratios)} paired ratios {statistics.median(ratios):.3f}  "
        f"(B faster in {faster} of {len(ratios)} pairs)"
    )


if __name__ == "__main__":
    main()
