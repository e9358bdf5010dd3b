"""The domain's vocabulary: every word a request, a response or a page may choose from, declared here once.

The schemas, the services, the engine, the command line and the front end take these Literals as they are, and
`typing.get_args` of them where they need the values as a tuple or a list; nothing else spells the values out
(tests/unit/shared/test_vocabulary.py checks the source tree for copies). Data keyed by these words (the random
index values, the MCDA methods' specs, labels) stays with the code that owns it.
"""

from __future__ import annotations

from typing import Literal

# --- clusters, indicators, people -----------------------------------------------------------------------------

Category = Literal["basic", "strategic", "cutting_edge"]
"""A cluster's development stage (DOMAIN.md): mature traditional industries, strategic emerging ones, frontier ones."""
Direction = Literal["benefit", "cost"]
"""`benefit`: more is better; `cost`: less is better."""
RoleName = Literal["viewer", "expert", "analyst", "admin"]
"""What an API key may do, each role allowing what the ones before it allow (API.md, "Keys and roles")."""
Lang = Literal["en", "zh"]
"""Language of names and texts in an answer or a file."""

# --- AHP ------------------------------------------------------------------------------------------------------

PriorityMethod = Literal["eigenvector", "geometric_mean"]
"""How priorities come from a pairwise matrix: principal right eigenvector, or row geometric mean (LLSM)."""
Aggregation = Literal["aij", "aip"]
"""How a panel's matrices become one result: aggregated judgments (AIJ) or aggregated priorities (AIP)."""
RiTable = Literal["saaty", "alonso_lamata", "donegan_dodd", "tummala_ling"]
"""Random index table behind a consistency ratio; the values are the engine's (services/scoring/engine)."""
Completion = Literal["harker", "optimal"]
"""How the eigenvector method fills missing judgments: Harker's method, or the values that minimise lambda_max of the
completed matrix (Bozóki, Fülöp and Rónyai 2010). The geometric mean always uses logarithmic least squares."""
ConsensusBand = Literal["very_low", "low", "moderate", "high", "very_high"]
"""AHP-OS's words for Goepel's AHP consensus S*: up to 0.5, 0.625, 0.75, 0.875 (each end included), and above."""
RoundStatus = Literal["open", "closed"]
"""A panel's Delphi round: `open` (the one judgments are written in) or `closed` (its judgments kept read-only)."""

# --- scores and rankings --------------------------------------------------------------------------------------

FixedReferenceMethod = Literal["topsis", "wsm"]
"""Methods with a fixed-reference form, where a cluster's score depends on its own values only."""
RankingMethod = Literal[FixedReferenceMethod, "vikor", "promethee_ii", "waspas", "edas", "mabac"]
"""Methods a ranking of stored data may use: the fixed-reference ones, and others on the relative reference."""
ScoreMethod = Literal[RankingMethod, "wpm", "aras"]
"""Methods POST /v1/score and /v1/compare offer on a decision matrix of the caller's."""
Normalization = Literal[
    "vector", "minmax", "max", "sum", "linear", "nonlinear", "enhanced_accuracy", "zavadskas_turskis"
]
"""Column normalisations of a decision matrix."""
FixedReference = Literal["fixed"]
"""Each indicator scaled against its stored reference range: scores comparable across years."""
Reference = Literal[FixedReference, "relative"]
"""What a ranking scales each indicator against: its reference range (fixed) or the year's field (relative)."""
Tier = Literal["leading", "strong", "moderate", "emerging"]
"""A cluster's tier by its score's ratio to the year's mean score, best first."""
ExportFormat = Literal["csv", "xlsx", "pdf"]
"""File formats of a ranking export."""
ComparisonFlag = Literal["revised_data", "profile_changed"]
"""Why a year-over-year change may not be the cluster's own: the earlier year's values were revised after they were
first stored, or the earlier year is scored under another profile."""
NamedPlanTarget = Literal["next_tier", "top_quartile"]
"""Targets of a plan besides `rank:K`: the next better tier, or the top quartile of the cluster's category by score."""

# --- weights --------------------------------------------------------------------------------------------------

ObjectiveMethod = Literal["entropy", "critic", "standard_deviation", "merec"]
"""Objective criterion weights from the spread of the data."""
CombinationMethod = Literal["linear", "multiplicative"]
"""How subjective and objective weights are blended."""
