"""v1 schemas of the recommendation service: GET /v1/recommendations and GET /v1/recommendations/{cluster_code}.

The plan endpoint's schemas are in shared.schemas.plans.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

# Declared in shared.schemas.vocabulary; a name imported `as` itself is re-exported for the modules that import it
# from here.
from shared.schemas.vocabulary import Category, Direction
from shared.schemas.vocabulary import Lang as Lang


class Strength(BaseModel):
    criterion: str = Field(description="Criterion code where the cluster leads its category, e.g. `C4`.")
    name: str = Field(description="Criterion name in the answer's language.")
    score: float = Field(description="The cluster's criterion score (fixed reference, 0–1).")
    category_median: float = Field(description="Median of that criterion score in the cluster's category.")
    category_top_quartile: float = Field(
        description="75th percentile of that criterion score in the category; the cluster is at or above it."
    )
    text: str = Field(description="The same in one sentence, in the answer's language.")


class Weakness(BaseModel):
    criterion: str = Field(description="Criterion code of the indicator.")
    indicator: str = Field(description="Indicator code where the cluster lags its category's top quartile.")
    name: str = Field(description="Indicator name in the answer's language.")
    unit: str = Field(description="Unit of `value` and `benchmark`, in the answer's language.")
    direction: Direction = Field(description="`benefit`: more is better; `cost`: less is better.")
    value: float = Field(description="The cluster's value (its category's median when the value is missing).")
    benchmark: float = Field(
        description="The category's top-quartile value: its 75th percentile, the 25th for a cost indicator."
    )
    gap: float = Field(
        description="Normalised shortfall to the benchmark, direction-aware: the benchmark's place in the indicator's "
        "reference range minus the value's (each scaled to 0–1 with 1 the better end, clipped to the range), so a "
        "share (0–1] of the reference range: 0.25 is a quarter of the range, not 25% of the benchmark."
    )
    potential: float = Field(description="Improvement potential: the indicator's global weight × gap.")
    imputed: bool = Field(description="Whether the value was missing and imputed with the category's median.")
    material: bool = Field(
        default=True,
        description="Whether the gap reaches the materiality threshold (`materiality_threshold` of the answer); only "
        "observed, material weaknesses are answered with an action.",
    )


class PeerExample(BaseModel):
    cluster_code: str = Field(description="A cluster of the same category whose value reaches the benchmark.")
    value: float = Field(description="Its observed value that year (at or beyond the benchmark, direction-aware).")


class DataGap(BaseModel):
    indicator: str = Field(description="Indicator whose value the cluster did not report that year.")
    criterion: str = Field(description="Criterion of the indicator.")
    name: str = Field(description="Indicator name in the answer's language.")
    unit: str = Field(description="Unit of `imputed_value` in the answer's language.")
    imputed_value: float = Field(description="The value the ranking used instead: the category's median that year.")
    text: str = Field(description="What to do (collect the indicator), in the answer's language.")


class RecommendationItem(BaseModel):
    priority: int = Field(
        description="1 first; ordered by `score_gain` (re-scored by the scoring service), then improvement potential."
    )
    criterion: str = Field(description="Criterion of the weakness the action answers.")
    indicator: str = Field(description="Indicator of the weakness the action answers (one of `weaknesses`).")
    title: str = Field(description="Short title of the action.")
    action: str = Field(description="What to do.")
    rationale: str = Field(description="The weakness and the numbers behind the action.")
    rule_id: str = Field(description="Id of the rule in the rule base that gave the action.")
    policy_path: str = Field(description="Key of the category's policy path the action follows, e.g. `chain_leader`.")
    policy_path_name: str = Field(description="Name of that policy path in the answer's language.")
    expected_rank: int = Field(description="Overall rank if this indicator alone reached its benchmark (what-if).")
    expected_gain: int = Field(description="Ranks gained that way: rank − expected_rank.")
    expected_score: float = Field(description="Overall score if this indicator alone reached its benchmark.")
    score_gain: float = Field(default=0.0, description="Score gained that way: expected_score − score.")
    peer_examples: list[PeerExample] = Field(
        default_factory=list,
        description="Learning partners: the other clusters of the category whose observed value that year reaches "
        "the benchmark, best first.",
    )


class CategoryCheck(BaseModel):
    stated: Category = Field(description="The cluster's stored category (never changed by this service).")
    nearest: Category = Field(description="Category whose mean indicator profile (other clusters) is nearest.")
    looks_wrong: bool = Field(
        description="True when another category is nearest and the stated one is more than `margin` times as far."
    )
    distances: dict[str, float] = Field(
        description="Category → Euclidean distance of the normalised indicator profile to its mean, nearest first."
    )
    margin: float = Field(description="How many times farther the stated category must be to look wrong.")
    evidence: str = Field(description="The numbers behind the verdict, in the answer's language.")


class ClusterRecommendations(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    name: str = Field(description="Cluster name in the answer's language.")
    year: int = Field(description="Year of the data.")
    dataset_version: str = Field(description="Version of the dataset the diagnosis came from.")
    profile: int = Field(description="Id of the weight profile of the ranking.")
    lang: Lang = Field(description="Language of the texts.")
    synthetic: bool = Field(description="True when the data is the synthetic demo data.")
    category: Category = Field(description="The cluster's stored category: its peers are that category's clusters.")
    peer_count: int = Field(description="Clusters in the category that year, this one included.")
    rank: int = Field(description="Overall rank among all clusters of the year (1 best).")
    score: float = Field(description="Overall score (fixed reference, 0–1).")
    strengths: list[Strength] = Field(
        description="Criteria where the cluster is at or above its category's top quartile."
    )
    weaknesses: list[Weakness] = Field(
        description="Indicators below the category's top quartile, largest improvement potential first."
    )
    recommendations: list[RecommendationItem] = Field(
        description="Actions from the category's policy paths, one per weakness (never on an imputed value or a gap "
        "below the materiality threshold, never the same rule twice), by the score their closing would gain."
    )
    data_gaps: list[DataGap] = Field(
        default_factory=list, description="Indicators the cluster did not report that year: collect them."
    )
    materiality_threshold: float = Field(
        default=0.0, description="Smallest gap (share of the reference range) that an action answers."
    )
    category_check: CategoryCheck = Field(description="Whether the indicators look like the stated category's.")


class PathCount(BaseModel):
    policy_path: str = Field(description="Key of the category's policy path.")
    name: str = Field(description="Its name in the answer's language.")
    actions: int = Field(description="Actions on this path across the category's clusters.")
    clusters: int = Field(description="Clusters with at least one action on it.")
    share: float = Field(description="`clusters` over the clusters of the category (0–1).")


class ActionCount(BaseModel):
    rule_id: str = Field(description="The rule behind the action.")
    title: str = Field(description="The action's title in the answer's language.")
    policy_path: str = Field(description="Its policy path.")
    clusters: list[str] = Field(description="Codes of the clusters given this action, in rank order.")


class IndicatorCount(BaseModel):
    indicator: str = Field(description="Indicator code.")
    name: str = Field(description="Indicator name in the answer's language.")
    weaknesses: int = Field(description="Clusters of the category where it is a weakness (any gap).")
    actions: int = Field(description="Clusters given an action on it.")
    data_gaps: int = Field(description="Clusters of the category that did not report it.")


class CategoryPortfolio(BaseModel):
    category: Category = Field(description="The category.")
    name: str = Field(description="Its name in the answer's language.")
    clusters: int = Field(description="Clusters of the category with data that year.")
    policy_paths: list[PathCount] = Field(
        description="Every policy path of the category, most clusters first (then most actions, then key)."
    )
    actions: list[ActionCount] = Field(description="Every action given, most clusters first (then rule id).")
    indicators: list[IndicatorCount] = Field(
        description="Indicators that are a weakness, an action or a data gap somewhere in the category, most actions "
        "first (then weaknesses, then code)."
    )


class Portfolio(BaseModel):
    """GET /v1/recommendations/portfolio: what recurs across a year's recommendations, by category."""

    year: int = Field(description="Year of the data.")
    dataset_version: str = Field(description="Version of the dataset the recommendations came from.")
    profile: int = Field(description="Id of the weight profile of the ranking.")
    lang: Lang = Field(description="Language of the names and titles.")
    clusters: int = Field(description="Clusters with data that year.")
    categories: list[CategoryPortfolio] = Field(
        description="One entry per category with clusters, in vocabulary order."
    )
