"""The repository's scripts under infra/scripts, imported as modules for the tests that exercise them."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.support.paths import ROOT

SCRIPTS = ROOT / "infra" / "scripts"


def load_script(name: str) -> ModuleType:
    """`infra/scripts/<name>.py` as a module (loaded once per run)."""
    module_name = f"infra_scripts_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, SCRIPTS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
