"""The layout of the test tree (issue 11, item 7): suites share code only through tests/support, and only once.

- A module of one suite (tests/api, tests/unit, tests/integration, tests/frontend, tests/bench) never imports a
  module of another suite, nor a conftest.py; tests/support and the top-level modules import no suite at all.
- There is one free-port helper (tests/support/ports.py) and one wait-until-ready loop (tests/support/readiness.py).
- `make run`'s launcher (infra/scripts/run_local.py) keeps its own loop, exactly one, and imports nothing from tests/.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
SUITES = frozenset({"api", "unit", "integration", "frontend", "bench"})
PORTS = Path("tests/support/ports.py")
READINESS = Path("tests/support/readiness.py")
RUN_LOCAL = ROOT / "infra" / "scripts" / "run_local.py"
SELF = Path(__file__).resolve().relative_to(ROOT)
# Exceptions a "not up yet" probe swallows: a loop that catches one of them and sleeps is a readiness loop.
NOT_UP_YET = frozenset({"TransportError", "ConnectError", "RedisError", "ConnectionError", "OSError", "URLError"})
FREE_PORT_NAMES = frozenset({"free_port", "closed_port", "unused_port", "find_free_port", "_free_port"})
WAIT_NAMES = frozenset({"wait_until", "wait_healthy", "_wait_healthy", "wait_until_ready", "wait_for_health"})


def modules(root: Path) -> Iterator[tuple[Path, ast.Module]]:
    """Every Python file under root/tests (but the virtualenv-like and artifact folders), parsed."""
    for path in sorted((root / "tests").rglob("*.py")):
        if any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(root).parts):
            continue
        yield path.relative_to(root), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def suite_of(relative: Path) -> str | None:
    """The suite a file of the test tree belongs to; None for tests/support and the top-level modules."""
    parts = relative.parts
    return parts[1] if len(parts) > 2 and parts[1] in SUITES else None


def imported(relative: Path, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, dotted module) of every import of the file, relative ones resolved, `from tests import x` as tests.x;
    string constants that are a module path of the test tree count too (modules run as subprocesses)."""
    package = list(relative.with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            parts = node.value.split(".")
            if len(parts) >= 2 and parts[0] == "tests" and all(part.isidentifier() for part in parts):
                yield node.lineno, node.value


def layout_violations(root: Path) -> list[str]:
    found = []
    for relative, tree in modules(root):
        if relative == SELF:
            continue  # its own examples of what is refused
        own = suite_of(relative)
        for line, module in imported(relative, tree):
            parts = module.split(".")
            if parts[0] != "tests" or len(parts) < 2:
                continue
            if "conftest" in parts:
                found.append(f"{relative}:{line} imports {module}: a conftest is pytest's; import from tests.support")
            elif parts[1] in SUITES and parts[1] != own:
                where = f"suite tests/{own}" if own else "shared module"
                found.append(f"{relative}:{line} ({where}) imports {module} of suite tests/{parts[1]}")
    return sorted(set(found))


def calls(node: ast.AST) -> Iterator[ast.Call]:
    return (child for child in ast.walk(node) if isinstance(child, ast.Call))


def called_attribute(call: ast.Call) -> str | None:
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def is_readiness_loop(loop: ast.While) -> bool:
    """A loop that sleeps between tries up to a deadline and either watches a process (`.poll()`), a server
    (`.started`), or swallows a "not up yet" error: the shape of a wait-until-ready loop (a supervisor that only
    watches its processes exit has no deadline; an assertion that eventually holds watches no process)."""
    attributes = [called_attribute(call) for call in calls(loop)]
    if "sleep" not in attributes or "monotonic" not in attributes:
        return False
    if "poll" in attributes:
        return True
    if any(isinstance(n, ast.Attribute) and n.attr == "started" for n in ast.walk(loop.test)):
        return True
    for handler in (n for n in ast.walk(loop) if isinstance(n, ast.ExceptHandler) and n.type is not None):
        names = {n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", "") for n in ast.walk(handler.type)}
        if names & NOT_UP_YET:
            return True
    return False


def is_free_port(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Binds a socket to port 0 and hands out the port it got, without listening: a free-port helper."""
    attributes = [called_attribute(call) for call in calls(function)]
    binds_port_zero = any(
        called_attribute(call) == "bind"
        and call.args
        and isinstance(call.args[0], ast.Tuple)
        and isinstance(call.args[0].elts[-1], ast.Constant)
        and call.args[0].elts[-1].value == 0
        for call in calls(function)
    )
    return binds_port_zero and "getsockname" in attributes and "listen" not in attributes


def helper_definitions(relative: Path, tree: ast.Module) -> Iterator[tuple[str, int]]:
    """("readiness" | "free_port", line) for each readiness loop or free-port helper the file defines."""
    for node in ast.walk(tree):
        if isinstance(node, ast.While) and is_readiness_loop(node):
            yield "readiness", node.lineno
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name in FREE_PORT_NAMES or is_free_port(node):
                yield "free_port", node.lineno
            elif node.name in WAIT_NAMES:
                yield "readiness", node.lineno


def duplicate_helpers(root: Path) -> list[str]:
    home = {"readiness": READINESS, "free_port": PORTS}
    found = []
    for relative, tree in modules(root):
        for kind, line in helper_definitions(relative, tree):
            if relative != home[kind]:
                found.append(f"{relative}:{line} defines a {kind} helper of its own: use {home[kind]}")
    return sorted(set(found))


def test_no_suite_imports_another_suite_or_a_conftest() -> None:
    assert layout_violations(ROOT) == []


def test_free_port_and_the_readiness_loop_are_defined_once() -> None:
    assert duplicate_helpers(ROOT) == []
    kinds = {relative: [kind for kind, _ in helper_definitions(relative, tree)] for relative, tree in modules(ROOT)}
    assert kinds[PORTS] == ["free_port"]
    assert kinds[READINESS].count("readiness") == 2  # the function, named wait_until, and its one loop


def test_the_make_run_launcher_has_one_loop_and_needs_no_test_code() -> None:
    tree = ast.parse(RUN_LOCAL.read_text(encoding="utf-8"))
    loops = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.While) and is_readiness_loop(node)]
    assert len(loops) == 1, f"run_local.py has {len(loops)} wait-until-healthy loops: keep one function"
    imports = [m for _, m in imported(Path("infra/scripts/run_local.py"), tree) if m.split(".")[0] == "tests"]
    assert imports == [], "make run must not depend on the test tree"
    users = [str(r) for r, t in modules(ROOT) if any("run_local" in m for _, m in imported(r, t))]
    assert users == [], "tests import the launcher of make run; they launch through tests/support/processes.py"


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("import socket\ndef port():\n    with socket.socket() as s:\n"
         "        s.bind(('127.0.0.1', 0))\n        return s.getsockname()[1]\n", "free_port"),
        ("import time\ndef up(p, ok):\n    end = time.monotonic() + 9\n    while not ok():\n"
         "        if p.poll() is not None or time.monotonic() > end:\n            raise OSError\n"
         "        time.sleep(0.1)\n", "readiness"),
        ("import time, httpx\ndef up(u):\n    while time.monotonic() < 9:\n        try:\n            httpx.get(u)\n"
         "            return\n        except httpx.TransportError:\n            time.sleep(0.2)\n", "readiness"),
        ("import time\ndef eventually(check):\n    end = time.monotonic() + 9\n    while not check():\n"
         "        assert time.monotonic() < end\n        time.sleep(0.1)\n", None),
    ],
)  # fmt: skip
def test_the_scan_recognises_a_copy(source: str, kind: str | None) -> None:
    assert [k for k, _ in helper_definitions(Path("tests/unit/x.py"), ast.parse(source))] == ([kind] if kind else [])


def test_the_scan_recognises_an_import_across_suites() -> None:
    tree = ast.parse("from tests.bench.common import free_port\nfrom ..integration import processes\n")
    assert [m for _, m in imported(Path("tests/frontend/test_x.py"), tree)] == [
        "tests.bench.common",
        "tests.bench.common.free_port",
        "tests.integration",
        "tests.integration.processes",
    ]
