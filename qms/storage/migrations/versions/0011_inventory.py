"""The year-end inventory (docs/inventory.md): sessions, their books, the invoices found
in the racks, CMIS's unpaid invoices of those books, and the cash counted."""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(name: str = "inventory_id") -> sa.Column[object]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("inventory.id"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "inventory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("committee", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        _ts("opened_at", nullable=False),
        sa.Column("opened_by", sa.String(), nullable=False),
        _ts("compared_at"),
        _ts("closed_at"),
        sa.Column("closed_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inventory_branch_id", "inventory", ["branch_id"])
    op.create_table(
        "inventorybook",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk(),
        sa.Column("book_code", sa.String(), nullable=False),
        sa.Column("clerk", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        _ts("started_at"),
        _ts("finished_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inventory_id", "book_code"),
    )
    op.create_table(
        "inventoryscan",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk(),
        sa.Column("book_code", sa.String(), nullable=False),
        sa.Column("series", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("clerk", sa.String(), nullable=False),
        _ts("at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inventory_id", "series", "number"),
    )
    op.create_table(
        "inventoryexpected",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk(),
        sa.Column("book_code", sa.String(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("customer_code", sa.String(), nullable=False),
        sa.Column("series", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("period", sa.String(), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "inventorycash",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk(),
        sa.Column("holder", sa.String(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("counted_by", sa.String(), nullable=False),
        _ts("at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("inventory_id", "holder"),
    )
    for table in ("inventorybook", "inventoryscan", "inventoryexpected", "inventorycash"):
        op.create_index(f"ix_{table}_inventory_id", table, ["inventory_id"])
    op.create_index("ix_ticketinvoice_number", "ticketinvoice", ["number"])
    op.create_index("ix_inventoryscan_book", "inventoryscan", ["inventory_id", "book_code"])


def downgrade() -> None:
    op.drop_index("ix_ticketinvoice_number", table_name="ticketinvoice")
    for table in (
        "inventorycash", "inventoryexpected", "inventoryscan", "inventorybook", "inventory"
    ):  # fmt: skip
        op.drop_table(table)
