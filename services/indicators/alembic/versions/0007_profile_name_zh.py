"""A Chinese name for each weight profile; profiles published before keep an empty one

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("weight_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_zh", sa.String(length=200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("weight_profiles", schema=None) as batch_op:
        batch_op.drop_column("name_zh")
