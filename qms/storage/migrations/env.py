"""Alembic's entry: migrations run on the connection ``qms.storage.db.migrate`` hands over."""

from alembic import context
from sqlmodel import SQLModel

from qms.storage import models  # noqa: F401  (registers the tables

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
