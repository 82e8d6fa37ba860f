"""One invoice, one live claim: a customer (and their invoices) taken over from a no-show
or finished ticket names the ticket it moved to; a ticket finished with money still owed
keeps why."""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ticket", sa.Column("finish_reason", sa.String(), nullable=True))
    op.add_column("ticketcustomer", sa.Column("moved_to", sa.Integer(), nullable=True))
    op.add_column("ticketinvoice", sa.Column("moved_to", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticketinvoice") as batch:
        batch.drop_column("moved_to")
    with op.batch_alter_table("ticketcustomer") as batch:
        batch.drop_column("moved_to")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("finish_reason")
