"""`python -m bench.dataset --scale 0.01 --seed 1`: generate into the configured database,
print the rows per table, the time, and the invariants check."""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dataset")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cercle.settings")
    import django

    django.setup()
    from bench.dataset import check_invariants, generate, last_timings

    start = time.perf_counter()
    landmarks = generate(
        scale=args.scale, seed=args.seed, progress=lambda m: print(f"  … {m}", flush=True)
    )
    elapsed = time.perf_counter() - start
    seconds = last_timings()
    print(f"\nscale {args.scale}, seed {args.seed}: generated in {elapsed:.1f} s\n")
    print(f"{'table':44} {'rows':>10} {'write s':>8} {'rows/s':>10}")
    for table, rows in sorted(landmarks.counts.items(), key=lambda kv: -kv[1]):
        spent = seconds.get(table, 0.0)
        rate = f"{rows / spent:,.0f}" if spent > 0 else "-"
        print(f"{table:44} {rows:>10,} {spent:>8.2f} {rate:>10}")
    start = time.perf_counter()
    problems = check_invariants()
    print(f"\ninvariants checked in {time.perf_counter() - start:.1f} s: ", end="")
    print("all hold" if not problems else f"{len(problems)} violated")
    for problem in problems:
        print(f"  - {problem}")
    print(f"\nlandmarks: {landmarks}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
