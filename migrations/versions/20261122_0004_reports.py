# SPDX-License-Identifier: MIT
"""report values entered by hand and period closing history (issue: monthly report)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_values",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("disagg", sa.String(length=60), nullable=False),
        sa.Column("value", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("origin_branch", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_values")),
        sa.UniqueConstraint("period", "code", "disagg", name=op.f("uq_report_values_period_code_disagg")),
        sa.UniqueConstraint("uuid", name=op.f("uq_report_values_uuid")),
    )
    op.create_table(
        "report_periods",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("catalogue_version", sa.String(length=12), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_report_periods")),
    )


def downgrade() -> None:
    op.drop_table("report_periods")
    op.drop_table("report_values")
