"""context notes: the secretariat's note on a figure for a half-year and a region

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:30:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('context_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('changed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('retracted_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('retracted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['region'], ['region.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('context_note', schema=None) as batch_op:
        batch_op.create_index('ix_context_note_period_indicator', ['period', 'indicator'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('context_note', schema=None) as batch_op:
        batch_op.drop_index('ix_context_note_period_indicator')

    op.drop_table('context_note')
