"""platform state: the database's instance id and the catalogue version

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "platform_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=40), nullable=False),
        sa.Column("catalog_version", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_state")),
    )
    op.bulk_insert(table, [{"id": 1, "instance_id": uuid.uuid4().hex, "catalog_version": uuid.uuid4().hex[:16]}])


def downgrade() -> None:
    op.drop_table("platform_state")
