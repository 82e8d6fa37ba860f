"""Cash counted by note: a drawer's close and the head cashier's bank deposit keep the
count they were made with (the count sheet, bảng kê các loại tiền)."""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("drawer", sa.Column("counted_notes", sa.Text(), nullable=True))
    op.add_column("drawer", sa.Column("deposit_notes", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drawer") as batch:
        batch.drop_column("deposit_notes")
        batch.drop_column("counted_notes")
