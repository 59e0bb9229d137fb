"""What the orgs migrations run on PostgreSQL only (SQLite has its own plans and skips them)."""


def on_postgresql(statements: list[str]):
    """A RunPython function that executes `statements` in order on PostgreSQL and does nothing elsewhere."""

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply
