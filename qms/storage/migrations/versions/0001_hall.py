"""The hall as it stood before migrations: tickets, invoices, payments, events, staff,
sessions, device jobs."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devicejob",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("document", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_devicejob_branch_id"), "devicejob", ["branch_id"], unique=False)
    op.create_index(op.f("ix_devicejob_status"), "devicejob", ["status"], unique=False)
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "seq"),
    )
    op.create_table(
        "seqcounter",
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("branch_id"),
    )
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("counter_code", sa.String(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("follow_token", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "business_day", "number"),
        sa.UniqueConstraint("follow_token"),
    )
    op.create_index(
        "ix_ticket_queue", "ticket", ["branch_id", "business_day", "status", "number"], unique=False
    )
    op.create_table(
        "ticketnumber",
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("branch_id", "business_day"),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("full_name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "authsession",
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("counter_code", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
        ),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("txn_id", sa.String(), nullable=False),
        sa.Column("branch_id", sa.String(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("counter_code", sa.String(), nullable=False),
        sa.Column("cashier", sa.String(), nullable=False),
        sa.Column("customer_code", sa.String(), nullable=False),
        sa.Column("invoice_ids", sa.String(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("receipt_no", sa.String(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversal_reason", sa.String(), nullable=True),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("txn_id"),
    )
    op.create_index(op.f("ix_payment_branch_id"), "payment", ["branch_id"], unique=False)
    op.create_index(op.f("ix_payment_status"), "payment", ["status"], unique=False)
    op.create_table(
        "ticketcustomer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("book_code", sa.String(), nullable=False),
        sa.Column("supply", sa.String(), nullable=False),
        sa.Column("debts", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_ticketcustomer_code"), "ticketcustomer", ["code"], unique=False)
    op.create_index(
        op.f("ix_ticketcustomer_ticket_id"), "ticketcustomer", ["ticket_id"], unique=False
    )
    op.create_table(
        "ticketinvoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("customer_code", sa.String(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("sub_period", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("vat", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("book_code", sa.String(), nullable=False),
        sa.Column("parity", sa.String(), nullable=False),
        sa.Column("lookup_status", sa.String(), nullable=False),
        sa.Column("looked_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("looked_up_by", sa.String(), nullable=True),
        sa.Column("delivered_to", sa.String(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pay_status", sa.String(), nullable=False),
        sa.Column("payment_txn", sa.String(), nullable=True),
        sa.Column("returned_reason", sa.String(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_by", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["ticketcustomer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_ticketinvoice_invoice_id"), "ticketinvoice", ["invoice_id"], unique=False
    )
    op.create_index(
        op.f("ix_ticketinvoice_ticket_id"), "ticketinvoice", ["ticket_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ticketinvoice_ticket_id"), table_name="ticketinvoice")
    op.drop_index(op.f("ix_ticketinvoice_invoice_id"), table_name="ticketinvoice")
    op.drop_table("ticketinvoice")
    op.drop_index(op.f("ix_ticketcustomer_ticket_id"), table_name="ticketcustomer")
    op.drop_index(op.f("ix_ticketcustomer_code"), table_name="ticketcustomer")
    op.drop_table("ticketcustomer")
    op.drop_index(op.f("ix_payment_status"), table_name="payment")
    op.drop_index(op.f("ix_payment_branch_id"), table_name="payment")
    op.drop_table("payment")
    op.drop_table("authsession")
    op.drop_table("user")
    op.drop_table("ticketnumber")
    op.drop_index("ix_ticket_queue", table_name="ticket")
    op.drop_table("ticket")
    op.drop_table("seqcounter")
    op.drop_table("event")
    op.drop_index(op.f("ix_devicejob_status"), table_name="devicejob")
    op.drop_index(op.f("ix_devicejob_branch_id"), table_name="devicejob")
    op.drop_table("devicejob")
