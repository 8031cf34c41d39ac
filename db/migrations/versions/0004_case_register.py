"""case register: a version on each case (optimistic concurrency of the app's forms) and the
retraction of an event (its reason; empty = in force)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:45:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retracted", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("retracted")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("version")
