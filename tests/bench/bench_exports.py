"""Time the annual-review exports of 80 clusters against the issue's budgets (XLSX 2 s, PDF 20 s)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from services.scoring.exports import ExportBundle, render_pdf, render_xlsx
from tests.export_bundle import demo_bundle

XLSX_BUDGET_S = 2.0
PDF_BUDGET_S = 20.0
N_CLUSTERS = 80


def _median_seconds(render: Callable[[ExportBundle], bytes], bundle: ExportBundle, runs: int) -> tuple[float, int]:
    """Median wall time over `runs` renders, and the size of the last file."""
    times: list[float] = []
    size = 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(render(bundle))
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main() -> int:
    """Print each export's median time and PASS/FAIL; non-zero exit when any budget is missed."""
    bundle = demo_bundle(N_CLUSTERS)
    failed = False
    for name, render, runs, budget in (
        ("xlsx", render_xlsx, 5, XLSX_BUDGET_S),
        ("pdf", render_pdf, 3, PDF_BUDGET_S),
    ):
        seconds, size = _median_seconds(render, bundle, runs)
        verdict = "PASS" if seconds <= budget else "FAIL"
        failed = failed or verdict == "FAIL"
        print(
            f"exports.{name}: {N_CLUSTERS} clusters, median of {runs} {seconds:.2f} s "
            f"(budget {budget:.0f} s), {size / 1024:.0f} KiB  {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
