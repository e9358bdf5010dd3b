"""v1 schemas of expert panels, their pairwise judgments and the weight profiles published from them."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from shared.pairwise import to_float

# Declared in shared.schemas.vocabulary; a name imported `as` itself is re-exported for the modules that import it
# from here.
from shared.schemas.vocabulary import Aggregation as Aggregation
from shared.schemas.vocabulary import Category, ConsensusBand, PriorityMethod, RoundStatus
from shared.schemas.vocabulary import RiTable as RiTable

# The former name of PriorityMethod, for the modules that import it from here.
Method = PriorityMethod
DefaultScope = Literal["all"] | Category
"""What a profile may become the default of: every category (`all`, the overall default) or one category."""
WEIGHT_SUM_TOLERANCE = 1e-6


def parse_pairwise_judgment(value: object) -> float | None:
    """A judgment as a positive finite float: a number or a fraction string such as "1/3"; None when missing."""
    if value is None:
        return None
    number = to_float(value)
    if number is None:
        raise ValueError(f'{value!r:.40} is not a number, a fraction such as "1/3", or null')
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"a judgment must be positive and finite, got {value!r:.40}")
    return number


PairwiseJudgment = Annotated[
    float | None,
    BeforeValidator(parse_pairwise_judgment, json_schema_input_type=float | str | None),
]


class ExpertCreate(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    code: str = Field(min_length=1, max_length=60, description="Expert code, unique within the panel, e.g. `BASIC-E1`.")
    name: str = Field(min_length=1, max_length=200, description="English name.")
    name_zh: str = Field(default="", max_length=200, description="Chinese name.")
    weight: float = Field(default=1.0, gt=0, description="The expert's weight in the group aggregation (default 1).")
    api_key_id: int | None = Field(
        default=None, description="Id of the API key the expert signs in with; that key may edit their judgments."
    )


class ExpertUpdate(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    name: str | None = Field(default=None, min_length=1, max_length=200, description="New English name.")
    name_zh: str | None = Field(default=None, max_length=200, description="New Chinese name.")
    weight: float | None = Field(default=None, gt=0, description="New weight in the group aggregation.")
    api_key_id: int | None = Field(
        default=None, description="Id of the API key the expert signs in with; an explicit null unlinks the key."
    )


class ExpertRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Expert id.")
    code: str = Field(description="Expert code, unique within the panel.")
    name: str = Field(description="English name.")
    name_zh: str = Field(description="Chinese name.")
    weight: float = Field(description="The expert's weight in the group aggregation.")
    api_key_id: int | None = Field(description="Id of the API key the expert signs in with; null: none linked.")


class PanelCreate(BaseModel):
    code: str = Field(min_length=1, max_length=60, description="Panel code, unique, e.g. `DEMO-BASIC`.")
    name: str = Field(min_length=1, max_length=200, description="English name.")
    name_zh: str = Field(default="", max_length=200, description="Chinese name.")
    category: Category | None = Field(default=None, description="Cluster category the panel weighs for; null: all.")
    experts: list[ExpertCreate] = Field(default_factory=list, description="Members to add with the panel.")

    @field_validator("experts")
    @classmethod
    def _unique_expert_codes(cls, experts: list[ExpertCreate]) -> list[ExpertCreate]:
        repeated = [code for code, count in Counter(e.code for e in experts).items() if count > 1]
        if repeated:
            raise ValueError(f"expert codes must be unique within a panel; repeated: {', '.join(repeated)}")
        return experts


class PanelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Panel id.")
    code: str = Field(description="Panel code, unique.")
    name: str = Field(description="English name.")
    name_zh: str = Field(description="Chinese name.")
    category: Category | None = Field(description="Cluster category the panel weighs for; null: all.")
    created_at: datetime = Field(description="When the panel was created (UTC).")
    experts: list[ExpertRead] = Field(description="The panel's members.")


class JudgmentWrite(BaseModel):
    items: list[str] = Field(
        min_length=1,
        description="Codes compared, in matrix order: the criteria for node `goal`, a criterion's indicators else.",
    )
    matrix: list[list[PairwiseJudgment]] = Field(
        description="Square pairwise comparison matrix: `matrix[i][j]` says how much more important `items[i]` is "
        'than `items[j]`; a positive number, a fraction string such as "1/3", or null (missing, in both places).',
    )
    version: int = Field(
        ge=0, description="The version the client read (0 for a new judgment); a stale version is a 409 Conflict."
    )
    round: int | None = Field(
        default=None,
        ge=1,
        description="The round the client read the judgment in; a write meant for a round that is closed by now is a "
        "409 Conflict. Null: the open round, which is the only one written to.",
    )

    @field_validator("items")
    @classmethod
    def _unique_items(cls, items: list[str]) -> list[str]:
        repeated = [code for code, count in Counter(items).items() if count > 1]
        if repeated:
            raise ValueError(f"each item may appear once; repeated: {', '.join(repeated)}")
        return items

    @field_validator("matrix")
    @classmethod
    def _square_of_item_count(cls, matrix: list[list[float | None]], info: ValidationInfo) -> list[list[float | None]]:
        items = info.data.get("items")
        size = len(items) if items is not None else len(matrix)
        if len(matrix) != size:
            raise ValueError(f"the matrix has {len(matrix)} rows; {size} items need {size}")
        for i, row in enumerate(matrix):
            if len(row) != size:
                raise ValueError(f"row {i} has {len(row)} entries; a {size} x {size} matrix needs {size}")
        return matrix


class JudgmentRead(BaseModel):
    panel_id: int = Field(description="Panel id.")
    expert_code: str = Field(description="Code of the expert who judged.")
    node: str = Field(description="Node of the tree: `goal` or a criterion code such as `C1`.")
    round: int = Field(default=1, description="The panel's round the judgment belongs to (1, 2, ...).")
    items: list[str] = Field(description="Codes compared, in matrix order.")
    matrix: list[list[float | None]] = Field(description="The pairwise comparison matrix; null: missing judgment.")
    version: int = Field(
        description="Increases by one with every change; send it back with the next write. A round opened from a "
        "closed one starts its copies at version 1."
    )
    updated_at: datetime = Field(description="When the judgment was last written (UTC).")
    updated_by: str = Field(description="Who wrote it last.")


class RoundRead(BaseModel):
    round: int = Field(description="Number of the round, from 1.")
    status: RoundStatus = Field(description="`open`: judgments are written in it; `closed`: kept as they were.")
    opened_at: datetime = Field(description="When the round was opened (UTC).")
    closed_at: datetime | None = Field(description="When the round was closed (UTC); null while it is open.")
    opened_by: str = Field(default="", description="Who opened it (empty for a panel's first round).")
    closed_by: str | None = Field(default=None, description="Who closed it; null while it is open.")


class RoundsSummaryRequest(BaseModel):
    round: int | None = Field(default=None, ge=1, description="Only this round; null: every round, first to last.")
    method: PriorityMethod = Field(default="eigenvector", description="Priority method: eigenvector or geometric_mean.")
    aggregation: Aggregation = Field(default="aij", description="aij (judgments) or aip (priorities).")
    ri_table: RiTable = Field(default="saaty", description="Random index table for the consistency ratios.")


class PairDifference(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    first: str = Field(description="Code of the item judged against `second`.")
    second: str = Field(description="Code of the other item.")
    expert: float = Field(description="How much more important the expert judged `first` than `second`.")
    group: float = Field(
        description="The group's judgment of the pair: the aggregated matrix's entry (aij), else the ratio of the "
        "group priorities (aip)."
    )


class ExpertFromGroup(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    expert: str = Field(description="Expert code.")
    weights: dict[str, float] = Field(description="The expert's own priorities of the node's children by code.")
    cr: float = Field(ge=0, description="Consistency ratio of the expert's matrix.")
    consistent: bool = Field(description="Whether that ratio is within the threshold (0.1).")
    distance: float = Field(
        ge=0,
        le=1,
        description="Distance from the group: half the sum of the absolute differences between the expert's "
        "priorities and the group's, i.e. the share of weight that would have to move for them to agree (0: the "
        "same priorities; 1: nothing in common).",
    )
    most_different: list[PairDifference] = Field(
        description="The expert's judgments furthest from the group's (ratio on a log scale), furthest first; at "
        "most 3, none that agree."
    )


class NodeAgreement(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    node: str = Field(description="Node of the tree: `goal` or a criterion code.")
    weights: dict[str, float] = Field(description="Group priorities of the node's children by code; they sum to 1.")
    cr: float = Field(ge=0, description="Consistency ratio of the group result (as /v1/ahp/group).")
    consistent: bool = Field(description="Whether the group ratio is within the threshold (0.1).")
    consensus: float = Field(ge=0, le=1, description="Goepel's relative homogeneity S of the experts' priorities.")
    ahp_consensus: float = Field(description="Goepel's AHP consensus S* as AHP-OS reports it; it may be below 0.")
    consensus_band: ConsensusBand = Field(description="AHP-OS's word for `ahp_consensus`.")
    experts: list[ExpertFromGroup] = Field(description="Each expert who judged the node, with their distance.")


class RoundSummary(BaseModel):
    round: int = Field(description="Number of the round.")
    status: RoundStatus = Field(description="`open` or `closed`.")
    nodes: list[NodeAgreement] = Field(description="Every node judged in the round, in tree order.")
    unjudged: list[str] = Field(description="Nodes needing a judgment that nobody judged in the round.")


class PanelRoundsSummary(BaseModel):
    panel_id: int = Field(description="Panel id.")
    method: PriorityMethod = Field(description="Priority method used.")
    aggregation: Aggregation = Field(description="Group aggregation used.")
    ri_table: RiTable = Field(description="Random index table used.")
    rounds: list[RoundSummary] = Field(description="The rounds asked for, first to last.")


class ExpertProgress(BaseModel):
    expert_code: str = Field(description="Expert code.")
    nodes_done: int = Field(ge=0, description="Nodes of the tree the expert has judged.")
    nodes_total: int = Field(
        ge=0, description="Nodes that need a judgment: the goal and each criterion with more than one child."
    )
    missing: list[str] = Field(description="Nodes the expert has not judged yet (or judged over other items).")
    inconsistent: list[str] = Field(
        description="Judged nodes whose consistency ratio (eigenvector, Saaty's RI) is above the threshold 0.1."
    )


class Provenance(BaseModel):
    excluded_experts: list[str] = Field(
        default_factory=list, description="Experts whose judgments were left out of the aggregation."
    )
    override_reason: str | None = Field(
        default=None, description="Why the profile was published although included experts had gaps; null: none."
    )
    round: int | None = Field(default=None, description="Round of the panel whose judgments were used; null: none.")


class PanelPublish(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="Name of the new profile.", examples=["Review 2025"])
    name_zh: str = Field(default="", max_length=200, description="Its Chinese name.", examples=["2025年度评审"])
    method: PriorityMethod = Field(default="eigenvector", description="Priority method: eigenvector or geometric_mean.")
    aggregation: Aggregation = Field(default="aij", description="aij (judgments) or aip (priorities).")
    ri_table: RiTable = Field(default="saaty", description="Random index table for the consistency ratios.")
    exclude_experts: list[str] = Field(
        default_factory=list, description="Codes of experts whose judgments are left out of the aggregation."
    )
    override_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=2000,
        description="Publish although included experts have missing or inconsistent nodes, for this reason; "
        "without it such gaps are a 422 naming them.",
    )
    default_for: DefaultScope | None = Field(
        default=None, description="Make the profile the default of every category (`all`) or of one; null: neither."
    )
    make_default: bool = Field(default=False, description='Former spelling of `default_for: "all"`.')

    @field_validator("exclude_experts")
    @classmethod
    def _unique_exclusions(cls, codes: list[str]) -> list[str]:
        repeated = [code for code, count in Counter(codes).items() if count > 1]
        if repeated:
            raise ValueError(f"each expert may be excluded once; repeated: {', '.join(repeated)}")
        return codes

    @property
    def default_scope(self) -> DefaultScope | None:
        """`default_for`, with the former `make_default` read as `all`."""
        return self.default_for if self.default_for is not None else ("all" if self.make_default else None)


class CriterionWeight(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    code: str = Field(description="Criterion code, e.g. `C1`.")
    weight: float = Field(ge=0, description="Weight of the criterion under the goal (local = global); they sum to 1.")
    cr: float | None = Field(
        default=None, ge=0, description="Consistency ratio of the group matrix over its indicators."
    )


class IndicatorWeight(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    code: str = Field(description="Indicator code, e.g. `C1.1`.")
    criterion: str = Field(description="Code of the indicator's criterion.")
    local_weight: float = Field(ge=0, description="Weight within its criterion; a criterion's indicators sum to 1.")
    global_weight: float = Field(ge=0, description="Criterion weight times local weight; all indicators sum to 1.")


class ExpertConsistency(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    expert: str = Field(description="Expert code.")
    cr: float = Field(ge=0, description="Consistency ratio of the expert's own matrix for this node.")
    consistent: bool = Field(description="Whether that ratio is within the threshold (0.1).")


class NodeResult(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    node: str = Field(description="Node of the tree: `goal` or a criterion code.")
    cr: float = Field(ge=0, description="Consistency ratio of the group result for this node.")
    consistent: bool = Field(description="Whether the group ratio is within the threshold (0.1).")
    consensus: float | None = Field(
        default=None, ge=0, le=1, description="Goepel's relative homogeneity of the experts' priorities (1 = agree)."
    )
    weights: dict[str, float] = Field(description="Group local weights of the node's children by code; sum to 1.")
    experts: list[ExpertConsistency] = Field(default_factory=list, description="Each expert's own consistency.")


class JudgmentSnapshot(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    expert: str = Field(description="Expert code.")
    weight: float = Field(default=1.0, gt=0, description="The expert's weight in the aggregation.")
    node: str = Field(description="Node of the tree: `goal` or a criterion code.")
    items: list[str] = Field(description="Codes compared, in matrix order.")
    matrix: list[list[float | None]] = Field(description="The pairwise comparison matrix; null: missing judgment.")
    version: int | None = Field(default=None, description="Version of the stored judgment the profile used.")


class WeightProfileBase(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=200, description="Name, e.g. `National review panel (all 15 experts)`.")
    name_zh: str = Field(
        default="", max_length=200, description="Chinese name, e.g. `全国评审专家组（15位专家）`; empty: none."
    )
    panel_id: int | None = Field(default=None, description="Panel whose judgments the weights come from; null: none.")
    category: Category | None = Field(
        default=None, description="Cluster category the weights are meant for; null: all."
    )
    method: PriorityMethod = Field(default="eigenvector", description="Priority method: eigenvector or geometric_mean.")
    aggregation: Aggregation = Field(
        default="aij", description="Group aggregation: aij (judgments) or aip (priorities)."
    )
    ri_table: RiTable = Field(default="saaty", description="Random index table behind the consistency ratios.")
    consensus: float | None = Field(
        default=None, ge=0, le=1, description="Consensus of the panel on the criteria (the goal node's homogeneity)."
    )
    criteria: list[CriterionWeight] = Field(description="Criterion weights under the goal, in tree order.")
    indicators: list[IndicatorWeight] = Field(description="Indicator local and global weights, in tree order.")
    nodes: list[NodeResult] = Field(default_factory=list, description="Group result of every node of the tree.")
    judgments: list[JudgmentSnapshot] = Field(
        default_factory=list, description="Snapshot of the judgments the weights were computed from."
    )
    provenance: Provenance | None = Field(
        default=None, description="Experts left out and why gaps were overridden; null: published without a gate."
    )


class WeightProfileCreate(WeightProfileBase):
    make_default: bool = Field(
        default=False,
        description="Make this the default profile (unsets the others). The first profile is the default anyway.",
    )
    default_for: DefaultScope | None = Field(
        default=None, description="Make it the default of every category (`all`, as `make_default`) or of one."
    )

    @model_validator(mode="after")
    def _weights_are_a_distribution(self) -> WeightProfileCreate:
        problems: list[str] = []
        for name, codes, weights in (
            ("criteria", [c.code for c in self.criteria], [c.weight for c in self.criteria]),
            ("indicators", [i.code for i in self.indicators], [i.global_weight for i in self.indicators]),
        ):
            if not codes:
                problems.append(f"{name}: at least one is needed")
                continue
            repeated = [code for code, count in Counter(codes).items() if count > 1]
            if repeated:
                problems.append(f"{name}: each code may appear once; repeated: {', '.join(repeated)}")
            total = math.fsum(weights)
            if abs(total - 1) > WEIGHT_SUM_TOLERANCE:
                problems.append(f"{name}: the weights must sum to 1 (within {WEIGHT_SUM_TOLERANCE:g}), not {total:.9g}")
        criterion_codes = {c.code for c in self.criteria}
        orphans = sorted({i.criterion for i in self.indicators} - criterion_codes)
        if orphans:
            problems.append(f"indicators: criteria {', '.join(orphans)} are not among the profile's criteria")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class WeightProfileRead(WeightProfileBase):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Profile id; a profile never changes, so a new publication is a new id.")
    is_default: bool = Field(description="Whether this is the default profile (the one rankings use unless told).")
    default_categories: list[Category] = Field(
        default_factory=list,
        description="The categories whose default this profile is; they use it before the overall default.",
    )
    published_at: datetime = Field(description="When the profile was published (UTC).")
    published_by: str = Field(description="Who published it.")


class ProfileSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Profile id.")
    name: str = Field(description="Name.")
    name_zh: str = Field(default="", description="Chinese name; empty: none.")
    panel_id: int | None = Field(description="Panel whose judgments the weights come from; null: none.")
    category: Category | None = Field(description="Cluster category the weights are for; null: all.")
    method: PriorityMethod = Field(description="Priority method.")
    aggregation: Aggregation = Field(description="Group aggregation.")
    ri_table: RiTable = Field(description="Random index table.")
    consensus: float | None = Field(description="Consensus of the panel on the criteria.")
    is_default: bool = Field(description="Whether this is the default profile.")
    default_categories: list[Category] = Field(default_factory=list, description="The categories whose default it is.")
    published_at: datetime = Field(description="When the profile was published (UTC).")
    published_by: str = Field(description="Who published it.")


def profile_body(profile: WeightProfileBase) -> dict[str, Any]:
    """The stored content of a profile (everything but the publishing flag), as plain JSON-ready data."""
    return profile.model_dump(mode="json", include=set(WeightProfileBase.model_fields))
