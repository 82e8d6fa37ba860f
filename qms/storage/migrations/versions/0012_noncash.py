"""Pay by VietQR (docs/noncash.md): a payment's method and bank credit, the QR requests,
the bank's credits (applied or exceptions) and the imported statement lines."""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("payment") as t:
        t.add_column(sa.Column("method", sa.String(), nullable=False, server_default="cash"))
        t.add_column(sa.Column("bank_txn", sa.String(), nullable=True))
        t.create_index("ix_payment_bank_txn", ["bank_txn"])
    op.create_table(
        "qrrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("ref"),
        _text("branch_id"),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False),
        _text("invoice_ids"),
        sa.Column("amount", MONEY, nullable=False),
        _text("source"),
        _text("counter_code", True),
        _text("cashier", True),
        _ts("created_at", nullable=False),
        _text("status"),
        _text("paid_by", True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
    )
    op.create_index("ix_qrrequest_branch_id", "qrrequest", ["branch_id"])
    op.create_index("ix_qrrequest_ticket_id", "qrrequest", ["ticket_id"])
    op.create_table(
        "bankcredit",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("bank_txn"),
        _text("branch_id"),
        sa.Column("business_day", sa.Date(), nullable=False),
        _text("account"),
        sa.Column("amount", MONEY, nullable=False),
        _text("currency"),
        _text("description"),
        _text("ref", True),
        _ts("credited_at", nullable=False),
        _ts("received_at", nullable=False),
        _text("via"),
        _text("status"),
        _text("reason", True),
        _text("payments"),
        _text("resolution", True),
        _text("note", True),
        _text("resolved_by", True),
        _ts("resolved_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bank_txn"),
    )
    op.create_index("ix_bankcredit_branch_id", "bankcredit", ["branch_id"])
    op.create_index("ix_bankcredit_status", "bankcredit", ["status"])
    op.create_table(
        "statementline",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("branch_id"),
        sa.Column("business_day", sa.Date(), nullable=False),
        _text("bank_txn"),
        _ts("booked_at", nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        _text("description"),
        _ts("imported_at", nullable=False),
        _text("imported_by"),
        _text("status"),
        sa.Column("credit_id", sa.Integer(), sa.ForeignKey("bankcredit.id"), nullable=True),
        _text("note", True),
        _text("cleared_by", True),
        _ts("cleared_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "bank_txn"),
    )
    op.create_index("ix_statementline_branch_id", "statementline", ["branch_id"])


def downgrade() -> None:
    op.drop_table("statementline")
    op.drop_table("bankcredit")
    op.drop_table("qrrequest")
    with op.batch_alter_table("payment") as t:
        t.drop_index("ix_payment_bank_txn")
        t.drop_column("bank_txn")
        t.drop_column("method")
