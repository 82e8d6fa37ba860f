"""Priority customers, "your turn is near" and the hall's hourly history
(docs/priority.md, docs/notify.md, docs/forecast.md)."""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _int(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Integer(), nullable=False, server_default="0")


def upgrade() -> None:
    with op.batch_alter_table("ticket") as t:
        t.add_column(sa.Column("priority", sa.String(), nullable=True))
    op.create_table(
        "callstreak",
        _text("branch_id"),
        sa.Column("business_day", sa.Date(), nullable=False),
        _int("priority_in_row"),
        sa.PrimaryKeyConstraint("branch_id", "business_day"),
    )
    op.create_table(
        "ticketcontact",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False),
        _text("branch_id"),
        sa.Column("business_day", sa.Date(), nullable=False),
        _text("phone", True),
        _text("channel"),
        _text("consent"),
        _ts("consent_at", nullable=False),
        _ts("withdrawn_at"),
        sa.PrimaryKeyConstraint("ticket_id"),
    )
    op.create_index("ix_ticketcontact_branch_id", "ticketcontact", ["branch_id"])
    op.create_table(
        "outmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("key"),
        _text("branch_id"),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False),
        _text("kind"),
        _text("channel"),
        _text("phone", True),
        _text("params"),
        _text("status"),
        _int("attempts"),
        _ts("next_attempt_at"),
        _ts("created_at", nullable=False),
        _ts("sent_at"),
        _text("gateway_ref", True),
        _text("last_error", True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_outmessage_branch_id", "outmessage", ["branch_id"])
    op.create_index("ix_outmessage_ticket_id", "outmessage", ["ticket_id"])
    op.create_index("ix_outmessage_status", "outmessage", ["status"])
    op.create_table(
        "hourfigures",
        _text("branch_id"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        _int("arrivals"),
        _int("served"),
        _int("service_s"),
        _int("wait_s"),
        _int("called"),
        sa.Column("simulated", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("branch_id", "day", "hour"),
    )


def downgrade() -> None:
    op.drop_table("hourfigures")
    op.drop_table("outmessage")
    op.drop_table("ticketcontact")
    op.drop_table("callstreak")
    with op.batch_alter_table("ticket") as t:
        t.drop_column("priority")
