# SPDX-License-Identifier: MIT
"""bundle export state: per-branch sequence numbers and exported bundles (issue: signed bundle)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bundle_sequence",
        sa.Column("branch_code", sa.String(length=40), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("branch_code", name=op.f("pk_bundle_sequence")),
    )
    op.create_table(
        "bundle_exports",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("bundle_id", sa.String(length=36), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("exported_by", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("bundle_digest", sa.String(length=64), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_bundle_exports")),
        sa.UniqueConstraint("bundle_id", name=op.f("uq_bundle_exports_bundle_id")),
    )
    op.create_table(
        "bundle_row_state",
        sa.Column("sheet_key", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(length=25), nullable=False),
        sa.PrimaryKeyConstraint("sheet_key", "record_id", name=op.f("pk_bundle_row_state")),
    )


def downgrade() -> None:
    op.drop_table("bundle_row_state")
    op.drop_table("bundle_exports")
    op.drop_table("bundle_sequence")
