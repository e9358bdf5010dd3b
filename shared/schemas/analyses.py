"""v1 schemas of the analyses of a published ranking: sensitivity, uncertainty and method comparison (API.md).

Every request names the ranking's model as `GET /v1/rankings` takes it; every answer echoes the model it resolved.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.schemas.indicators import Category
from shared.schemas.rankings import RankingMethod, Reference
from shared.schemas.scoring import DEFAULT_COMPARE_METHODS, CombinationMethod, ObjectiveMethod, ScoreMethod

UncertaintySource = Literal["weights", "panel", "imputation", "method"]
MAX_ANALYSIS_SAMPLES = 100_000
MAX_SWEEP_POINTS = 201


class RankingModelRequest(BaseModel):
    """The ranking's model, with the defaults of `GET /v1/rankings`."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    year: int = Field(description="Year of the data.", examples=[2024])
    profile: int | None = Field(default=None, description="Weight profile id; null: the default (of the category).")
    method: RankingMethod = Field(default="topsis", description="Scoring method of the ranking.")
    reference: Reference = Field(default="fixed", description="fixed: reference ranges; relative: this year's field.")
    category: Category | None = Field(default=None, description="Only this category's clusters are ranked.")
    winsorize: bool = Field(
        default=False,
        description="Relative reference only: outliers of flagged indicators winsorised first, as `GET "
        "/v1/rankings?winsorize=true` does.",
    )


class ModelEcho(BaseModel):
    """The model the answer is about, as the scoring service resolved it."""

    year: int = Field(description="Year of the data.")
    dataset_version: str = Field(description="Version of the year's dataset.")
    profile: int = Field(description="Id of the weight profile used.")
    method: RankingMethod = Field(description="Scoring method.")
    normalization: str | None = Field(description="Normalisation (relative reference only).")
    reference: Reference = Field(description="fixed or relative.")
    category: Category | None = Field(description="The ranked category; null: all clusters.")
    winsorize: bool = Field(default=False, description="True when outliers were winsorised before scoring.")


class _Sampling(RankingModelRequest):
    samples: int = Field(
        default=10_000, ge=1, le=MAX_ANALYSIS_SAMPLES, description=f"Monte Carlo runs (1 to {MAX_ANALYSIS_SAMPLES})."
    )
    seed: int = Field(default=42, ge=0, le=2**63 - 1, description="Seed; the same seed gives the same answer.")
    concentration: float = Field(
        default=50,
        gt=0,
        le=1e6,
        description="Criterion weights are drawn from Dirichlet(concentration × weights): larger is closer.",
    )


class RankingSensitivityRequest(_Sampling):
    sweep_criterion: str | None = Field(
        default=None, description="Criterion code whose weight to sweep from 0 to 1; null: no sweep."
    )
    sweep_points: int = Field(
        default=21, ge=2, le=MAX_SWEEP_POINTS, description="Points of the sweep, 0 and 1 included (plus the current)."
    )


class ClusterAcceptability(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    rank: int = Field(description="The published rank.")
    by_rank: list[float] = Field(description="`by_rank[r]`: share of the samples in which it took rank r + 1.")


class ClusterInterval(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    min: float = Field(description="Smallest weight of the criterion at which the cluster keeps its rank.")
    max: float = Field(description="Largest weight of the criterion at which the cluster keeps its rank.")


class CriterionStability(BaseModel):
    criterion: str = Field(description="Criterion code.")
    weight: float = Field(description="Its current weight.")
    clusters: list[ClusterInterval] = Field(
        description="Per cluster, the contiguous weight range containing the current weight (the other criteria "
        "rescaled in proportion) in which it keeps its published rank."
    )


class RankingSweep(BaseModel):
    criterion: str = Field(description="The swept criterion.")
    weights: list[float] = Field(description="Its weights, from 0 to 1; the current weight is one of them.")
    scores: dict[str, list[float]] = Field(description="Each cluster's score at each weight.")
    ranks: dict[str, list[int]] = Field(description="Each cluster's rank at each weight.")


class RankingSensitivityResponse(BaseModel):
    model: ModelEcho = Field(description="The model analysed.")
    samples: int = Field(description="Monte Carlo samples drawn.")
    rank_acceptability: list[ClusterAcceptability] = Field(description="In published order.")
    weight_stability: list[CriterionStability] = Field(description="One per criterion, in tree order.")
    sweep: RankingSweep | None = Field(description="The sweep asked for; null without `sweep_criterion`.")


class UncertaintyRequest(_Sampling):
    sources: list[UncertaintySource] = Field(
        default_factory=lambda: list[UncertaintySource](["weights"]),
        min_length=1,
        max_length=4,
        description="What varies: `weights` (Dirichlet around the criterion weights), `panel` (the profile's "
        "experts resampled with replacement and re-aggregated), `imputation` (a rule per missing value among "
        "category median, category mean, 3 nearest peers, last observed value), `method` (the methods that take "
        "the model's reference).",
    )


class ClusterUncertainty(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    rank: int = Field(description="The published rank.")
    median_rank: int = Field(description="Median rank over the runs.")
    rank_p05: int = Field(description="5th percentile of the rank (the better end of the interval).")
    rank_p95: int = Field(description="95th percentile of the rank (the worse end).")
    by_rank: list[float] = Field(description="`by_rank[r]`: share of the runs in which it took rank r + 1.")


class SensitivityIndex(BaseModel):
    source: UncertaintySource = Field(description="The source.")
    first_order: float = Field(description="Share of the rank variance the source causes alone (Sobol S1).")
    total: float = Field(description="Share it causes with its interactions (Sobol ST).")


class UncertaintyResponse(BaseModel):
    model: ModelEcho = Field(description="The model analysed.")
    samples: int = Field(description="Model runs in all: (sources + 2) × base_samples (Saltelli's design).")
    base_samples: int = Field(description="Rows of each of Saltelli's matrices A and B.")
    seed: int = Field(description="The seed used.")
    sources: list[UncertaintySource] = Field(description="The sources that varied.")
    results: list[ClusterUncertainty] = Field(description="In published order.")
    sensitivity_indices: list[SensitivityIndex] = Field(
        description="Per source, Sobol indices of the ranks (SALib's estimators), averaged over the clusters "
        "weighted by their rank variance."
    )
    notes: list[str] = Field(description="What the numbers rest on, in words.")


class MethodsRequest(RankingModelRequest):
    methods: list[ScoreMethod] = Field(
        default_factory=lambda: list(DEFAULT_COMPARE_METHODS),
        min_length=1,
        description="Methods to compare; the model's own gives the published ranks, the others score the same "
        "imputed matrix with the same weights against this year's field (their default normalisation).",
    )


class ClusterMethodRanks(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    ranks: dict[str, int] = Field(description="Rank under each method that could run.")


class MethodCorrelation(BaseModel):
    a: str = Field(description="A method.")
    b: str = Field(description="Another.")
    spearman: float = Field(description="Spearman's rank correlation of their rankings.")
    ws: float = Field(description="WS rank similarity (Sałabun and Urbaniak 2020), symmetrised.")


class LeftOutCell(BaseModel):
    cluster_code: str = Field(description="Cluster whose value the method cannot take.")
    indicator: str = Field(description="Indicator code.")


class LeftOutMethod(BaseModel):
    method: str = Field(description="The method that could not run.")
    reason: str = Field(description="Why, in words.")
    cells: list[LeftOutCell] = Field(description="The values that made it impossible (at most 20 listed).")


class MethodsResponse(BaseModel):
    model: ModelEcho = Field(description="The model compared.")
    results: list[ClusterMethodRanks] = Field(description="In published order.")
    correlations: list[MethodCorrelation] = Field(description="Each pair of methods that ran.")
    left_out: list[LeftOutMethod] = Field(description="Methods that could not run on this model, and why.")


class ModelWeightsRequest(RankingModelRequest):
    objective: ObjectiveMethod = Field(default="entropy", description="Objective weighting of the year's indicators.")
    combination: CombinationMethod = Field(default="linear", description="How profile and objective weights blend.")
    alpha: float = Field(default=0.5, ge=0, le=1, description="Share of the profile's weights in `linear`.")


class IndicatorWeights(BaseModel):
    code: str = Field(description="Indicator code.")
    criterion: str = Field(description="Its criterion.")
    subjective: float = Field(description="The profile's global weight.")
    objective: float = Field(description="Objective weight from the year's imputed values.")
    combined: float = Field(description="The blend of the two.")


class ModelWeightsResponse(BaseModel):
    model: ModelEcho = Field(description="The model whose matrix the objective weights come from.")
    objective: ObjectiveMethod = Field(description="Objective method used.")
    combination: CombinationMethod = Field(description="Combination used.")
    alpha: float = Field(description="Share of the profile's weights (linear).")
    indicators: list[IndicatorWeights] = Field(description="In tree order.")
    warnings: list[str] = Field(description="Notes (indicators that do not vary get objective weight 0).")


class IndicatorCoverage(BaseModel):
    code: str = Field(description="Indicator code.")
    share: float = Field(description="Share of the ranked clusters with a value (0 to 1).")


class ClusterCoverage(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    share: float = Field(description="Share of the indicators with a value.")
    criteria_below: list[str] = Field(description="Criteria with fewer of their values present than the threshold.")


class Coverage(BaseModel):
    threshold: float = Field(description="Share of a criterion's values a cluster needs (the 65% rule by default).")
    indicators: list[IndicatorCoverage] = Field(description="In tree order.")
    clusters: list[ClusterCoverage] = Field(description="In published order.")


class FlaggedValue(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    value: float = Field(description="The value, beyond Tukey's fences (1.5 IQR outside the quartiles).")


class ClippedValue(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    value: float = Field(description="The stored value, outside the reference range (clipped to it when scored).")


class OutlierCheck(BaseModel):
    indicator: str = Field(description="Indicator code.")
    skewness: float | None = Field(description="Bias-corrected sample skewness (pandas); null with a note.")
    kurtosis: float | None = Field(description="Bias-corrected excess kurtosis (pandas); null with a note.")
    flagged: bool = Field(description="|skewness| > 2 and kurtosis > 3.5.")
    values: list[FlaggedValue] = Field(description="For a flagged indicator, its values beyond the fences.")
    clipped: list[ClippedValue] = Field(description="Values outside the reference range (fixed reference).")
    note: str | None = Field(description="Why a statistic could not be computed.")


class IndicatorCoherence(BaseModel):
    code: str = Field(description="Indicator code.")
    r_criterion: float | None = Field(description="Pearson correlation with its criterion's score.")
    r_index: float | None = Field(description="Pearson correlation with the overall score.")


class CriterionAudit(BaseModel):
    criterion: str = Field(description="Criterion code.")
    clusters: int = Field(description="Clusters with all of the criterion's values present (the ones used).")
    alpha: float | None = Field(description="Standardised Cronbach's alpha k·r̄/(1+(k−1)·r̄); ≥ 0.7 is coherent.")
    first_component_share: float | None = Field(description="Largest eigenvalue of the correlation matrix / k.")
    components_over_1: int | None = Field(description="Eigenvalues of the correlation matrix above 1.")
    indicators: list[IndicatorCoherence] = Field(description="In tree order.")
    correlations: list[list[float]] | None = Field(description="Correlation matrix of its indicators (cost flipped).")
    note: str | None = Field(description="Why a statistic is null.")


class FlaggedPair(BaseModel):
    a: str = Field(description="Indicator code.")
    b: str = Field(description="Indicator code of the same criterion.")
    r: float = Field(description="Their correlation (cost indicators sign-flipped).")
    flag: Literal["negative", "collinear"] = Field(description="negative: r < −0.3; collinear: r > 0.92.")


class Coherence(BaseModel):
    criteria: list[CriterionAudit] = Field(description="In tree order.")
    pairs: list[FlaggedPair] = Field(description="Pairs of one criterion's indicators that are flagged.")


class AuditResponse(BaseModel):
    model: ModelEcho = Field(description="The model audited.")
    coverage: Coverage = Field(description="Values present per indicator and per cluster.")
    outliers: list[OutlierCheck] = Field(description="Per indicator, in tree order.")
    coherence: Coherence = Field(description="Per criterion, and the flagged pairs.")
    notes: list[str] = Field(description="What the audit rests on, in words.")
