"""Issue 11: the prestart (the Kubernetes migrate job) imports no demo or scoring code unless asked for the demo."""

from __future__ import annotations

import subprocess
import sys

PROBE = (
    "import sys, services.indicators.prestart as p; "
    "loaded = sorted(m for m in sys.modules if m.startswith(('services.indicators.demo', 'services.scoring', "
    "'pymcdm', 'scipy'))); print(','.join(loaded))"
)


def test_the_prestart_module_loads_no_demo_scoring_scipy_or_pymcdm() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_demo_loader_imports_nothing_of_the_scoring_service() -> None:
    probe = PROBE.replace("services.indicators.prestart as p", "services.indicators.demo.load as p").replace(
        "'services.indicators.demo', ", ""
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
