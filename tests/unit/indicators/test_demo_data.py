"""The synthetic demo data set: indicator system, clusters, observations and expert panels."""

import csv
import math
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from services.indicators.demo.load import read_indicator_system
from services.scoring.engine.profiles import compute_profile
from tests.support.scripts import load_script

generate = load_script("generate_demo")
DEMO_DIR = generate.DEMO_DIR
YEARS = (2021, 2022, 2023, 2024)
COST_INDICATORS = {"C5.4", "C6.5"}
INDICATORS_PER_CRITERION = {"C1": 4, "C2": 4, "C3": 5, "C4": 4, "C5": 4, "C6": 5, "C7": 4}
# The cells README.md documents as missing in 2024.
DOCUMENTED_MISSING = {("CD-SOFTWARE", "C7.2", 2024), ("NB-MAGNET", "C3.2", 2024), ("ZZ-RAIL", "C5.4", 2024)}
# DOMAIN.md's starting criterion weights C1..C7.
STARTING_WEIGHTS = {
    "basic": [0.12, 0.10, 0.10, 0.22, 0.22, 0.14, 0.10],
    "strategic": [0.14, 0.20, 0.14, 0.10, 0.10, 0.22, 0.10],
    "cutting_edge": [0.18, 0.12, 0.18, 0.06, 0.08, 0.10, 0.28],
}
SAATY_RI = {3: 0.58, 4: 0.90, 5: 1.12, 7: 1.32}
SAATY_VALUES = {Fraction(k) for k in range(1, 10)} | {Fraction(1, k) for k in range(2, 10)}


def _load_yaml(name: str) -> Any:
    return yaml.safe_load((DEMO_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def indicators() -> dict[str, dict[str, Any]]:
    system = _load_yaml("indicator_system.yaml")
    return {item["code"]: item for criterion in system["criteria"] for item in criterion["indicators"]}


@pytest.fixture(scope="module")
def clusters() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = _load_yaml("clusters.yaml")["clusters"]
    return loaded


@pytest.fixture(scope="module")
def observations() -> dict[tuple[str, str, int], float]:
    with (DEMO_DIR / "observations.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["source"] == "synthetic demo (seed 20211)" for row in rows)
    return {(row["cluster_code"], row["indicator_code"], int(row["year"])): float(row["value"]) for row in rows}


@pytest.fixture(scope="module")
def panels() -> dict[str, dict[str, Any]]:
    return {panel["category"]: panel for panel in _load_yaml("panels.yaml")["panels"]}


def _to_matrix(rows: list[list[int | str]]) -> np.ndarray:
    entries = [[Fraction(str(value)) for value in row] for row in rows]
    assert all(entry in SAATY_VALUES for row in entries for entry in row)
    return np.array(entries, dtype=float)


def _priorities_and_cr(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    n = matrix.shape[0]
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    k = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, k].real)
    cr = (eigenvalues[k].real - n) / (n - 1) / SAATY_RI[n] if n > 2 else 0.0
    return vector / vector.sum(), float(cr)


def test_indicator_system_matches_domain(indicators: dict[str, dict[str, Any]]) -> None:
    system = _load_yaml("indicator_system.yaml")
    assert system["goal"]["name"]
    assert system["goal"]["name_zh"]
    per_criterion = {c["code"]: len(c["indicators"]) for c in system["criteria"]}
    assert per_criterion == INDICATORS_PER_CRITERION
    assert len(indicators) == 30
    for code, item in indicators.items():
        assert item["direction"] == ("cost" if code in COST_INDICATORS else "benefit"), code
        assert item["ref_min"] < item["ref_max"], code
        assert item["valid_min"] is None or item["valid_min"] <= item["ref_min"], code
        assert item["valid_max"] is None or item["valid_max"] >= item["ref_max"], code
        if item["unit"] == "%":
            assert (item["valid_min"], item["valid_max"]) == (0, 100), code
        for key in ("name", "name_zh", "unit", "unit_zh"):
            assert item[key], (code, key)


def test_clusters_cover_every_category(clusters: list[dict[str, Any]]) -> None:
    assert len(clusters) >= 30
    codes = [cluster["code"] for cluster in clusters]
    assert len(set(codes)) == len(codes)
    assert all(code.isascii() and code == code.upper() and " " not in code for code in codes)
    per_category = Counter(cluster["category"] for cluster in clusters)
    assert set(per_category) == set(STARTING_WEIGHTS)
    assert min(per_category.values()) >= 6
    for cluster in clusters:
        assert cluster["region"] in {"East", "Central", "West", "Northeast"}
        assert cluster["round"] in {2021, 2022}
        assert cluster["category_reason"]
        assert cluster["category_reason_zh"]


def test_every_value_is_valid_and_nearly_all_in_reference_range(
    indicators: dict[str, dict[str, Any]], observations: dict[tuple[str, str, int], float]
) -> None:
    inside = 0
    for (_, code, _), value in observations.items():
        item = indicators[code]
        assert item["valid_min"] is None or value >= item["valid_min"], (code, value)
        assert item["valid_max"] is None or value <= item["valid_max"], (code, value)
        if item["integer"]:
            assert value == int(value), (code, value)
        inside += item["ref_min"] <= value <= item["ref_max"]
    assert inside > 0.99 * len(observations)
    assert inside < len(observations)  # some cells exercise the out-of-range flags


def test_every_cell_present_except_the_documented_missing(
    indicators: dict[str, dict[str, Any]],
    clusters: list[dict[str, Any]],
    observations: dict[tuple[str, str, int], float],
) -> None:
    expected = {(cluster["code"], code, year) for cluster in clusters for code in indicators for year in YEARS}
    assert set(observations) == expected - DOCUMENTED_MISSING
    assert set(generate.MISSING_CELLS) == DOCUMENTED_MISSING


def test_national_averages_of_2021_are_plausible(observations: dict[tuple[str, str, int], float]) -> None:
    for code, national in (("C5.1", 55.3), ("C5.2", 74.7)):
        values = [value for (_, c, year), value in observations.items() if c == code and year == 2021]
        assert abs(np.mean(values) - national) < 1.5, code


def _same(a: Any, b: Any, where: str = "") -> None:
    """Equal structures, floats within 1e-9: a CPU's last-bit difference must not decide this test (issue 11)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float), where
        assert isinstance(b, int | float), where
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (where, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict), where
        assert list(a) == list(b), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list), where
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{k}]")
    else:
        assert a == b, (where, a, b)


def _content(path: Path) -> Any:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return [[float(c) if c.replace(".", "", 1).isdigit() else c for c in row] for row in csv.reader(handle)]
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    generate.generate(first)
    generate.generate(second)
    for name in ("observations.csv", "panels.yaml", "profiles.yaml"):
        _same(_content(first / name), _content(second / name), name)
        _same(_content(first / name), _content(DEMO_DIR / name), name)


def test_profiles_are_the_engines_group_result_of_the_panels() -> None:
    """profiles.yaml, which the loader publishes as data, is what the scoring engine computes from panels.yaml."""
    tree = {"goal": [c.code for c in read_indicator_system()]}
    tree.update({c.code: [i.code for i in c.children] for c in read_indicator_system()})
    panels = {panel["category"]: panel for panel in _load_yaml("panels.yaml")["panels"]}
    profiles = _load_yaml("profiles.yaml")["profiles"]
    assert [p["panels"] for p in profiles] == [["basic"], ["strategic"], ["cutting_edge"], list(panels)]
    assert [p["make_default"] for p in profiles] == [False, False, False, True]
    for profile in profiles:
        judgments = [
            {"expert": e["expert_code"], "node": node, **judgment}
            for category in profile["panels"]
            for e in panels[category]["experts"]
            for node, judgment in e["judgments"].items()
        ]
        computed = compute_profile(tree, judgments)
        for key in ("consensus", "criteria", "indicators", "nodes"):
            _same(profile[key], computed[key], f"{profile['name']}.{key}")  # type: ignore[literal-required]


@pytest.mark.parametrize("category", list(STARTING_WEIGHTS))
def test_panel_judgments_are_consistent(category: str, panels: dict[str, dict[str, Any]]) -> None:
    panel = panels[category]
    experts = panel["experts"]
    assert len(experts) == 5
    assert len({expert["expert_code"] for expert in experts}) == 5
    nodes = ["goal", *INDICATORS_PER_CRITERION]
    for expert in experts:
        assert list(expert["judgments"]) == nodes
        for node, judgment in expert["judgments"].items():
            matrix = _to_matrix(judgment["matrix"])
            assert matrix.shape == (len(judgment["items"]),) * 2
            np.testing.assert_allclose(matrix * matrix.T, 1.0)
            _, cr = _priorities_and_cr(matrix)
            assert cr < 0.1, (expert["expert_code"], node, cr)


@pytest.mark.parametrize("category", list(STARTING_WEIGHTS))
def test_panel_check_values_are_rounded_and_never_minus_zero(category: str, panels: dict[str, dict[str, Any]]) -> None:
    # Rounded to 4 decimals, so that rounding noise in the last bits (which differs between CPUs) cannot change
    # a byte; a CR of -0.0 was written on some CPUs and not on others.
    panel = panels[category]
    values = [value for node in panel["group_priorities"].values() for value in node.values()]
    for expert in panel["experts"]:
        for node, judgment in expert["judgments"].items():
            _, cr = _priorities_and_cr(_to_matrix(judgment["matrix"]))
            assert judgment["consistency_ratio"] == pytest.approx(max(cr, 0.0), abs=5e-5), (node, cr)
            values.append(judgment["consistency_ratio"])
    for value in values:
        assert isinstance(value, float)
        assert round(value, 4) == value
        assert math.copysign(1.0, value) == 1.0, value


@pytest.mark.parametrize("category", list(STARTING_WEIGHTS))
def test_panel_group_goal_weights_near_starting_weights(category: str, panels: dict[str, dict[str, Any]]) -> None:
    matrices = [_to_matrix(expert["judgments"]["goal"]["matrix"]) for expert in panels[category]["experts"]]
    group = np.exp(np.mean(np.log(np.stack(matrices)), axis=0))
    priorities, _ = _priorities_and_cr(group)
    np.testing.assert_allclose(priorities, STARTING_WEIGHTS[category], atol=0.03)
    assert panels[category]["experts"][0]["judgments"]["goal"]["items"] == list(INDICATORS_PER_CRITERION)
