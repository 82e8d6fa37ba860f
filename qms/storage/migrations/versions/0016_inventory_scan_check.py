"""The inventory checks a scan at once (docs/inventory.md): CMIS's unpaid lists kept from
the opening (``listed_at``) and looked up by paper, and a scan's key so a scan sent again
after a lost answer is not a false double."""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inventory") as t:
        t.add_column(sa.Column("listed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_inventoryexpected_paper", "inventoryexpected", ["inventory_id", "series", "number"]
    )
    op.create_table(
        "inventoryscankey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("inventory_id", sa.Integer(), sa.ForeignKey("inventory.id"), nullable=False),
        sa.Column("book_code", sa.String(), nullable=False),
        sa.Column("series", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("extra", sa.String(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("inventoryscankey")
    op.drop_index("ix_inventoryexpected_paper", table_name="inventoryexpected")
    with op.batch_alter_table("inventory") as t:
        t.drop_column("listed_at")
