"""weight profile provenance (excluded experts, override reason) and a default profile per category

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("weight_profiles") as batch_op:
        batch_op.add_column(sa.Column("provenance", sa.JSON(), nullable=True))
    op.create_table(
        "category_default_profiles",
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["weight_profiles.id"],
            name=op.f("fk_category_default_profiles_profile_id_weight_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_category_default_profiles")),
    )
    with op.batch_alter_table("category_default_profiles") as batch_op:
        batch_op.create_index(batch_op.f("ix_category_default_profiles_profile_id"), ["profile_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("category_default_profiles") as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_default_profiles_profile_id"))
    op.drop_table("category_default_profiles")
    with op.batch_alter_table("weight_profiles") as batch_op:
        batch_op.drop_column("provenance")
