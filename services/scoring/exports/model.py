"""What an annual-review export of a ranking carries; the caller fills it from ranking, data and profile."""

from __future__ import annotations

from dataclasses import dataclass

from services.scoring.rankings.tiers import tier_of as tier_of

# The tier rule is the rankings'; re-exported (`as`) for the renderers that read it from here.
from shared.schemas.rankings import TIER_THRESHOLDS as TIER_THRESHOLDS
from shared.schemas.vocabulary import Category, Direction, Lang, Reference, Tier


@dataclass(frozen=True, slots=True)
class ProfileInfo:
    """The published weight profile the ranking used.

    `criteria_cr` maps the node whose pairwise matrix was judged to the group CR of that matrix:
    `"goal"` for the comparison of the criteria, a criterion code (`"C1"`) for its indicators.
    """

    id: str
    name: str
    method: str
    ri_table: str
    aggregation: str
    consensus: float | None
    criteria_cr: dict[str, float]
    published_at: str | None


@dataclass(frozen=True, slots=True)
class CriterionInfo:
    """A criterion of the indicator system and its weight in the profile."""

    code: str
    name: str
    name_zh: str
    weight: float


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """An indicator; `weight` is its global weight (criterion weight × local weight); `unit_zh` is its Chinese unit
    and `integer` marks counts (shared/units.py formats values by them)."""

    code: str
    criterion: str
    name: str
    name_zh: str
    unit: str
    direction: Direction
    weight: float
    unit_zh: str = ""
    integer: bool = False


@dataclass(frozen=True, slots=True)
class RankingRow:
    """One ranked cluster; `rank_change` is previous rank − rank, so a positive change means it moved up.

    `values` holds raw indicator values in their units (None: missing); `imputed` names the indicators
    whose value was filled in rather than observed.
    """

    cluster_code: str
    name: str
    name_zh: str
    category: Category
    province: str
    industry: str
    rank: int
    rank_change: int | None
    score: float
    previous_rank: int | None
    previous_score: float | None
    tier: Tier
    criteria_scores: dict[str, float]
    values: dict[str, float | None]
    imputed: list[str]


@dataclass(frozen=True, slots=True)
class Weakness:
    """An indicator on which a cluster trails its category's peers, as the recommendation service found it.

    `benchmark` is the category's top-quartile value; `gap` is the shortfall to it as a share (0–1) of the
    indicator's reference range, direction-aware (`shared.schemas.recommendations.Weakness.gap`): 0.25 is a
    quarter of the range, not 25 % of the benchmark.
    """

    criterion: str
    indicator: str
    value: float | None
    benchmark: float
    gap: float


@dataclass(frozen=True, slots=True)
class Action:
    """A recommended action, priority 1 first, with the numbers behind it in `rationale`."""

    priority: int
    criterion: str
    title: str
    action: str
    rationale: str


@dataclass(frozen=True, slots=True)
class ClusterAdvice:
    """Strengths, weaknesses and actions of one cluster, in the bundle's language."""

    strengths: list[str]
    weaknesses: list[Weakness]
    actions: list[Action]


@dataclass(frozen=True, slots=True)
class RankInterval:
    """A cluster's rank interval over the uncertainty runs; `rank` is its published rank."""

    cluster_code: str
    rank: int
    median_rank: int
    rank_p05: int
    rank_p95: int


@dataclass(frozen=True, slots=True)
class SourceIndex:
    """Sobol first-order and total-effect indices of the ranks for one source of uncertainty."""

    source: str
    first_order: float
    total: float


@dataclass(frozen=True, slots=True)
class UncertaintyInfo:
    """The scoring service's uncertainty analysis of the ranking (POST /v1/rankings/uncertainty), as run for
    the export: `samples` model runs in all from `base_samples` rows, with `seed`."""

    sources: list[str]
    samples: int
    base_samples: int
    seed: int
    concentration: float
    intervals: list[RankInterval]
    indices: list[SourceIndex]
    notes: list[str]

    def interval_of(self) -> dict[str, RankInterval]:
        return {interval.cluster_code: interval for interval in self.intervals}


@dataclass(frozen=True, slots=True)
class ClusterGap:
    """A cluster with criteria whose share of values present is below the coverage threshold."""

    cluster_code: str
    share: float
    criteria_below: list[str]


@dataclass(frozen=True, slots=True)
class OutlierInfo:
    """Skewness and excess kurtosis of an indicator; `values` are the flagged values by cluster."""

    indicator: str
    skewness: float | None
    kurtosis: float | None
    flagged: bool
    values: list[tuple[str, float]]


@dataclass(frozen=True, slots=True)
class CoherenceInfo:
    """Internal consistency of one criterion's indicators."""

    criterion: str
    clusters: int
    alpha: float | None
    first_component_share: float | None
    components_over_1: int | None


@dataclass(frozen=True, slots=True)
class PairFlag:
    """Two indicators of one criterion whose correlation is flagged (negative or collinear)."""

    a: str
    b: str
    r: float
    flag: str


@dataclass(frozen=True, slots=True)
class Mover:
    """A cluster among the largest movers since the previous year and the criteria's parts of its score change."""

    cluster_code: str
    previous_rank: int | None
    rank: int | None
    rank_change: int
    score_change: float | None
    contributions: dict[str, float]


@dataclass(frozen=True, slots=True)
class AuditInfo:
    """The scoring service's statistical audit of the year's data (GET /v1/rankings/audit) and the
    year-over-year decomposition of the largest movers (GET /v1/rankings/compare); `movers` is empty
    without a previous year."""

    threshold: float
    coverage: list[tuple[str, float]]
    clusters_below: list[ClusterGap]
    outliers: list[OutlierInfo]
    coherence: list[CoherenceInfo]
    pairs: list[PairFlag]
    movers: list[Mover]


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One change of a plan: an indicator moved from the cluster's value to the value a same-category peer reached."""

    indicator: str
    criterion: str
    value_from: float
    value_to: float
    peer: str
    effort: float
    imputed: bool


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    tier: Tier
    score: float


@dataclass(frozen=True, slots=True)
class ClusterPlanInfo:
    """A cluster's plan for the export's target (POST /v1/rankings/plan), as the scoring service computed it;
    `criteria_scores` holds (criterion, before, after)."""

    cluster_code: str
    reachable: bool
    current: Standing
    reached: Standing
    best_possible: Standing
    effort: float
    changes: list[PlanStep]
    criteria_scores: list[tuple[str, float, float]]


@dataclass(frozen=True, slots=True)
class PlansInfo:
    """The plans of every ranked cluster for one target, on the ranking's own model, in the ranking's order."""

    target: str
    plans: list[ClusterPlanInfo]


@dataclass(frozen=True, slots=True)
class PathTally:
    """A category's policy path: the clusters given an action on it (of the category's), and the actions."""

    key: str
    name: str
    clusters: int
    share: float
    actions: int


@dataclass(frozen=True, slots=True)
class ActionTally:
    """An action that the recommendations give, with the clusters (codes, rank order) given it."""

    title: str
    path_name: str
    clusters: list[str]


@dataclass(frozen=True, slots=True)
class IndicatorTally:
    """An indicator behind the category's advice: clusters weak on it, given an action on it, not reporting it."""

    code: str
    name: str
    weaknesses: int
    actions: int
    data_gaps: int


@dataclass(frozen=True, slots=True)
class CategoryTally:
    """What recurs in one category's recommendations, as the recommendation service counted it."""

    category: Category
    name: str
    clusters: int
    paths: list[PathTally]
    actions: list[ActionTally]
    indicators: list[IndicatorTally]


@dataclass(frozen=True, slots=True)
class ExportBundle:
    """Everything an export renders; `generated_at` (ISO 8601) stays out of the CSV to keep it stable.

    `uncertainty`, `audit` and `plans` are the scoring service's analyses of the same ranking, `portfolio` the
    recommendation service's count of the year's advice by category; None leaves them out.
    """

    year: int
    previous_year: int | None
    dataset_version: str
    profile: ProfileInfo
    method: str
    normalization: str
    reference: Reference
    software_version: str
    generated_at: str
    synthetic: bool
    criteria: list[CriterionInfo]
    indicators: list[IndicatorInfo]
    rows: list[RankingRow]
    recommendations: dict[str, ClusterAdvice]
    lang: Lang = "en"
    uncertainty: UncertaintyInfo | None = None
    audit: AuditInfo | None = None
    plans: PlansInfo | None = None
    portfolio: list[CategoryTally] | None = None

    def ranked_rows(self) -> list[RankingRow]:
        """The rows best first; equal ranks keep a stable order by cluster code."""
        return sorted(self.rows, key=lambda row: (row.rank, row.cluster_code))
