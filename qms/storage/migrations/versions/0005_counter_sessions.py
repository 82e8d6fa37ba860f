"""One live session per cashier counter (a unique column), and a version for each side's
declaration of a money movement (a withdrawn slip never bears a valid slip's number)."""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("authsession", sa.Column("holds", sa.String(), nullable=True))
    op.create_index("ix_authsession_holds", "authsession", ["holds"], unique=True)
    with op.batch_alter_table("moneymovement") as batch:
        batch.add_column(sa.Column("out_version", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("in_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("moneymovement") as batch:
        batch.drop_column("in_version")
        batch.drop_column("out_version")
    op.drop_index("ix_authsession_holds", table_name="authsession")
    with op.batch_alter_table("authsession") as batch:
        batch.drop_column("holds")
