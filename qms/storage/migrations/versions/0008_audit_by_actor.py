"""The audit log found by who and what: a sign-in asks whether the name signed in from
this address before (its usual addresses are not held up by the name's failures from
elsewhere, docs/security.md), and ``GET /api/audit?actor=`` reads one person's entries."""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_auditentry_actor_action_at", "auditentry", ["actor", "action", "at"])


def downgrade() -> None:
    op.drop_index("ix_auditentry_actor_action_at", table_name="auditentry")
