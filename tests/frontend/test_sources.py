"""The front end's own rules, checked on its source: every text in both languages, REST only, through the typed
client methods only."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

from frontend.i18n import STRINGS
from shared.schemas import vocabulary
from shared.schemas.analyses import UncertaintySource

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
HTTP_LIBRARIES = ("httpx", "requests", "urllib.request", "http.client")
# The raw calls of httpx and of the clients (`ServiceClient.request`, `get_json`, ...); a typed method returns a schema.
RAW_CALLS = {"request", "post", "put", "patch", "delete", "send", "stream", "get_json", "get_bytes", "get_model"}


def _names_a_url(argument: ast.expr) -> bool:
    """A literal or f-string that starts like a path or URL (`"/v1/..."`, `f"/v1/panels/{id}"`, `"http://..."`)."""
    if isinstance(argument, ast.JoinedStr) and argument.values:
        argument = argument.values[0]
    return isinstance(argument, ast.Constant) and str(argument.value).startswith(("/", "http://", "https://"))


def raw_requests(source: str) -> list[str]:
    """Every place in `source` that imports an HTTP library or sends a request other than by a typed client method."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"line {node.lineno}: import {m}" for m in modules if m.startswith(HTTP_LIBRARIES)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            # `.get(` is a mapping's too: only a `.get` (or `.read`) of a path is a request.
            by_path = node.func.attr in ("get", "read") and any(_names_a_url(a) for a in node.args[:2])
            if node.func.attr in RAW_CALLS or by_path:
                found.append(f"line {node.lineno}: .{node.func.attr}(")
    return found


def test_every_text_has_english_and_chinese() -> None:
    literal = r"\bt\(\s*[\"']([a-z0-9_]+)[\"']\s*[,)]"
    used = {m for path in FRONTEND.rglob("*.py") for m in re.findall(literal, path.read_text())}
    # Keys made from a value: every value they can take.
    used |= {f"role_{r}" for r in get_args(vocabulary.RoleName)} | {f"saaty_{n}" for n in range(1, 10)}
    for prefix, words in (
        ("category", vocabulary.Category),
        ("tier", vocabulary.Tier),
        ("method", vocabulary.ScoreMethod),
        ("combination", vocabulary.CombinationMethod),
        ("source", UncertaintySource),
        ("ri", vocabulary.RiTable),
        ("objective", vocabulary.ObjectiveMethod),
        ("ahp", vocabulary.PriorityMethod),
        ("group", vocabulary.Aggregation),
        ("direction", vocabulary.Direction),
        ("reference", vocabulary.Reference),
        ("lang", vocabulary.Lang),
    ):
        used |= {f"{prefix}_{word}" for word in get_args(words)}
    used |= {"download_csv", "download_xlsx"}
    # Views and measures whose keys a page lists for a switch or a loop.
    used |= {"sweep_scores", "sweep_ranks", "index_first_order", "index_total"}
    used |= {
        f"{prefix}_{m}"
        for m in ("spearman", "ws")
        for prefix in ("similarity", "similarity_heatmap", "similarity_help")
    }
    used |= {f"source_{s}_help" for s in get_args(UncertaintySource)}
    used |= {"tab_profile_weights", "tab_tune", "tab_objective"}
    assert used - set(STRINGS) == set()
    for key, (english, chinese) in STRINGS.items():
        assert english, key
        assert chinese, key
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", chinese)), key


def test_the_app_talks_to_the_services_over_rest_only() -> None:
    for path in FRONTEND.rglob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+services\b", path.read_text(), re.MULTILINE), path


def test_the_app_calls_the_services_through_typed_client_methods_only() -> None:
    for path in FRONTEND.rglob("*.py"):
        assert raw_requests(path.read_text()) == [], path


def test_the_raw_request_check_finds_what_it_looks_for() -> None:
    assert raw_requests("import httpx\nfrom httpx import Client") == ["line 1: import httpx", "line 2: import httpx"]
    assert raw_requests('clients(k).indicators.request("GET", "/v1/clusters")') == ["line 1: .request("]
    assert raw_requests('client.post(f"/v1/panels/{panel_id}/publish", json=body)') == ["line 1: .post("]
    assert raw_requests('client.get_json("/v1/observations/history")') == ["line 1: .get_json("]
    assert raw_requests('http.get("/v1/clusters")') == ["line 1: .get("]
    assert raw_requests('st.session_state.get("who")\nweights.get(code, 0.0)\nclient.panels()') == []


# Libraries a page would need to model for itself; the services do that (STYLE.md, "Pages that draw, services
# that compute").
MODELLING_LIBRARIES = ("numpy", "scipy", "pymcdm", "SALib", "sklearn", "statsmodels", "services")
# Calls of pandas that rank or correlate in the browser.
MODELLING_CALLS = {"corr", "rank", "corrwith"}


def _decision_problem_schemas() -> set[str]:
    """The request bodies that carry a decision matrix or weight vectors of the caller's own: a page that sends
    one has assembled the problem itself, where the analyses of a published ranking take the ranking's model."""
    from shared.schemas import scoring

    schemas = {
        name
        for name, value in vars(scoring).items()
        if isinstance(value, type) and issubclass(value, scoring.DecisionProblem)
    }
    return schemas | {"ObjectiveWeightsRequest", "CombinedWeightsRequest"}


def modelling(source: str) -> list[str]:
    """Every place in `source` that imports modelling code, names a decision-problem body, or ranks in pandas."""
    schemas = _decision_problem_schemas()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"line {node.lineno}: import {m}" for m in modules if m.split(".")[0] in MODELLING_LIBRARIES]
            if isinstance(node, ast.ImportFrom):
                found += [f"line {node.lineno}: {a.name}" for a in node.names if a.name in schemas]
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name in schemas:
                found.append(f"line {node.lineno}: {name}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MODELLING_CALLS:
            found.append(f"line {node.lineno}: .{node.func.attr}(")
    return found


def test_pages_draw_and_the_services_compute() -> None:
    for path in FRONTEND.rglob("*.py"):
        assert modelling(path.read_text()) == [], path


def test_the_modelling_check_finds_what_it_looks_for() -> None:
    assert modelling("import numpy as np\nfrom services.scoring.engine import mcda") == [
        "line 1: import numpy",
        "line 2: import services.scoring.engine",
    ]
    assert modelling("from shared.schemas.scoring import ObjectiveWeightsRequest") == [
        "line 1: ObjectiveWeightsRequest"
    ]
    assert modelling("body = scoring.SensitivityRequest(matrix=m)") == ["line 1: SensitivityRequest"]
    assert modelling("rho = table.corr(method='spearman')") == ["line 1: .corr("]
    assert modelling("best = [r.rank for r in ranking.results]") == []
    assert modelling("import pandas as pd\nfrom shared.schemas.analyses import UncertaintyRequest") == []


def test_the_weights_page_reads_no_dataset() -> None:
    """The objective and combined weights of a year come from POST /v1/rankings/weights, not from the year's values."""
    source = (FRONTEND / "app_pages" / "weights.py").read_text()
    assert "api.dataset(" not in source
    assert "ranking_weights(" in source


STATISTICS = re.compile(r"\.(corr|corrwith|skew|kurt|kurtosis|cov)\(|\blinalg\b|\bscipy\b|\bstatsmodels\b")


def test_the_pages_compute_no_statistics() -> None:
    """Pages that draw, services that compute: no correlation, skewness, kurtosis or eigenvalue on a page."""
    found = {
        path.name: STATISTICS.findall(path.read_text())
        for path in sorted((FRONTEND / "app_pages").glob("*.py"))
        if STATISTICS.search(path.read_text())
    }
    assert found == {}
    assert STATISTICS.search("frame.corr()")
    assert STATISTICS.search("np.linalg.eigvalsh(r)")
