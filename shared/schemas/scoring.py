"""v1 schemas of the scoring service's computations: AHP, scores, method comparison, sensitivity and weights."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.schemas.panels import PairwiseJudgment

# Declared in shared.schemas.vocabulary; a name imported `as` itself is re-exported for the modules that import it
# from here.
from shared.schemas.vocabulary import (
    Aggregation,
    Completion,
    ConsensusBand,
    Direction,
    PriorityMethod,
    RankingMethod,
    RiTable,
)
from shared.schemas.vocabulary import CombinationMethod as CombinationMethod
from shared.schemas.vocabulary import Normalization as Normalization
from shared.schemas.vocabulary import ObjectiveMethod as ObjectiveMethod
from shared.schemas.vocabulary import ScoreMethod as ScoreMethod

# The engine's limit (services.scoring.engine.sensitivity.MAX_SAMPLES), repeated here because shared/ does not
# import the services; a test keeps the two equal.
MAX_SENSITIVITY_SAMPLES = 100_000
# Bounds of one request, so that no caller (a viewer included) can ask for unbounded work or an unbounded answer.
MAX_ALTERNATIVES = 2_000
"""Alternatives (rows) of one decision problem."""
MAX_CRITERIA = 200
"""Criteria (columns) of one decision problem."""
MAX_SENSITIVITY_ALTERNATIVES = 500
"""Alternatives of a sensitivity request: its answer holds an alternatives × ranks table of shares."""
MAX_SENSITIVITY_CELLS = 50_000_000
"""samples × alternatives × criteria that one sensitivity request may score (the 80 × 30 × 10,000 of a large
year are 24 million)."""
MAX_SWEEP_CELLS = 2_000_000
"""sweep points × alternatives of a sweep (its answer lists a score and a rank for each)."""
DEFAULT_COMPARE_METHODS: tuple[ScoreMethod, ...] = get_args(RankingMethod)
"""What /v1/compare runs when the request names no methods: every method a ranking of stored data may use."""

NonNegative = Annotated[float, Field(ge=0)]
MAX_MATRIX_ORDER = 200
"""Items of one pairwise comparison: twice the largest n of a tabulated random index (Donegan and Dodd's 100);
only Alonso and Lamata's fit goes beyond, and no panel compares that many items in one matrix."""
MAX_PANEL_EXPERTS = 500
"""Experts' matrices in one group request."""
MAX_HIERARCHY_NODES = 5_000
MAX_HIERARCHY_DEPTH = 20
PairwiseMatrix = Annotated[
    list[Annotated[list[PairwiseJudgment], Field(max_length=MAX_MATRIX_ORDER)]], Field(max_length=MAX_MATRIX_ORDER)
]

_MATRIX_DOC = (
    "Square pairwise comparison matrix: `matrix[i][j]` says how many times more important item i is than item j. "
    'Each entry is a positive number, a fraction string such as "1/3", or null for a missing judgment (null in '
    "both `[i][j]` and `[j][i]`). The diagonal is 1 and `[j][i]` is the reciprocal of `[i][j]` (relative tolerance "
    "1e-3)."
)
_METHOD_DOC = (
    "`eigenvector`: Saaty's principal right eigenvector (missing judgments filled as `completion` says); "
    "`geometric_mean`: row geometric mean (logarithmic least squares over the judgments given)."
)
_COMPLETION_DOC = (
    "How `eigenvector` fills missing judgments: `harker` (Harker's method: a missing pair becomes 0 and each "
    "diagonal entry 1 + the judgments missing in its row) or `optimal` (the values that minimise lambda_max of the "
    "completed matrix, Bozóki, Fülöp and Rónyai 2010, as AHPy computes them; each kept between 1e-9 and 1e9). "
    "`geometric_mean` always uses logarithmic least squares, whatever `completion` says."
)
_RI_DOC = (
    "Random index table for the consistency ratio: `saaty` (n ≤ 15), `alonso_lamata` (linear fit, any n), "
    "`donegan_dodd` (n ≤ 100), `tummala_ling` (n ≤ 15). An n beyond the table is a 422 naming its largest n."
)
_SCORE_METHOD_DOC = (
    "MCDA method: `topsis` (closeness to the ideal, Hwang and Yoon), `vikor` (compromise index Q, v = 0.5; lower "
    "Q is better), `promethee_ii` (net outranking flow, usual preference function), `wsm` (weighted sum), "
    "`waspas` (λ = 0.5), `edas` (distance from the average solution; values ≥ 0), `mabac`, `wpm` (weighted "
    "product), `aras` (additive ratio assessment)."
)
_NORMALIZATION_DOC = (
    "Column normalisation; null: the method's default (`vector` for topsis, `minmax` for vikor and mabac, `sum` "
    "for wsm, wpm and aras, `linear` for waspas). promethee_ii and edas use none and refuse one. `sum`, `linear`, "
    "`nonlinear` and `zavadskas_turskis` need values > 0, `max` values ≥ 0."
)


class _Request(BaseModel):
    # A misspelt field (say `normalisation`) would otherwise be dropped silently and its default used instead.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class _Response(BaseModel):
    # Constructing a response with NaN or infinity fails, so no such number can reach a client.
    model_config = ConfigDict(allow_inf_nan=False)


# --- examples: outputs computed by the service itself, to 4 decimals; a test checks them against the endpoints ---

DRINKS_MATRIX: list[list[Any]] = [
    [1, 9, 5, 2, 1, 1, "1/2"],
    ["1/9", 1, "1/3", "1/9", "1/9", "1/9", "1/9"],
    ["1/5", 3, 1, "1/3", "1/4", "1/3", "1/9"],
    ["1/2", 9, 3, 1, "1/2", 1, "1/3"],
    [1, 9, 4, 2, 1, 2, "1/2"],
    [1, 9, 3, 1, "1/2", 1, "1/3"],
    [2, 9, 9, 3, 2, 3, 1],
]
DRINKS_LABELS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
PRIORITIES_EXAMPLE: dict[str, Any] = {
    "matrix": DRINKS_MATRIX,
    "labels": DRINKS_LABELS,
    "method": "eigenvector",
    "completion": "harker",
    "ri_table": "saaty",
    "cr_threshold": 0.1,
}
PRIORITIES_INCOMPLETE_EXAMPLE: dict[str, Any] = {
    "matrix": [[1, 3, "1/5"], ["1/3", 1, None], [5, None, 1]],
    "labels": ["a", "b", "c"],
    "completion": "optimal",
}
PRIORITIES_RESULT_EXAMPLE: dict[str, Any] = {
    "weights": [0.1775, 0.0191, 0.0418, 0.1164, 0.1896, 0.1288, 0.3268],
    "lambda_max": 7.1766,
    "ci": 0.0294,
    "ri": 1.32,
    "cr": 0.0223,
    "consistent": True,
    "completed_matrix": [
        [1.0, 9.0, 5.0, 2.0, 1.0, 1.0, 0.5],
        [0.1111, 1.0, 0.3333, 0.1111, 0.1111, 0.1111, 0.1111],
        [0.2, 3.0, 1.0, 0.3333, 0.25, 0.3333, 0.1111],
        [0.5, 9.0, 3.0, 1.0, 0.5, 1.0, 0.3333],
        [1.0, 9.0, 4.0, 2.0, 1.0, 2.0, 0.5],
        [1.0, 9.0, 3.0, 1.0, 0.5, 1.0, 0.3333],
        [2.0, 9.0, 9.0, 3.0, 2.0, 3.0, 1.0],
    ],
    "inconsistencies": [
        {"row": 1, "col": 6, "value": 0.1111, "suggested": 0.0586, "best_value": 0.1111, "cr_after": 0.0223},
        {"row": 1, "col": 3, "value": 0.1111, "suggested": 0.1645, "best_value": 0.1836, "cr_after": 0.0189},
        {"row": 0, "col": 5, "value": 1.0, "suggested": 1.378, "best_value": 1.5773, "cr_after": 0.0196},
    ],
    "labels": ["coffee", "wine", "tea", "beer", "soda", "milk", "water"],
}

GROUP_EXAMPLE: dict[str, Any] = {
    "judgments": [
        {"expert": "e1", "weight": 2, "matrix": [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]]},
        {"expert": "e2", "weight": 1, "matrix": [[1, 2, 7], ["1/2", 1, 3], ["1/7", "1/3", 1]]},
        {"expert": "e3", "weight": 1, "matrix": [[1, 4, None], ["1/4", 1, 2], [None, "1/2", 1]]},
    ],
    "aggregation": "aij",
    "method": "eigenvector",
    "completion": "harker",
    "ri_table": "saaty",
    "cr_threshold": 0.1,
}
GROUP_RESULT_EXAMPLE: dict[str, Any] = {
    "weights": [0.6534, 0.2352, 0.1114],
    "aggregation": "aij",
    "aggregated_matrix": [[1.0, 2.913, 5.5934], [0.3433, 1.0, 2.2134], [0.1788, 0.4518, 1.0]],
    "lambda_max": 3.0022,
    "ci": 0.0011,
    "ri": 0.58,
    "cr": 0.0019,
    "consistent": True,
    "consensus": 0.9916,
    "ahp_consensus": 0.9857,
    "consensus_band": "very_high",
    "experts": [
        {"expert": "e1", "weights": [0.6483, 0.2297, 0.122], "cr": 0.0032, "consistent": True},
        {"expert": "e2", "weights": [0.6153, 0.2922, 0.0925], "cr": 0.0023, "consistent": True},
        {"expert": "e3", "weights": [0.7273, 0.1818, 0.0909], "cr": 0.0, "consistent": True},
    ],
}

HIERARCHY_EXAMPLE: dict[str, Any] = {
    "tree": {
        "name": "Goal",
        "matrix": [[1, 3], ["1/3", 1]],
        "children": [
            {
                "name": "Jobs",
                "matrix": [[1, 2, 4], ["1/2", 1, 3], ["1/4", "1/3", 1]],
                "children": [{"name": "Boston"}, {"name": "Denver"}, {"name": "Austin"}],
            },
            {
                "name": "Climate",
                "weights": [0.2, 0.3, 0.5],
                "children": [{"name": "Boston"}, {"name": "Denver"}, {"name": "Austin"}],
            },
        ],
    },
    "method": "eigenvector",
    "ri_table": "saaty",
}
HIERARCHY_RESULT_EXAMPLE: dict[str, Any] = {
    "nodes": [
        {"path": "Goal/Jobs", "local_weight": 0.75, "global_weight": 0.75, "cr": 0.0158},
        {"path": "Goal/Jobs/Boston", "local_weight": 0.5584, "global_weight": 0.4188, "cr": 0.0},
        {"path": "Goal/Jobs/Denver", "local_weight": 0.3196, "global_weight": 0.2397, "cr": 0.0},
        {"path": "Goal/Jobs/Austin", "local_weight": 0.122, "global_weight": 0.0915, "cr": 0.0},
        {"path": "Goal/Climate", "local_weight": 0.25, "global_weight": 0.25, "cr": 0.0},
        {"path": "Goal/Climate/Boston", "local_weight": 0.2, "global_weight": 0.05, "cr": 0.0},
        {"path": "Goal/Climate/Denver", "local_weight": 0.3, "global_weight": 0.075, "cr": 0.0},
        {"path": "Goal/Climate/Austin", "local_weight": 0.5, "global_weight": 0.125, "cr": 0.0},
    ],
    "leaves": {"Boston": 0.4688, "Denver": 0.3147, "Austin": 0.2165},
    "consistent": True,
    "cr": 0.0,
}

SCORE_EXAMPLE: dict[str, Any] = {
    "alternatives": ["A1", "A2", "A3"],
    "criteria": [
        {"name": "cost", "type": "cost", "weight": 0.4},
        {"name": "quality", "type": "benefit", "weight": 0.6},
    ],
    "matrix": [[250, 7], [200, 6], [300, 9]],
    "method": "topsis",
    "normalization": "vector",
}
SCORE_RESULT_EXAMPLE: dict[str, Any] = {
    "method": "topsis",
    "normalization": "vector",
    "higher_is_better": True,
    "results": [
        {"alternative": "A3", "score": 0.6051, "rank": 1},
        {"alternative": "A2", "score": 0.3949, "rank": 2},
        {"alternative": "A1", "score": 0.3859, "rank": 3},
    ],
    "warnings": [],
}

COMPARE_EXAMPLE: dict[str, Any] = {
    **{key: value for key, value in SCORE_EXAMPLE.items() if key not in ("method", "normalization")},
    "methods": ["topsis", "vikor", "promethee_ii"],
}
COMPARE_RESULT_EXAMPLE: dict[str, Any] = {
    "methods": ["topsis", "vikor", "promethee_ii"],
    "rankings": [
        {
            "method": "topsis",
            "normalization": "vector",
            "higher_is_better": True,
            "results": [
                {"alternative": "A3", "score": 0.6051, "rank": 1},
                {"alternative": "A2", "score": 0.3949, "rank": 2},
                {"alternative": "A1", "score": 0.3859, "rank": 3},
            ],
        },
        {
            "method": "vikor",
            "normalization": "minmax",
            "higher_is_better": False,
            "results": [
                {"alternative": "A3", "score": 0.0, "rank": 1},
                {"alternative": "A1", "score": 0.5, "rank": 2},
                {"alternative": "A2", "score": 1.0, "rank": 3},
            ],
        },
        {
            "method": "promethee_ii",
            "normalization": None,
            "higher_is_better": True,
            "results": [
                {"alternative": "A3", "score": 0.2, "rank": 1},
                {"alternative": "A1", "score": 0.0, "rank": 2},
                {"alternative": "A2", "score": -0.2, "rank": 3},
            ],
        },
    ],
    "spearman": [[1.0, 0.5, 0.5], [0.5, 1.0, 1.0], [0.5, 1.0, 1.0]],
    "ws": [[1.0, 0.6875, 0.6875], [0.6875, 1.0, 1.0], [0.6875, 1.0, 1.0]],
    "warnings": [],
}

SENSITIVITY_EXAMPLE: dict[str, Any] = {
    **SCORE_EXAMPLE,
    "samples": 10000,
    "seed": 42,
    "concentration": 50,
    "sweep_criterion": "cost",
    "sweep_points": 5,
}
SENSITIVITY_RESULT_EXAMPLE: dict[str, Any] = {
    "method": "topsis",
    "normalization": "vector",
    "samples": 10000,
    "seed": 42,
    "concentration": 50.0,
    "rank_acceptability": [
        {"alternative": "A1", "by_rank": [0.0, 0.4462, 0.5538]},
        {"alternative": "A2", "by_rank": [0.0638, 0.4979, 0.4383]},
        {"alternative": "A3", "by_rank": [0.9362, 0.0559, 0.0079]},
    ],
    "weight_stability": [
        {"criterion": "cost", "weight": 0.4, "min": 0.3873, "max": 0.5053},
        {"criterion": "quality", "weight": 0.6, "min": 0.4947, "max": 0.6127},
    ],
    "sweep": {
        "criterion": "cost",
        "weights": [0.0, 0.25, 0.5, 0.75, 1.0],
        "scores": {
            "A1": [0.3333, 0.351, 0.4172, 0.4829, 0.5],
            "A2": [0.0, 0.246, 0.4947, 0.746, 1.0],
            "A3": [1.0, 0.754, 0.5053, 0.254, 0.0],
        },
        "ranks": {"A1": [2, 2, 3, 2, 2], "A2": [3, 3, 2, 1, 1], "A3": [1, 1, 1, 3, 3]},
    },
    "warnings": [],
}

OBJECTIVE_WEIGHTS_EXAMPLE: dict[str, Any] = {
    "criteria": [
        {"name": "cost", "type": "cost"},
        {"name": "quality", "type": "benefit"},
        {"name": "delivery", "type": "benefit"},
    ],
    "matrix": [[250, 7, 3], [200, 6, 5], [300, 9, 4], [275, 8, 2]],
    "method": "entropy",
}
OBJECTIVE_WEIGHTS_RESULT_EXAMPLE: dict[str, Any] = {
    "method": "entropy",
    "weights": {"cost": 0.1438, "quality": 0.1502, "delivery": 0.7061},
    "warnings": [],
}

COMBINED_WEIGHTS_EXAMPLE: dict[str, Any] = {
    "subjective": [0.5, 0.3, 0.2],
    "objective": [0.2, 0.3, 0.5],
    "method": "linear",
    "alpha": 0.6,
}
COMBINED_WEIGHTS_RESULT_EXAMPLE: dict[str, Any] = {
    "method": "linear",
    "alpha": 0.6,
    "weights": [0.38, 0.3, 0.32],
    "warnings": [],
}


# --- AHP ----------------------------------------------------------------------------------------------------


class _AhpSettings(_Request):
    """How priorities and consistency are computed, the same for one matrix, a panel and a hierarchy."""

    method: PriorityMethod = Field(default="eigenvector", description=_METHOD_DOC)
    completion: Completion = Field(default="harker", description=_COMPLETION_DOC)
    ri_table: RiTable = Field(default="saaty", description=_RI_DOC)
    cr_threshold: float = Field(default=0.1, ge=0, description="A matrix is consistent when `cr <= cr_threshold`.")


class PrioritiesRequest(_AhpSettings):
    model_config = ConfigDict(json_schema_extra={"examples": [PRIORITIES_EXAMPLE, PRIORITIES_INCOMPLETE_EXAMPLE]})

    matrix: PairwiseMatrix = Field(min_length=1, description=_MATRIX_DOC)
    labels: list[str] | None = Field(
        default=None, description="Names of the items compared, in row order (echoed back); one per row, unique."
    )


class Inconsistency(_Response):
    row: int = Field(description="Row of the judgment (0-based), in the upper triangle.")
    col: int = Field(description="Column of the judgment (0-based).")
    value: float = Field(description="The judgment given.")
    suggested: float = Field(description="The value `w_row / w_col` that would agree with the priorities.")
    best_value: float = Field(
        description="The value in [1/9, 9] of this judgment (its reciprocal following) that minimises lambda_max "
        "with every other judgment kept."
    )
    cr_after: float = Field(description="The consistency ratio the matrix has with `best_value` for this judgment.")


class PrioritiesResponse(_Response):
    model_config = ConfigDict(json_schema_extra={"examples": [PRIORITIES_RESULT_EXAMPLE]})

    weights: list[float] = Field(description="Priorities in the order of the rows; they sum to 1.")
    lambda_max: float = Field(description="Principal eigenvalue of the completed matrix.")
    ci: float = Field(description="Consistency index `(lambda_max - n) / (n - 1)`; 0 for n ≤ 2.")
    ri: float = Field(description="Random index of the chosen table for this n; 0 for n ≤ 2.")
    cr: float = Field(description="Consistency ratio `ci / ri`; 0 for n ≤ 2.")
    consistent: bool = Field(description="`cr <= cr_threshold`.")
    completed_matrix: list[list[float]] = Field(
        description="The matrix as numbers, each missing judgment filled: with its consistent value `w_i / w_j` "
        "(`harker`, and always with `geometric_mean`), or with the value that minimises lambda_max (`optimal`)."
    )
    inconsistencies: list[Inconsistency] = Field(
        description="The given judgments that contribute most to the inconsistency, worst first (at most 3); "
        "empty when the matrix is perfectly consistent."
    )
    labels: list[str] | None = Field(default=None, description="The request's labels; null when none were given.")


class ExpertMatrix(_Request):
    expert: str = Field(min_length=1, description="Name or code of the expert; unique within the request.")
    weight: float = Field(
        default=1.0, gt=0, description="The expert's weight in the aggregation (default 1); normalised over experts."
    )
    matrix: PairwiseMatrix = Field(min_length=1, description=_MATRIX_DOC + " Every expert compares the same items.")


class GroupRequest(_AhpSettings):
    model_config = ConfigDict(json_schema_extra={"examples": [GROUP_EXAMPLE]})

    judgments: list[ExpertMatrix] = Field(
        min_length=1,
        max_length=MAX_PANEL_EXPERTS,
        description=f"Each expert's matrix over the same items (at most {MAX_PANEL_EXPERTS} experts).",
    )
    aggregation: Aggregation = Field(
        default="aij",
        description="`aij`: element-wise weighted geometric mean of the judgments (over the experts who gave each "
        "one), then priorities of that matrix; `aip`: weighted arithmetic mean of each expert's priorities.",
    )


class ExpertPriorities(_Response):
    expert: str = Field(description="The expert.")
    weights: list[float] = Field(description="The expert's own priorities; they sum to 1.")
    cr: float = Field(description="Consistency ratio of the expert's matrix.")
    consistent: bool = Field(description="`cr <= cr_threshold`.")


class GroupResponse(_Response):
    model_config = ConfigDict(json_schema_extra={"examples": [GROUP_RESULT_EXAMPLE]})

    weights: list[float] = Field(description="Group priorities in the order of the rows; they sum to 1.")
    aggregation: Aggregation = Field(description="How the experts were combined.")
    aggregated_matrix: list[list[float]] | None = Field(
        description="`aij`: the group matrix, a pair nobody judged filled as in `completed_matrix` of "
        "/v1/ahp/priorities (`w_i / w_j`, or the lambda_max-minimising value with `optimal`); `aip`: null."
    )
    lambda_max: float = Field(description="`aij`: of the group matrix; `aip`: weighted mean of the experts' values.")
    ci: float = Field(description="Consistency index, as `lambda_max`.")
    ri: float = Field(description="Random index for this n.")
    cr: float = Field(description="Consistency ratio, as `lambda_max`.")
    consistent: bool = Field(description="`cr <= cr_threshold`.")
    consensus: float = Field(
        description="Goepel's relative homogeneity of the experts' priorities from Shannon α/β entropy: 1 when "
        "all experts give the same priorities, lower as they diverge (0 to 1)."
    )
    ahp_consensus: float = Field(
        description="Goepel's AHP consensus indicator S* as AHP-OS reports it (Goepel 2018): the relative "
        "homogeneity corrected for the 1–9 scale, (1/D_β − D_α,min/n) / (1 − D_α,min/n) with D_α,min the α "
        "diversity of one item judged 9 times as important as each other. 1 when all experts agree; it may be "
        "below 0."
    )
    consensus_band: ConsensusBand = Field(
        description="AHP-OS's word for `ahp_consensus`: `very_low` (≤ 0.5), `low` (≤ 0.625), `moderate` "
        "(≤ 0.75), `high` (≤ 0.875), `very_high` (above)."
    )
    experts: list[ExpertPriorities] = Field(description="Each expert's own priorities and consistency.")


class HierarchyNode(_Request):
    name: str = Field(min_length=1, description="Name of the node; a leaf's name may stand under several parents.")
    matrix: PairwiseMatrix | None = Field(
        default=None, description="Pairwise comparison of the node's children, in their order (see priorities)."
    )
    weights: list[float] | None = Field(
        default=None, description="Given weights of the children instead of a matrix (≥ 0, normalised)."
    )
    children: list[HierarchyNode] | None = Field(
        default=None, description="The nodes below; a leaf has none, and no matrix or weights."
    )


class HierarchyRequest(_AhpSettings):
    model_config = ConfigDict(json_schema_extra={"examples": [HIERARCHY_EXAMPLE]})

    tree: HierarchyNode = Field(
        description="The goal, with criteria (and sub-criteria, alternatives) below; at most "
        f"{MAX_HIERARCHY_DEPTH} levels and {MAX_HIERARCHY_NODES} nodes."
    )

    @field_validator("tree", mode="before")
    @classmethod
    def _bounded_tree(cls, tree: Any) -> Any:
        """Counts levels and nodes of the raw tree without recursion, before the nested models are built."""
        nodes, level = 0, [tree]
        for depth in range(1, MAX_HIERARCHY_DEPTH + 2):
            if not level:
                return tree
            if depth > MAX_HIERARCHY_DEPTH:
                raise ValueError(f"the tree is deeper than {MAX_HIERARCHY_DEPTH} levels")
            nodes += len(level)
            if nodes > MAX_HIERARCHY_NODES:
                raise ValueError(f"the tree has more than {MAX_HIERARCHY_NODES} nodes")
            children = [node.get("children") for node in level if isinstance(node, dict)]
            level = [child for group in children if isinstance(group, list) for child in group]
        return tree


class NodeWeight(_Response):
    path: str = Field(description="Names from the goal down, joined by `/`, e.g. `Goal/Jobs/Boston`.")
    local_weight: float = Field(description="Weight among its siblings.")
    global_weight: float = Field(description="Product of the local weights from the goal down.")
    cr: float = Field(description="Consistency ratio of the matrix weighing this node's children; 0 otherwise.")


class HierarchyResponse(_Response):
    model_config = ConfigDict(json_schema_extra={"examples": [HIERARCHY_RESULT_EXAMPLE]})

    nodes: list[NodeWeight] = Field(description="Every node below the goal, depth first, one entry per place.")
    leaves: dict[str, float] = Field(
        description="Global weight of each leaf by name, summed over every place it stands; they sum to 1."
    )
    consistent: bool = Field(description="Whether every matrix in the tree is within `cr_threshold`.")
    cr: float = Field(description="Consistency ratio of the goal's matrix (0 when it gives weights).")


# --- scores -------------------------------------------------------------------------------------------------


class Criterion(_Request):
    name: str = Field(min_length=1, description="Name of the criterion; unique.")
    type: Direction = Field(description="`benefit`: more is better; `cost`: less is better.")
    weight: float = Field(ge=0, description="Weight ≥ 0; the weights are normalised to sum 1 (with a warning).")


class DecisionProblem(_Request):
    alternatives: list[str] = Field(
        min_length=1,
        max_length=MAX_ALTERNATIVES,
        description=f"Names of the alternatives (the rows); unique; at most {MAX_ALTERNATIVES}.",
    )
    criteria: list[Criterion] = Field(
        min_length=1,
        max_length=MAX_CRITERIA,
        description=f"The criteria (the columns), in matrix order; at most {MAX_CRITERIA}.",
    )
    matrix: list[Annotated[list[float | None], Field(max_length=MAX_CRITERIA)]] = Field(
        min_length=1,
        max_length=MAX_ALTERNATIVES,
        description="`matrix[i][j]` is alternative i's value on criterion j; every value is a finite number "
        "(null is a missing value: a 422 naming the cell). A criterion on which every alternative is equal, "
        "zeros included, is left out with a warning.",
    )
    normalization: Normalization | None = Field(default=None, description=_NORMALIZATION_DOC)


class ScoreRequest(DecisionProblem):
    model_config = ConfigDict(json_schema_extra={"examples": [SCORE_EXAMPLE]})

    method: ScoreMethod = Field(default="topsis", description=_SCORE_METHOD_DOC)


class RankedAlternative(_Response):
    alternative: str = Field(description="The alternative.")
    score: float = Field(description="The method's own score (for vikor Q, where lower is better).")
    rank: int = Field(description="1 is best whatever the method's direction; equal scores share a rank.")


class ScoreResponse(_Response):
    model_config = ConfigDict(json_schema_extra={"examples": [SCORE_RESULT_EXAMPLE]})

    method: str = Field(description="The method used.")
    normalization: str | None = Field(description="The normalisation used; null for methods without one.")
    higher_is_better: bool = Field(description="Direction of `score`: false for vikor.")
    results: list[RankedAlternative] = Field(description="Every alternative, best first.")
    warnings: list[str] = Field(description="Notes: weights normalised, criteria left out, and the like.")


class CompareRequest(DecisionProblem):
    model_config = ConfigDict(json_schema_extra={"examples": [COMPARE_EXAMPLE]})

    methods: list[ScoreMethod] = Field(
        default_factory=lambda: list(DEFAULT_COMPARE_METHODS),
        min_length=1,
        description=f"Methods to run, each once (default: {', '.join(DEFAULT_COMPARE_METHODS)}). "
        "`normalization` applies to each method that uses one. " + _SCORE_METHOD_DOC,
    )


class MethodRanking(_Response):
    method: str = Field(description="The method.")
    normalization: str | None = Field(description="The normalisation it used; null for methods without one.")
    higher_is_better: bool = Field(description="Direction of `score`: false for vikor.")
    results: list[RankedAlternative] = Field(description="Every alternative, best first.")


class CompareResponse(_Response):
    model_config = ConfigDict(json_schema_extra={"examples": [COMPARE_RESULT_EXAMPLE]})

    methods: list[str] = Field(description="The methods, in the order of the rows and columns of the matrices.")
    rankings: list[MethodRanking] = Field(description="Each method's ranking, in the order of `methods`.")
    spearman: list[list[float]] = Field(
        description="Spearman's rank correlation rs between the rankings of each pair of methods; symmetric, "
        "1 on the diagonal."
    )
    ws: list[list[float]] = Field(
        description="WS rank similarity coefficient (Sałabun and Urbaniak 2020) of each pair, averaged over both "
        "directions so the matrix is symmetric; 1 on the diagonal."
    )
    warnings: list[str] = Field(description="Notes from every method, each once.")


# --- sensitivity --------------------------------------------------------------------------------------------


class SensitivityRequest(ScoreRequest):
    model_config = ConfigDict(json_schema_extra={"examples": [SENSITIVITY_EXAMPLE]})

    samples: int = Field(
        default=10_000,
        ge=1,
        le=MAX_SENSITIVITY_SAMPLES,
        description=f"Monte Carlo weight samples (1 to {MAX_SENSITIVITY_SAMPLES}). TOPSIS scores them in one "
        "vectorised pass; the other methods run once per sample, so they take longer.",
    )
    seed: int = Field(default=42, ge=0, description="Seed of the generator; the same seed gives the same answer.")
    concentration: float = Field(
        default=50,
        gt=0,
        description="Weights are drawn from a Dirichlet centred on the given weights, with parameters "
        "`concentration * w`: larger means closer to them. A criterion of weight 0 stays at 0.",
    )
    sweep_criterion: str | None = Field(
        default=None,
        description="Name of a criterion whose weight to sweep from 0 to 1 (the others rescaled in proportion); "
        "null: no sweep.",
    )
    sweep_points: int = Field(default=21, ge=2, le=10_001, description="Points of the sweep, 0 and 1 included.")

    @model_validator(mode="after")
    def _bounded_work(self) -> SensitivityRequest:
        """Refuses a request whose work or answer would grow past the limits, naming the limit."""
        alternatives, criteria = len(self.alternatives), len(self.criteria)
        if alternatives > MAX_SENSITIVITY_ALTERNATIVES:
            raise ValueError(
                f"at most {MAX_SENSITIVITY_ALTERNATIVES} alternatives in a sensitivity analysis (got {alternatives})"
            )
        if self.samples * alternatives * criteria > MAX_SENSITIVITY_CELLS:
            raise ValueError(
                f"samples × alternatives × criteria is {self.samples * alternatives * criteria}, above the limit "
                f"of {MAX_SENSITIVITY_CELLS}: ask for fewer samples"
            )
        if self.sweep_criterion is not None and self.sweep_points * alternatives > MAX_SWEEP_CELLS:
            raise ValueError(
                f"sweep_points × alternatives is above the limit of {MAX_SWEEP_CELLS}: ask for fewer sweep points"
            )
        return self


class RankAcceptability(_Response):
    alternative: str = Field(description="The alternative.")
    by_rank: list[float] = Field(
        description="`by_rank[r]` is the share of samples in which it took rank r + 1 (tied alternatives share "
        "the better rank); the shares sum to 1."
    )


class WeightStability(_Response):
    criterion: str = Field(description="The criterion.")
    weight: float = Field(description="Its current weight (normalised).")
    min: float = Field(description="Lowest weight, the others rescaled in proportion, at which the ranking stays.")
    max: float = Field(description="Highest such weight; `min <= weight <= max`.")


class WeightSweep(_Response):
    criterion: str = Field(description="The criterion swept.")
    weights: list[float] = Field(description="Its weight at each point, from 0 to 1.")
    scores: dict[str, list[float]] = Field(description="Each alternative's score at each point (chart series).")
    ranks: dict[str, list[int]] = Field(description="Each alternative's rank at each point (1 is best).")


class SensitivityResponse(_Response):
    model_config = ConfigDict(json_schema_extra={"examples": [SENSITIVITY_RESULT_EXAMPLE]})

    method: str = Field(description="The method used.")
    normalization: str | None = Field(description="The normalisation used; null for methods without one.")
    samples: int = Field(description="Monte Carlo samples drawn.")
    seed: int = Field(description="Seed used.")
    concentration: float = Field(description="Dirichlet concentration used.")
    rank_acceptability: list[RankAcceptability] = Field(description="Share of samples at each rank, per alternative.")
    weight_stability: list[WeightStability] = Field(
        description="For each criterion, the interval of its weight within which the whole ranking stays as it is."
    )
    sweep: WeightSweep | None = Field(default=None, description="The sweep of `sweep_criterion`; null without one.")
    warnings: list[str] = Field(description="Notes: weights normalised, criteria left out, and the like.")


# --- weights ------------------------------------------------------------------------------------------------


class CriterionDirection(_Request):
    name: str = Field(min_length=1, description="Name of the criterion; unique.")
    type: Direction = Field(description="`benefit`: more is better; `cost`: less is better.")


class ObjectiveWeightsRequest(_Request):
    model_config = ConfigDict(json_schema_extra={"examples": [OBJECTIVE_WEIGHTS_EXAMPLE]})

    criteria: list[CriterionDirection] = Field(min_length=1, description="The criteria (the columns), in order.")
    matrix: list[list[float | None]] = Field(
        min_length=2,
        description="`matrix[i][j]` is alternative i's value on criterion j (at least two alternatives); null "
        "is a missing value (422).",
    )
    method: ObjectiveMethod = Field(
        default="entropy",
        description="`entropy`: Shannon entropy of each column's shares (values ≥ 0); `critic`: CRITIC on "
        "direction-aware min-max normalised values; `standard_deviation`: on min-max normalised values, so units "
        "do not matter; `merec`: removal effects (values > 0). A criterion that does not vary gets 0.",
    )


class ObjectiveWeightsResponse(_Response):
    model_config = ConfigDict(json_schema_extra={"examples": [OBJECTIVE_WEIGHTS_RESULT_EXAMPLE]})

    method: str = Field(description="The method used.")
    weights: dict[str, float] = Field(description="Weight of each criterion by name, in request order; sum to 1.")
    warnings: list[str] = Field(description="Notes, such as criteria that do not vary (weight 0).")


class CombinedWeightsRequest(_Request):
    model_config = ConfigDict(json_schema_extra={"examples": [COMBINED_WEIGHTS_EXAMPLE]})

    subjective: list[NonNegative] = Field(
        min_length=1, description="Subjective weights (for example AHP priorities), ≥ 0 with a positive sum."
    )
    objective: list[NonNegative] = Field(
        min_length=1, description="Objective weights of the same criteria in the same order, ≥ 0, positive sum."
    )
    method: CombinationMethod = Field(
        default="linear",
        description="`linear`: `alpha * s + (1 - alpha) * o`; `multiplicative`: `s * o / sum(s * o)` (alpha "
        "unused). Both sets are normalised to sum 1 first.",
    )
    alpha: float = Field(default=0.5, ge=0, le=1, description="Share of the subjective weights in `linear` (0 to 1).")


class CombinedWeightsResponse(_Response):
    model_config = ConfigDict(json_schema_extra={"examples": [COMBINED_WEIGHTS_RESULT_EXAMPLE]})

    method: str = Field(description="The method used.")
    alpha: float | None = Field(description="The alpha used; null for `multiplicative`.")
    weights: list[float] = Field(description="Combined weights in the order given; they sum to 1.")
    warnings: list[str] = Field(description="Notes, such as a set of weights that did not sum to 1.")
