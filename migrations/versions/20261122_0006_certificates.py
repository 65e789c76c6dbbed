# SPDX-License-Identifier: MIT
"""certificates: numbered, voidable, verifiable (issue: certificates)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("serial_year", sa.Integer(), nullable=False),
        sa.Column("serial_no", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=24), nullable=False),
        sa.Column("recipient_person_id", sa.Integer(), nullable=True),
        sa.Column("recipient_name", sa.String(length=250), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("essential_fields", sa.Text(), nullable=False),
        sa.Column("print_values", sa.Text(), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("verification_code", sa.String(length=16), nullable=False),
        sa.Column("qr_text", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=False),
        sa.Column("voided_by", sa.String(length=120), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("print_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("origin_branch", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_person_id"], ["people.id"], name=op.f("fk_certificates_recipient_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("kind", "serial_year", "serial_no", name="uq_certificates_number"),
        sa.UniqueConstraint("serial", name=op.f("uq_certificates_serial")),
        sa.UniqueConstraint("uuid", name=op.f("uq_certificates_uuid")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index("ix_certificates_recipient", ["recipient_person_id"], unique=False)
        batch_op.create_index("ix_certificates_code", ["verification_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_code")
        batch_op.drop_index("ix_certificates_recipient")
    op.drop_table("certificates")
