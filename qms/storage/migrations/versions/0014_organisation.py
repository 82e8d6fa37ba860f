"""The organisation and its administration in the database, and the alerts
(docs/admin.md, docs/alerts.md)."""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(), nullable=nullable)


def _int(name: str, default: str = "0") -> sa.Column[object]:
    return sa.Column(name, sa.Integer(), nullable=False, server_default=default)


def _bool(name: str, default: bool) -> sa.Column[object]:
    on = sa.true() if default else sa.false()
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=on)


def upgrade() -> None:
    with op.batch_alter_table("user") as t:
        t.add_column(_text("counters", True))
        t.add_column(_bool("must_change_password", False))
        t.add_column(_ts("password_changed_at"))
        t.add_column(_int("version", "1"))
    op.create_table(
        "orgbranch",
        _text("id"),
        _text("name"),
        _text("collection_point"),
        _text("cmis_version"),
        _bool("paper_invoices", True),
        _text("einvoice_lookup_url", True),
        _text("slip_printer", True),
        _text("device_agent", True),
        _text("params"),
        _bool("active", True),
        _int("version", "1"),
        _ts("updated_at", nullable=False),
        _text("updated_by"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("collection_point"),
    )
    op.create_table(
        "orgcounter",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("branch_id"),
        _text("code"),
        _text("name"),
        _text("kind"),
        _text("parity", True),
        _text("printer", True),
        _text("led", True),
        _int("position"),
        _ts("retired_at"),
        _int("version", "1"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "code"),
    )
    op.create_index("ix_orgcounter_branch_id", "orgcounter", ["branch_id"])
    op.create_table(
        "orgprinter",
        _text("branch_id"),
        _text("id"),
        _text("backend"),
        _int("paper", "80"),
        _text("mode"),
        _text("profile"),
        _ts("retired_at"),
        _int("version", "1"),
        sa.PrimaryKeyConstraint("branch_id", "id"),
    )
    op.create_table(
        "orgstate",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("name"),
        _text("password_policy"),
        _ts("imported_at", nullable=False),
        _int("version", "1"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "alertrule",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("branch_id", True),
        _text("kind"),
        sa.Column("threshold", _MONEY, nullable=False),
        _text("notify_phone", True),
        _bool("enabled", True),
        _int("version", "1"),
        _text("created_by"),
        _ts("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alertrule_branch_id", "alertrule", ["branch_id"])
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("key"),
        sa.Column("rule_id", sa.Integer(), sa.ForeignKey("alertrule.id"), nullable=False),
        _text("branch_id"),
        _text("kind"),
        _text("subject"),
        sa.Column("value", _MONEY, nullable=False, server_default="0"),
        _text("detail"),
        _ts("raised_at", nullable=False),
        _ts("cleared_at"),
        _ts("acked_at"),
        _text("acked_by", True),
        _ts("sent_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_alert_rule_id", "alert", ["rule_id"])
    op.create_index("ix_alert_branch_id", "alert", ["branch_id"])


def downgrade() -> None:
    for name in ("alert", "alertrule", "orgstate", "orgprinter", "orgcounter", "orgbranch"):
        op.drop_table(name)
    with op.batch_alter_table("user") as t:
        for col in ("version", "password_changed_at", "must_change_password", "counters"):
            t.drop_column(col)
