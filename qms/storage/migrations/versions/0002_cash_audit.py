"""Cash at day end (drawers, money movements, day closures) and the audit log."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("via", sa.String(), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_auditentry_branch_id"), "auditentry", ["branch_id"], unique=False)
    op.create_table(
        "dayclosure",
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.String(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("branch_id", "business_day"),
    )
    op.create_table(
        "drawer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("cashier", sa.String(), nullable=False),
        sa.Column("cashier_name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("counter_code", sa.String(), nullable=False),
        sa.Column("float_amount", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=True),
        sa.Column("expected", sa.Integer(), nullable=True),
        sa.Column("difference", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approval_note", sa.String(), nullable=True),
        sa.Column("deposit_amount", sa.Integer(), nullable=True),
        sa.Column("deposit_bank", sa.String(), nullable=True),
        sa.Column("deposit_ref", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "business_day", "cashier"),
    )
    op.create_table(
        "moneymovement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("from_cashier", sa.String(), nullable=False),
        sa.Column("to_cashier", sa.String(), nullable=False),
        sa.Column("out_amount", sa.Integer(), nullable=True),
        sa.Column("out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("in_amount", sa.Integer(), nullable=True),
        sa.Column("in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_moneymovement_branch_id"), "moneymovement", ["branch_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_moneymovement_branch_id"), table_name="moneymovement")
    op.drop_table("moneymovement")
    op.drop_table("drawer")
    op.drop_table("dayclosure")
    op.drop_index(op.f("ix_auditentry_branch_id"), table_name="auditentry")
    op.drop_table("auditentry")
