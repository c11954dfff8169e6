"""`python -m bench` (`make bench`): measure Cercle at national scale and write
bench/results/latest.{md,json}. `python -m bench --help` lists the options; the exit code
is 0 when every target is met, 1 when one misses, 2 on a harness error, 3 when the
generated data breaks an invariant. See docs/performance.md."""

from __future__ import annotations

import sys

from bench.harness.run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
