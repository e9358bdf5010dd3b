"""v1 schemas of the indicator service: clusters, the indicator tree, datasets, imports and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared.errors import NotFound

# Declared in shared.schemas.vocabulary; a name imported `as` itself is re-exported for the modules that import it
# from here.
from shared.schemas.vocabulary import Category as Category
from shared.schemas.vocabulary import Direction as Direction
from shared.schemas.vocabulary import RoleName as RoleName

# A cluster, criterion or indicator code: a letter or digit, then letters, digits, `.`, `_` or `-`; 20 characters at
# most. Such a code stands in a URL path segment, a CSV cell and a file name as it is, and fits the narrowest column
# that stores one (criterion and indicator codes, and the judgments' node).
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN)]
# The node of a panel's judgments that compares the criteria with each other; no criterion may take it as its code.
GOAL_NODE = "goal"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Name = Annotated[str, Field(max_length=200), AfterValidator(_not_blank)]


class ClusterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="Stable cluster code, e.g. `SH-IC`.")
    name: str = Field(description="English name.")
    name_zh: str = Field(description="Chinese name.")
    province: str = Field(description="Province or municipality (English).")
    province_zh: str = Field(default="", description="Province or municipality (Chinese).")
    region: str = Field(default="", description="East, Central, West or Northeast.")
    industry: str = Field(description="Industrial field (English).")
    industry_zh: str = Field(default="", description="Industrial field (Chinese).")
    category: Category = Field(description="Development-stage category: basic, strategic or cutting_edge.")
    category_reason: str = Field(default="", description="Why the cluster is in its category.")
    category_reason_zh: str = Field(default="", description="Why the cluster is in its category (Chinese).")


class ClusterCreate(ClusterRead):
    code: Code = Field(description=f"Stable cluster code, e.g. `SH-IC`; it matches `{CODE_PATTERN}`.")


class IndicatorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="Indicator code, e.g. `C1.1`.")
    name: str = Field(description="English name.")
    name_zh: str = Field(description="Chinese name.")
    unit: str = Field(description="Unit of the values (English).")
    unit_zh: str = Field(default="", description="Unit of the values (Chinese).")
    direction: Direction = Field(description="`benefit`: more is better; `cost`: less is better.")
    ref_min: float = Field(description="Lower end of the reference (plausible) range used by fixed-reference scores.")
    ref_max: float = Field(description="Upper end of the reference (plausible) range.")
    valid_min: float | None = Field(description="Hard lower validity limit of a value; null: none.")
    valid_max: float | None = Field(description="Hard upper validity limit of a value; null: none.")
    integer: bool = Field(default=False, description="Whether values are whole numbers (counts).")


class CriterionNode(BaseModel):
    code: str = Field(description="Criterion code, e.g. `C1`.")
    name: str = Field(description="English name.")
    name_zh: str = Field(description="Chinese name.")
    children: list[IndicatorRead] = Field(description="The criterion's indicators, in order.")


class IndicatorWrite(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    code: Code = Field(description=f"Indicator code, e.g. `C1.1`; it matches `{CODE_PATTERN}`.")
    name: Name = Field(description="English name.")
    name_zh: Name = Field(description="Chinese name.")
    unit: str = Field(max_length=40, description="Unit of the values (English).")
    unit_zh: str = Field(default="", max_length=40, description="Unit of the values (Chinese).")
    direction: Direction = Field(description="`benefit`: more is better; `cost`: less is better.")
    ref_min: float = Field(description="Lower end of the reference (plausible) range; below `ref_max`.")
    ref_max: float = Field(description="Upper end of the reference (plausible) range.")
    valid_min: float | None = Field(description="Hard lower validity limit, at most `ref_min`; null: none.")
    valid_max: float | None = Field(description="Hard upper validity limit, at least `ref_max`; null: none.")
    integer: bool = Field(default=False, description="Whether values are whole numbers (counts).")


class CriterionWrite(BaseModel):
    """One criterion of a tree written with PUT /v1/indicators, which replaces the whole stored tree."""

    code: Code = Field(description=f"Criterion code, e.g. `C1`; it matches `{CODE_PATTERN}`; not `{GOAL_NODE}`.")
    name: Name = Field(description="English name.")
    name_zh: Name = Field(description="Chinese name.")
    children: list[IndicatorWrite] = Field(
        min_length=1, description="The criterion's indicators, in order; one at least."
    )


class DatasetVersion(BaseModel):
    year: int = Field(description="Year of the observations.")
    version: str = Field(description="Changes whenever any value of that year changes.")


class DatasetRead(BaseModel):
    year: int = Field(description="Year of the observations.")
    version: str = Field(description="Changes whenever any value of that year changes.")
    synthetic: bool = Field(default=False, description="True when any value comes from the synthetic demo data.")
    clusters: list[str] = Field(description="Cluster codes: the rows of `values`.")
    indicators: list[str] = Field(description="Indicator codes: the columns of `values`.")
    values: list[list[float | None]] = Field(description="Rows are clusters, columns indicators; null: missing.")


class ImportRowError(BaseModel):
    row: int = Field(description="Line number in the file (the header is line 1).")
    column: str = Field(description="Column of the bad value.")
    message: str = Field(description="What is wrong.")


class ImportResult(BaseModel):
    rows: int = Field(description="Data rows read from the file.")
    inserted: int = Field(description="New observations.")
    updated: int = Field(description="Observations whose value or source changed (old values kept in history).")
    unchanged: int = Field(default=0, description="Rows equal to what was stored.")
    dry_run: bool = Field(default=False, description="True when nothing was written.")
    years: list[int] = Field(default_factory=list, description="Years the file touches.")


class ObservationHistoryRead(BaseModel):
    cluster_code: str = Field(description="Cluster code.")
    indicator_code: str = Field(description="Indicator code.")
    year: int = Field(description="Year.")
    old_value: float | None = Field(description="Value before the change.")
    new_value: float | None = Field(description="Value after the change.")
    old_source: str | None = Field(description="Source before the change.")
    new_source: str | None = Field(description="Source after the change.")
    changed_at: datetime = Field(description="When the change was made (UTC).")
    actor: str = Field(description="Who made it.")


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="Who or what the key is for.")
    role: RoleName = Field(description="viewer, expert, analyst or admin.")


class ApiKeyRead(BaseModel):
    id: int = Field(description="Key id (use it to revoke the key).")
    name: str = Field(description="Who or what the key is for.")
    role: RoleName = Field(description="The key's role.")


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The key itself. Shown once; only its hash is stored.")


class WhoAmI(BaseModel):
    id: int | None = Field(description="Key id; null for the environment's admin key.")
    name: str = Field(description="The key's name.")
    role: RoleName = Field(description="The key's role.")


class PlatformState(BaseModel):
    """Tokens that change whenever what they stand for changes; callers put them in their cache keys."""

    instance_id: str = Field(description="Made once per database: cached answers of another database never match.")
    catalog_version: str = Field(description="Changes whenever a cluster or the indicator tree changes.")
    default_profile_id: int | None = Field(description="Id of the default published weight profile; null: none yet.")
    datasets: list[DatasetVersion] = Field(description="Each year with observations and its current version.")
    generation: int = Field(default=0, description="Grows by one with every change of the tokens above.")
    category_defaults: dict[Category, int] = Field(
        default_factory=dict,
        description="The default profile's id of each category that has one of its own (the others use the default).",
    )

    def profile_id(self, requested: int | None, *, category: str | None = None) -> int:
        """The profile a request means: the one it names, else the category's default when the request is for a
        category that has one, else the default (404 when none is published)."""
        if requested is not None:
            return requested
        if category is not None and category in self.category_defaults:
            return self.category_defaults[category]
        if self.default_profile_id is None:
            raise NotFound("no weight profile has been published yet; publish one or pass profile=<id>")
        return self.default_profile_id

    def version_of(self, year: int) -> str:
        """The year's dataset version; 404 when the year has no observations."""
        for dataset in self.datasets:
            if dataset.year == year:
                return dataset.version
        raise NotFound(f"no observations for the year {year}")
