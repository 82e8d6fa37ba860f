"""Amounts of đồng in 64 bits on PostgreSQL: its ``integer`` stops at 2.147.483.647 đ, less
than a big hall's day in the head cashier's drawer (the close was refused with
``value_out_of_range``). SQLite's INTEGER is 64-bit already: nothing to do there."""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

MONEY = {
    "ticketinvoice": ("amount", "vat", "total"),
    "payment": ("total",),
    "drawer": ("float_amount", "counted", "expected", "difference", "deposit_amount"),
    "moneymovement": ("out_amount", "in_amount"),
}


def _retype(to: sa.types.TypeEngine[int], was: sa.types.TypeEngine[int]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in MONEY.items():
        for column in columns:
            op.alter_column(table, column, type_=to, existing_type=was)


def upgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())
