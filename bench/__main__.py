"""`python -m bench`: run the benchmarks and write bench/results/latest.{md,json}.

The national-scale harness of pages and API (issue 6) will join the team suggestion here.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from bench import suggestion

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 10
    figures = suggestion.run(runs=runs)
    RESULTS.mkdir(exist_ok=True)
    table = "# Cercle benchmark\n\n## Team suggestion (CP-SAT)\n\n" + suggestion.as_markdown(
        figures
    )
    (RESULTS / "latest.md").write_text(table, encoding="utf-8")
    (RESULTS / "latest.json").write_text(
        json.dumps({"suggestion": dataclasses.asdict(figures)}, indent=2), encoding="utf-8"
    )
    print(table)
    return 0 if figures.meets_target else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
