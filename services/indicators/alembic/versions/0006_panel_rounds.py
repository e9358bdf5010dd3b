"""Delphi rounds of a panel: every panel's existing judgments become round 1, which is open

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

panels = sa.table("panels", sa.column("id", sa.Integer()), sa.column("created_at", sa.DateTime(timezone=True)))
panel_rounds = sa.table(
    "panel_rounds",
    sa.column("panel_id", sa.Integer()),
    sa.column("number", sa.Integer()),
    sa.column("opened_at", sa.DateTime(timezone=True)),
    sa.column("opened_by", sa.String()),
)
judgments = sa.table(
    "judgments",
    sa.column("id", sa.Integer()),
    sa.column("expert_id", sa.Integer()),
    sa.column("round", sa.Integer()),
    sa.column("node", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "panel_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_rounds_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_rounds")),
        sa.UniqueConstraint("panel_id", "number", name="uq_panel_rounds_panel_number"),
    )
    with op.batch_alter_table("panel_rounds") as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_rounds_panel_id"), ["panel_id"], unique=False)
    # Every panel so far has been in its first round, opened when the panel was made.
    op.execute(
        panel_rounds.insert().from_select(
            ["panel_id", "number", "opened_at", "opened_by"],
            sa.select(panels.c.id, sa.literal(1), panels.c.created_at, sa.literal("")),
        )
    )
    with op.batch_alter_table("judgments") as batch_op:
        batch_op.add_column(sa.Column("round", sa.Integer(), nullable=False, server_default="1"))
        batch_op.drop_constraint("uq_judgments_expert_node", type_="unique")
        batch_op.create_unique_constraint("uq_judgments_expert_round_node", ["expert_id", "round", "node"])


def downgrade() -> None:
    # One judgment per expert and node fits the old table: the latest round's, which holds the panel's current
    # judgments (the open round starts from a copy of the closed one). Earlier rounds cannot be kept.
    later = judgments.alias("later")
    op.execute(
        judgments.delete().where(
            sa.exists().where(
                later.c.expert_id == judgments.c.expert_id,
                later.c.node == judgments.c.node,
                later.c["round"] > judgments.c["round"],
            )
        )
    )
    with op.batch_alter_table("judgments") as batch_op:
        batch_op.drop_constraint("uq_judgments_expert_round_node", type_="unique")
        batch_op.drop_column("round")
        batch_op.create_unique_constraint("uq_judgments_expert_node", ["expert_id", "node"])
    with op.batch_alter_table("panel_rounds") as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_rounds_panel_id"))
    op.drop_table("panel_rounds")
