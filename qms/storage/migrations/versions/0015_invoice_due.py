"""A ticket's invoices keep CMIS's due date: a cut customer who pays what is overdue is
reconnected, whatever is not yet due (docs/field.md, "Reconnection")."""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticketinvoice") as t:
        t.add_column(sa.Column("due", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticketinvoice") as t:
        t.drop_column("due")
