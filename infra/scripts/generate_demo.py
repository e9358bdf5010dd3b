"""Deterministic generator of the SYNTHETIC demo data set: observations, expert panels and their weight profiles.

A developer's tool, kept outside the services: it reads `indicator_system.yaml` and `clusters.yaml` in
`services/indicators/demo/` and writes `observations.csv`, `panels.yaml` and `profiles.yaml` there (or into
`--output-dir`), computing the panels' checks and the profiles with the scoring engine's own AHP, so that the
indicator service loads the profiles as data and never imports the engine. Run
`python infra/scripts/generate_demo.py`; the output is the same on every run. None of the values are real.
"""

import argparse
import csv
import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from services.scoring.engine import ahp  # noqa: E402
from services.scoring.engine.profiles import compute_profile  # noqa: E402
from shared.schemas.vocabulary import Category  # noqa: E402

DEMO_DIR = ROOT / "services" / "indicators" / "demo"
SEED = 20211
YEARS = (2021, 2022, 2023, 2024)
SOURCE = f"synthetic demo (seed {SEED})"
CATEGORIES: tuple[Category, ...] = get_args(Category)

# Rows left out of observations.csv so that imputation can be demonstrated (documented in README.md).
MISSING_CELLS: tuple[tuple[str, str, int], ...] = (
    ("CD-SOFTWARE", "C7.2", 2024),
    ("NB-MAGNET", "C3.2", 2024),
    ("ZZ-RAIL", "C5.4", 2024),
)
# Cells pushed slightly outside the reference range (never outside the validity limits).
OUT_OF_RANGE_CELL_COUNT = 8
# Values set far outside the field, so that the audit has a real outlier to find (documented in README.md): the
# Shenzhen ICT cluster, home of the country's largest PCT filers, files several times the PCT applications of
# any other cluster. The audit's rule flags C3.2 in every year; the fixed reference clips the values to the range.
OUTLIER_CELLS: dict[tuple[str, str, int], float] = {
    ("SZ-ICT", "C3.2", 2021): 14800,
    ("SZ-ICT", "C3.2", 2022): 15900,
    ("SZ-ICT", "C3.2", 2023): 17200,
    ("SZ-ICT", "C3.2", 2024): 18500,
}
# 2021 national averages the demo reproduces (DOMAIN.md): key-process CNC rate, digital design-tool adoption.
NATIONAL_MEANS_2021 = {"C5.1": 55.3, "C5.2": 74.7}

# Starting criterion weights C1..C7 per category (DOMAIN.md); the demo panels' group result lands near them.
STARTING_WEIGHTS: dict[str, tuple[float, ...]] = {
    "basic": (0.12, 0.10, 0.10, 0.22, 0.22, 0.14, 0.10),
    "strategic": (0.14, 0.20, 0.14, 0.10, 0.10, 0.22, 0.10),
    "cutting_edge": (0.18, 0.12, 0.18, 0.06, 0.08, 0.10, 0.28),
}

# Target indicator weights inside each criterion, per category: near-equal, tilted towards what the
# category's development path needs (basic: concentration, CNC and smart factories, public service
# platforms; strategic: innovation centres, pilot-test platforms, first-of-kind equipment, chain leaders;
# cutting_edge: talent, patents and PCT, universities and joint labs).
INDICATOR_TARGET_WEIGHTS: dict[str, dict[str, tuple[float, ...]]] = {
    "basic": {
        "C1": (0.30, 0.25, 0.20, 0.25),
        "C2": (0.25, 0.20, 0.20, 0.35),
        "C3": (0.20, 0.10, 0.30, 0.25, 0.15),
        "C4": (0.30, 0.25, 0.20, 0.25),
        "C5": (0.35, 0.20, 0.30, 0.15),
        "C6": (0.20, 0.25, 0.15, 0.25, 0.15),
        "C7": (0.20, 0.30, 0.25, 0.25),
    },
    "strategic": {
        "C1": (0.30, 0.25, 0.25, 0.20),
        "C2": (0.20, 0.30, 0.30, 0.20),
        "C3": (0.20, 0.15, 0.20, 0.20, 0.25),
        "C4": (0.30, 0.20, 0.25, 0.25),
        "C5": (0.25, 0.30, 0.25, 0.20),
        "C6": (0.15, 0.20, 0.30, 0.15, 0.20),
        "C7": (0.25, 0.25, 0.30, 0.20),
    },
    "cutting_edge": {
        "C1": (0.25, 0.25, 0.35, 0.15),
        "C2": (0.30, 0.25, 0.25, 0.20),
        "C3": (0.30, 0.25, 0.20, 0.15, 0.10),
        "C4": (0.25, 0.25, 0.25, 0.25),
        "C5": (0.20, 0.35, 0.25, 0.20),
        "C6": (0.15, 0.30, 0.15, 0.15, 0.25),
        "C7": (0.30, 0.25, 0.35, 0.10),
    },
}

# Shift of a cluster's "goodness" logit by category (positive = better: higher for benefit indicators,
# lower for cost ones). An indicator code overrides its criterion's code.
CATEGORY_EFFECTS: dict[str, dict[str, float]] = {
    "basic": {
        "C1": -0.3, "C3.1": -0.4, "C3.2": -0.6, "C4": 0.9, "C5.1": 0.9, "C5.2": 0.3, "C5.3": 0.7,
        "C5.4": -0.3, "C6.1": 0.5, "C6.4": 0.6, "C6.5": 0.3, "C7": -0.7, "C7.4": 0.3,
    },
    "strategic": {
        "C1.1": 0.3, "C2": 0.8, "C3.4": 0.4, "C3.5": 0.7, "C4": 0.2, "C6.1": 0.3, "C6.2": 0.4,
        "C6.3": 0.9, "C6.5": -0.3,
    },
    "cutting_edge": {
        "C1": 0.8, "C1.4": 0.4, "C3.1": 0.9, "C3.2": 0.9, "C3.3": 0.4, "C3.5": -0.3, "C4.1": -0.9,
        "C4.3": -0.6, "C4.4": -0.4, "C5.1": -0.3, "C6.3": -0.6, "C6.4": -0.3, "C6.5": -0.4, "C7": 0.9,
        "C7.4": 0.0,
    },
}  # fmt: skip
CLUSTER_STRENGTH_SD = 0.6
IDIOSYNCRATIC_SD = 0.7

# Every demo judgment matrix must have a CR (the scoring engine's: eigenvector, Saaty RI) below the threshold.
CR_THRESHOLD = 0.1
# Computed check values are written rounded, so that rounding noise in the last bits, which differs from one
# CPU to another, cannot change a byte of panels.yaml.
CHECK_VALUE_DECIMALS = 4
SAATY_SCALE = np.array([1 / k for k in range(9, 1, -1)] + list(range(1, 10)), dtype=float)
EXPERTS_PER_PANEL = 5
EXPERT_LETTERS = "ABCDE"
EXPERT_WEIGHT_SPREAD = 0.25  # log-sd of an expert's own view of the target weights
JUDGMENT_NOISE = 0.15  # log-sd of the noise on each single comparison
GOAL_GROUP_TOLERANCE = 0.025  # tighter than the promised 0.03, so the promise holds with margin
NODE_GROUP_TOLERANCE = 0.05
MAX_DRAWS = 10_000

PANEL_NAMES = {
    "basic": ("Basic-cluster demo panel", "基础型集群演示专家组", "基础型"),
    "strategic": ("Strategic-cluster demo panel", "战略型集群演示专家组", "战略型"),
    "cutting_edge": ("Cutting-edge-cluster demo panel", "前沿型集群演示专家组", "前沿型"),
}


@dataclass(frozen=True)
class Indicator:
    """The facts of one indicator the generator needs."""

    code: str
    criterion: str
    unit: str
    direction: str
    ref_min: float
    ref_max: float
    valid_min: float | None
    valid_max: float | None
    integer: bool
    decimals: int

    @property
    def span(self) -> float:
        return self.ref_max - self.ref_min

    def is_valid(self, value: float) -> bool:
        return (self.valid_min is None or value >= self.valid_min) and (
            self.valid_max is None or value <= self.valid_max
        )


def _require(condition: bool, message: str) -> None:
    """Fail generation loudly; unlike `assert`, this survives `python -O`."""
    if not condition:
        raise RuntimeError(message)


def load_indicators(path: Path = DEMO_DIR / "indicator_system.yaml") -> list[Indicator]:
    """Read the indicator system as a flat list in code order."""
    system = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Indicator(
            code=item["code"],
            criterion=criterion["code"],
            unit=item["unit"],
            direction=item["direction"],
            ref_min=float(item["ref_min"]),
            ref_max=float(item["ref_max"]),
            valid_min=None if item["valid_min"] is None else float(item["valid_min"]),
            valid_max=None if item["valid_max"] is None else float(item["valid_max"]),
            integer=bool(item["integer"]),
            decimals=int(item["decimals"]),
        )
        for criterion in system["criteria"]
        for item in criterion["indicators"]
    ]


def load_clusters(path: Path = DEMO_DIR / "clusters.yaml") -> list[dict[str, Any]]:
    """Read the demo clusters in file order."""
    clusters: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["clusters"]
    return clusters


# --------------------------------------------------------------------------- observations


def _category_effect(category: str, indicator: Indicator) -> float:
    effects = CATEGORY_EFFECTS[category]
    return effects.get(indicator.code, effects.get(indicator.criterion, 0.0))


def _position_to_value(position: float, indicator: Indicator) -> float:
    """Map a position in (0, 1) onto the reference range; wide ranges log-scaled, as counts are skewed."""
    lo, hi = indicator.ref_min, indicator.ref_max
    if lo > 0 and hi / lo >= 10:
        return float(lo * (hi / lo) ** position)
    if lo == 0:
        offset = hi / 20
        return float(offset * ((hi + offset) / offset) ** position - offset)
    return lo + indicator.span * position


def _yearly_path(level: float, indicator: Indicator, rng: np.random.Generator) -> np.ndarray:
    """Values 2021..2024 from the 2021 level: benefit indicators mostly improve, cost indicators fall."""
    steps = len(YEARS) - 1
    sign = 1.0 if indicator.direction == "benefit" else -1.0
    if indicator.unit == "%":
        drift = indicator.span * rng.normal(0.02, 0.012)
        changes = drift + indicator.span * rng.normal(0.0, 0.008, steps)
        return level + sign * np.concatenate([[0.0], np.cumsum(changes)])
    mean_growth = 0.02 if indicator.unit == "ratio" else 0.05
    growth = sign * abs(rng.normal(mean_growth, 0.025)) + rng.normal(0.0, 0.02, steps)
    return level * np.concatenate([[1.0], np.cumprod(1.0 + growth)])


def _round(value: float, indicator: Indicator) -> float:
    return float(round(value, indicator.decimals))


def _push_out_of_range(value: float, indicator: Indicator, rng: np.random.Generator) -> float:
    """A value a few per cent beyond the nearer end of the reference range, inside the validity limits."""
    unit = 10.0**-indicator.decimals
    factor = rng.uniform(0.01, 0.04) if indicator.ref_max > 20 else rng.uniform(0.03, 0.08)
    if value >= (indicator.ref_min + indicator.ref_max) / 2:
        pushed = _round(indicator.ref_max * (1 + factor), indicator)
        return max(pushed, _round(indicator.ref_max + unit, indicator))
    pushed = _round(indicator.ref_min * (1 - factor), indicator)
    return min(pushed, _round(indicator.ref_min - unit, indicator))


def _can_push_out(value: float, indicator: Indicator) -> bool:
    """Whether the cell sits at an end of the reference range that has room before the validity limit."""
    if value >= indicator.ref_max * 0.97:
        return indicator.valid_max is None or indicator.ref_max * 1.1 <= indicator.valid_max
    if indicator.ref_min > 0 and value <= indicator.ref_min * 1.03:
        return indicator.ref_min * 0.9 >= (indicator.valid_min or 0.0) + 10.0**-indicator.decimals
    return False


def generate_observations(
    indicators: Sequence[Indicator], clusters: Sequence[Mapping[str, Any]], rng: np.random.Generator
) -> dict[tuple[str, str, int], float]:
    """Synthetic values for every cluster × indicator × year except the documented missing cells."""
    strength = rng.normal(0.0, CLUSTER_STRENGTH_SD, len(clusters))
    paths = np.empty((len(clusters), len(indicators), len(YEARS)))
    for c, cluster in enumerate(clusters):
        for i, indicator in enumerate(indicators):
            logit = strength[c] + _category_effect(cluster["category"], indicator)
            goodness = 1.0 / (1.0 + np.exp(-(logit + rng.normal(0.0, IDIOSYNCRATIC_SD))))
            position = goodness if indicator.direction == "benefit" else 1.0 - goodness
            paths[c, i] = _yearly_path(_position_to_value(position, indicator), indicator, rng)

    for i, indicator in enumerate(indicators):
        paths[:, i] = np.clip(paths[:, i], indicator.ref_min, indicator.ref_max)
        if indicator.code in NATIONAL_MEANS_2021:
            # A common shift moves the 2021 mean onto the national figure; iterate because clipping bites.
            for _ in range(20):
                shift = NATIONAL_MEANS_2021[indicator.code] - paths[:, i, 0].mean()
                paths[:, i] = np.clip(paths[:, i] + shift, indicator.ref_min, indicator.ref_max)

    values: dict[tuple[str, str, int], float] = {}
    for c, cluster in enumerate(clusters):
        for i, indicator in enumerate(indicators):
            for y, year in enumerate(YEARS):
                key = (cluster["code"], indicator.code, year)
                if key not in MISSING_CELLS:
                    values[key] = _round(float(paths[c, i, y]), indicator)

    by_code = {indicator.code: indicator for indicator in indicators}
    candidates = sorted(key for key, value in values.items() if _can_push_out(value, by_code[key[1]]))
    _require(len(candidates) >= OUT_OF_RANGE_CELL_COUNT, "too few cells near a reference bound")
    for index in sorted(rng.choice(len(candidates), OUT_OF_RANGE_CELL_COUNT, replace=False)):
        key = candidates[index]
        values[key] = _push_out_of_range(values[key], by_code[key[1]], rng)
    values.update(OUTLIER_CELLS)

    _check_observations(values, by_code, len(clusters))
    return values


def _check_observations(
    values: Mapping[tuple[str, str, int], float], by_code: Mapping[str, Indicator], cluster_count: int
) -> None:
    expected = cluster_count * len(by_code) * len(YEARS) - len(MISSING_CELLS)
    _require(len(values) == expected, f"expected {expected} observations, got {len(values)}")
    outside = 0
    for (_, code, _), value in values.items():
        indicator = by_code[code]
        _require(indicator.is_valid(value), f"{code} value {value} outside the validity limits")
        outside += not indicator.ref_min <= value <= indicator.ref_max
    expected_outside = OUT_OF_RANGE_CELL_COUNT + len(OUTLIER_CELLS)
    _require(outside == expected_outside, f"{outside} values outside the reference ranges, not {expected_outside}")
    for code, target in NATIONAL_MEANS_2021.items():
        mean = statistics.fmean([v for (_, c, year), v in values.items() if c == code and year == YEARS[0]])
        _require(abs(mean - target) < 1.0, f"2021 mean of {code} is {mean:.1f}, not about {target}")


def _format_value(value: float, indicator: Indicator) -> str:
    return f"{value:.{indicator.decimals}f}"


def write_observations(
    path: Path,
    values: Mapping[tuple[str, str, int], float],
    indicators: Sequence[Indicator],
    clusters: Sequence[Mapping[str, Any]],
) -> None:
    """Write the long-format CSV in cluster, indicator, year order."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["cluster_code", "indicator_code", "year", "value", "source"])
        for cluster in clusters:
            for indicator in indicators:
                for year in YEARS:
                    key = (cluster["code"], indicator.code, year)
                    if key in values:
                        value = _format_value(values[key], indicator)
                        writer.writerow([cluster["code"], indicator.code, year, value, SOURCE])


# --------------------------------------------------------------------------- expert panels


def _check_value(value: float) -> float:
    """A computed value as panels.yaml holds it: rounded, and never -0.0 (adding 0.0 turns -0.0 into 0.0)."""
    return round(float(value), CHECK_VALUE_DECIMALS) + 0.0


def _snap_to_scale(ratio: float) -> float:
    """Nearest value of Saaty's 1/9..9 scale, measured on the log scale."""
    return float(SAATY_SCALE[np.argmin(np.abs(np.log(SAATY_SCALE) - np.log(ratio)))])


def _expert_matrix(target: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """One expert's judgments on Saaty's scale (the target weights seen through the expert's own view) and CR."""
    n = len(target)
    for _ in range(MAX_DRAWS):
        view = target * np.exp(rng.normal(0.0, EXPERT_WEIGHT_SPREAD, n))
        matrix = np.ones((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                judgment = _snap_to_scale(view[i] / view[j] * np.exp(rng.normal(0.0, JUDGMENT_NOISE)))
                matrix[i, j], matrix[j, i] = judgment, 1.0 / judgment
        consistency_ratio = ahp.priorities(matrix).cr
        if consistency_ratio < CR_THRESHOLD:
            return matrix, consistency_ratio
    raise RuntimeError("no consistent expert matrix found")


def _panel_node(
    target: Sequence[float], tolerance: float, rng: np.random.Generator
) -> tuple[list[tuple[np.ndarray, float]], np.ndarray]:
    """Five experts' matrices (with their CR) for one tree node whose group priorities stay near the target.

    The group priorities are the engine's AIJ ones: eigenvector priorities of the element-wise geometric mean.
    """
    weights = np.asarray(target, dtype=float)
    _require(abs(weights.sum() - 1.0) < 1e-9, f"target weights {target} do not sum to 1")
    for _ in range(MAX_DRAWS):
        experts = [_expert_matrix(weights, rng) for _ in range(EXPERTS_PER_PANEL)]
        panel = [ahp.ExpertJudgment(f"E{k + 1}", 1.0, matrix) for k, (matrix, _) in enumerate(experts)]
        priorities = ahp.group(panel, aggregation="aij").weights
        if np.max(np.abs(priorities - weights)) <= tolerance:
            return experts, priorities
    raise RuntimeError(f"no panel found for target weights {target}")


def _judgment(value: float) -> int | str:
    """A scale value as written in panels.yaml: an integer 1..9, or the string '1/k'."""
    return round(value) if value >= 1 else f"1/{round(1 / value)}"


def generate_panels(indicators: Sequence[Indicator], rng: np.random.Generator) -> dict[str, Any]:
    """One demo panel per category: five experts, a judgment matrix per node of the indicator tree."""
    criteria = list(dict.fromkeys(indicator.criterion for indicator in indicators))
    node_items: dict[str, list[str]] = {"goal": criteria}
    for criterion in criteria:
        node_items[criterion] = [ind.code for ind in indicators if ind.criterion == criterion]

    panels = []
    for category in CATEGORIES:
        targets = {"goal": STARTING_WEIGHTS[category], **INDICATOR_TARGET_WEIGHTS[category]}
        experts: list[dict[str, Any]] = [{} for _ in range(EXPERTS_PER_PANEL)]
        group: dict[str, dict[str, float]] = {}
        for node, items in node_items.items():
            _require(len(targets[node]) == len(items), f"{category}/{node}: target size mismatch")
            tolerance = GOAL_GROUP_TOLERANCE if node == "goal" else NODE_GROUP_TOLERANCE
            node_experts, priorities = _panel_node(targets[node], tolerance, rng)
            group[node] = {item: _check_value(p) for item, p in zip(items, priorities, strict=True)}
            for judgments, (matrix, consistency_ratio) in zip(experts, node_experts, strict=True):
                judgments[node] = {
                    "items": list(items),
                    "matrix": [[_judgment(value) for value in row] for row in matrix],
                    "consistency_ratio": _check_value(consistency_ratio),
                }
        name, name_zh, category_zh = PANEL_NAMES[category]
        panels.append(
            {
                "category": category,
                "name": name,
                "name_zh": name_zh,
                "target_weights": {
                    node: dict(zip(items, targets[node], strict=True)) for node, items in node_items.items()
                },
                "experts": [
                    {
                        "expert_code": f"{category.upper().replace('_', '-')}-E{k + 1}",
                        "name": f"Expert {letter} ({category.replace('_', '-')} panel)",
                        "name_zh": f"专家{letter}（{category_zh}专家组）",
                        "judgments": judgments,
                    }
                    for k, (letter, judgments) in enumerate(zip(EXPERT_LETTERS, experts, strict=True))
                ],
                "group_priorities": group,
            }
        )
    return {"seed": SEED, "synthetic": True, "scale": "saaty", "cr_threshold": CR_THRESHOLD, "panels": panels}


PANELS_HEADER = """\
# SYNTHETIC demo expert panels, generated by `python infra/scripts/generate_demo.py` (seed 20211).
# Do not edit by hand. One panel per cluster category, five experts each; every expert gives a full
# pairwise comparison matrix for every node of the tree (goal over C1..C7, each criterion over its
# indicators). matrix[i][j] says how much more important items[i] is than items[j] on Saaty's scale:
# an integer 1..9 or the string "1/k". Each expert's consistency_ratio (eigenvector method, Saaty RI) is
# below 0.1. group_priorities are check values: eigenvector priorities of the element-wise geometric mean
# of the five experts' matrices; for the goal they lie within 0.03 of target_weights (DOMAIN.md).
"""


def write_panels(path: Path, panels: Mapping[str, Any]) -> None:
    body = yaml.safe_dump(dict(panels), sort_keys=False, allow_unicode=True, default_flow_style=None, width=110)
    path.write_text(PANELS_HEADER + body, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- entry point


PROFILES_HEADER = """\
# SYNTHETIC demo weight profiles, generated by `python infra/scripts/generate_demo.py` from panels.yaml.
# Do not edit by hand. Each profile is the group result of its panels' judgments (AIJ, eigenvector, Saaty
# RI), computed with the scoring engine; the demo loader publishes them as they are, with the stored
# judgments as their snapshot. Weights are rounded to 12 decimals.
"""
NATIONAL_PROFILE_NAME = "National review panel (all 15 experts)"
NATIONAL_PROFILE_NAME_ZH = "全国评审专家组（全部15位专家）"
PROFILE_DECIMALS = 12


def _rounded(value: Any) -> Any:
    """Every float of a nested structure rounded, so that no last-bit difference reaches the file."""
    if isinstance(value, float):
        return round(value, PROFILE_DECIMALS) + 0.0
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def _snapshot(panel: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A panel's judgments as the indicator service stores them: each written once, so at version 1."""
    return [
        {"expert": expert["expert_code"], "weight": 1.0, "node": node, **judgment, "version": 1}
        for expert in panel["experts"]
        for node, judgment in expert["judgments"].items()
    ]


def generate_profiles(indicators: Sequence[Indicator], panels: Mapping[str, Any]) -> dict[str, Any]:
    """One profile per panel, then the default one from every panel's experts together."""
    tree: dict[str, list[str]] = {"goal": []}
    for indicator in indicators:
        if indicator.criterion not in tree:
            tree["goal"].append(indicator.criterion)
            tree[indicator.criterion] = []
        tree[indicator.criterion].append(indicator.code)
    sources = [(panel["name"], panel["name_zh"], [panel], panel["category"], False) for panel in panels["panels"]] + [
        (NATIONAL_PROFILE_NAME, NATIONAL_PROFILE_NAME_ZH, list(panels["panels"]), None, True)
    ]
    profiles = []
    for name, name_zh, members, category, make_default in sources:
        computed = compute_profile(tree, [j for panel in members for j in _snapshot(panel)])
        body = {key: value for key, value in computed.items() if key != "judgments"}
        profiles.append(
            {
                "name": name,
                "name_zh": name_zh,
                "panels": [panel["category"] for panel in members],
                "category": category,
                "make_default": make_default,
                **_rounded(body),
            }
        )
    return {"seed": SEED, "synthetic": True, "profiles": profiles}


def write_profiles(path: Path, profiles: Mapping[str, Any]) -> None:
    body = yaml.safe_dump(dict(profiles), sort_keys=False, allow_unicode=True, default_flow_style=None, width=110)
    path.write_text(PROFILES_HEADER + body, encoding="utf-8", newline="\n")


def generate(output_dir: Path = DEMO_DIR) -> tuple[Path, Path, Path]:
    """Regenerate observations.csv, panels.yaml and profiles.yaml into output_dir."""
    indicators = load_indicators()
    clusters = load_clusters()
    observation_rng, panel_rng = np.random.default_rng(SEED).spawn(2)
    output_dir.mkdir(parents=True, exist_ok=True)
    observations_path = output_dir / "observations.csv"
    panels_path = output_dir / "panels.yaml"
    profiles_path = output_dir / "profiles.yaml"
    values = generate_observations(indicators, clusters, observation_rng)
    write_observations(observations_path, values, indicators, clusters)
    panels = generate_panels(indicators, panel_rng)
    write_panels(panels_path, panels)
    write_profiles(profiles_path, generate_profiles(indicators, panels))
    return observations_path, panels_path, profiles_path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Regenerate the synthetic demo data set.")
    parser.add_argument("--output-dir", type=Path, default=DEMO_DIR, help="where to write the files")
    args = parser.parse_args(argv)
    for path in generate(args.output_dir):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
