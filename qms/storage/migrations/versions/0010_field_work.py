"""Field work (docs/field.md): crews, the day's disconnection round, cut and reconnection
orders, and the outbox of supply changes reported to CMIS."""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "crew",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("members", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _ts("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "code"),
    )
    op.create_index("ix_crew_branch_id", "crew", ["branch_id"])
    op.create_table(
        "fieldround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("books", sa.Text(), nullable=False),
        _ts("pulled_at"),
        sa.Column("stale", sa.Boolean(), nullable=False),
        _ts("stale_since"),
        sa.Column("status", sa.String(), nullable=False),
        _ts("closed_at"),
        sa.Column("closed_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "business_day"),
    )
    op.create_index("ix_fieldround_branch_id", "fieldround", ["branch_id"])
    op.create_table(
        "fieldorder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("fieldround.id"), nullable=True),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("customer_code", sa.String(), nullable=False),
        sa.Column("customer_name", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("book_code", sa.String(), nullable=False),
        sa.Column("periods", sa.Integer(), nullable=False),
        sa.Column("overdue", MONEY, nullable=False),
        sa.Column("oldest_due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("crew_id", sa.Integer(), sa.ForeignKey("crew.id"), nullable=True),
        sa.Column("route_no", sa.Integer(), nullable=True),
        _ts("assigned_at"),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("receipt_no", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        _ts("done_at"),
        _ts("result_at"),
        sa.Column("result_key", sa.String(), nullable=True),
        sa.Column("done_by", sa.String(), nullable=True),
        _ts("created_at", nullable=False),
        _ts("paid_at"),
        _ts("deadline"),
        sa.Column("payments", sa.String(), nullable=True),
        sa.Column("cmis_error", sa.String(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("result_key"),
    )
    for column in ("branch_id", "kind", "round_id", "customer_code", "status", "crew_id"):
        op.create_index(f"ix_fieldorder_{column}", "fieldorder", [column])
    op.create_table(
        "supplychange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("fieldorder.id"), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("customer_code", sa.String(), nullable=False),
        sa.Column("supply", sa.String(), nullable=False),
        _ts("at", nullable=False),
        sa.Column("staff", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at"),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("error_code", sa.String(), nullable=True),
        _ts("posted_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    for column in ("branch_id", "order_id", "customer_code", "status"):
        op.create_index(f"ix_supplychange_{column}", "supplychange", [column])


def downgrade() -> None:
    for table in ("supplychange", "fieldorder", "fieldround", "crew"):
        op.drop_table(table)
