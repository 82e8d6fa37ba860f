"""Failed sign-ins in the database, so that every worker and host shares one count."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signinfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signinfailure_key_at", "signinfailure", ["key", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_signinfailure_key_at", table_name="signinfailure")
    op.drop_table("signinfailure")
