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
    """An indicator; `weight` is its global weight (criterion weight × local weight)."""

    code: str
    criterion: str
    name: str
    name_zh: str
    unit: str
    direction: Direction
    weight: float


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
class ExportBundle:
    """Everything an export renders; `generated_at` (ISO 8601) stays out of the CSV to keep it stable."""

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

    def ranked_rows(self) -> list[RankingRow]:
        """The rows best first; equal ranks keep a stable order by cluster code."""
        return sorted(self.rows, key=lambda row: (row.rank, row.cluster_code))
