"""ORM models of the indicator service, the platform's system of record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.indicators.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class Cluster(Base):
    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(100))
    province_zh: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    industry: Mapped[str] = mapped_column(String(100))
    industry_zh: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(20))
    category_reason: Mapped[str] = mapped_column(Text, default="")
    category_reason_zh: Mapped[str] = mapped_column(Text, default="")


class Criterion(Base):
    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    indicators: Mapped[list[Indicator]] = relationship(back_populates="criterion", order_by="Indicator.position")


class Indicator(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    name_zh: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40))
    unit_zh: Mapped[str] = mapped_column(String(40), default="")
    direction: Mapped[str] = mapped_column(String(10))
    ref_min: Mapped[float] = mapped_column(Float)
    ref_max: Mapped[float] = mapped_column(Float)
    valid_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    valid_max: Mapped[float | None] = mapped_column(Float, nullable=True)
    integer: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    criterion: Mapped[Criterion] = relationship(back_populates="indicators")


class Observation(Base):
    """The current value of one indicator for one cluster in one year."""

    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("cluster_id", "indicator_id", "year", name="uq_observations_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ObservationHistory(Base):
    """A value that was replaced, kept for good."""

    __tablename__ = "observation_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    old_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    new_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    old_source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    new_source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200), default="")


class DatasetRevision(Base):
    """One row per year; `version` is replaced by a new random token in the transaction that changes the year."""

    __tablename__ = "dataset_revisions"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEntry(Base):
    """Who changed what and when, with the values before and after; written, never edited."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(100), default="")
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)


class Panel(Base):
    """A panel of experts who weigh the indicator tree by pairwise comparisons."""

    __tablename__ = "panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    experts: Mapped[list[Expert]] = relationship(back_populates="panel", order_by="Expert.id")


class PanelRound(Base):
    """A Delphi round of a panel: judgments are written in the one open round; a closed round's stay as they were."""

    __tablename__ = "panel_rounds"
    __table_args__ = (UniqueConstraint("panel_id", "number", name="uq_panel_rounds_panel_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(200), default="")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Expert(Base):
    """A member of a panel; `api_key_id` is the key they sign in with, which lets them edit their own judgments."""

    __tablename__ = "experts"
    __table_args__ = (UniqueConstraint("panel_id", "code", name="uq_experts_panel_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL"), nullable=True, index=True
    )
    panel: Mapped[Panel] = relationship(back_populates="experts")


class Judgment(Base):
    """One expert's pairwise comparison matrix for one node of the tree (`goal` or a criterion code) in one round."""

    __tablename__ = "judgments"
    __table_args__ = (UniqueConstraint("expert_id", "round", "node", name="uq_judgments_expert_round_node"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    # The number of the panel's round (PanelRound.number) the judgment belongs to; 1 before migration 0006.
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    node: Mapped[str] = mapped_column(String(20))
    items: Mapped[list[str]] = mapped_column(JSON)
    matrix: Mapped[list[list[float | None]]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")

    # The ORM adds `AND version = <loaded>` to every UPDATE, so two writers racing on one version cannot both win.
    __mapper_args__ = {"version_id_col": version}


class WeightProfile(Base):
    """Published group weights of the whole tree; immutable once stored, except which profile is the default."""

    __tablename__ = "weight_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The Chinese name; "" for profiles published before migration 0007 or without one (the pages show `name`).
    name_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    panel_id: Mapped[int | None] = mapped_column(ForeignKey("panels.id", ondelete="SET NULL"), nullable=True)
    category: Mapped[str | None] = mapped_column(String(20), nullable=True)
    method: Mapped[str] = mapped_column(String(20))
    aggregation: Mapped[str] = mapped_column(String(10))
    ri_table: Mapped[str] = mapped_column(String(20))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    published_by: Mapped[str] = mapped_column(String(200), default="")
    consensus: Mapped[float | None] = mapped_column(Float, nullable=True)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    nodes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    judgments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Which experts were left out and why the publication went ahead despite gaps; null before migration 0005.
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    category_defaults: Mapped[list[CategoryDefault]] = relationship(
        back_populates="profile", order_by="CategoryDefault.category", lazy="selectin"
    )

    @property
    def default_categories(self) -> list[str]:
        """The categories whose default this profile is."""
        return [d.category for d in self.category_defaults]

    # At most one default, enforced by the database so that two concurrent switches cannot leave two.
    __table_args__ = (
        Index(
            "uq_weight_profiles_default",
            "is_default",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )


class CategoryDefault(Base):
    """The default profile of one cluster category; a category without a row uses the overall default."""

    __tablename__ = "category_default_profiles"

    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("weight_profiles.id", ondelete="CASCADE"), index=True)
    profile: Mapped[WeightProfile] = relationship(back_populates="category_defaults")


class PlatformState(Base):
    """One row: a token made once per database, and one renewed whenever a cluster or the indicator tree changes."""

    __tablename__ = "platform_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(40))
    catalog_version: Mapped[str] = mapped_column(String(40))
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
