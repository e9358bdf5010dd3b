"""`make bench`: runs every benchmark script in its own process and prints a summary; exit 1 if a target fails."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    scripts = sorted(Path(__file__).parent.glob("bench_*.py"))
    if len(sys.argv) > 1:
        scripts = [s for s in scripts if any(name in s.name for name in sys.argv[1:])]
    outcomes: list[tuple[str, int, float]] = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        started = time.perf_counter()
        module = f"tests.bench.{script.stem}"
        code = subprocess.call([sys.executable, "-m", module], cwd=ROOT)
        outcomes.append((script.name, code, time.perf_counter() - started))
    print("\n=== summary ===")
    for name, code, seconds in outcomes:
        print(f"{'PASS' if code == 0 else 'FAIL'} {name} ({seconds:.0f} s)")
    return 0 if all(code == 0 for _, code, _ in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
