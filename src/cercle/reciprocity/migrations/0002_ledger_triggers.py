"""The database's own guard on the ledger (see cercle/reciprocity/models/ledger.py).

- A transaction is posted only if its lines sum to zero and there are at least two.
- A posted transaction, and the lines of one, are never updated; no line is added to it.
- SQLite stores decimals as floating point: its check rounds the sum to the cent
  (amounts are whole cents, so this is exact).
- On PostgreSQL, a posted transaction or its lines are never deleted either. On SQLite,
  deletion is left to the application: Django's `flush` (used between tests) empties
  tables with DELETE, which PostgreSQL does with TRUNCATE (row triggers do not fire).
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION reciprocity_guard_transaction() RETURNS trigger AS $$
DECLARE total numeric; n integer;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.is_posted THEN
      RAISE EXCEPTION 'ledger: a transaction is posted after its lines are written';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.is_posted THEN
    RAISE EXCEPTION 'ledger: posted transaction % is immutable', OLD.id;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  IF NEW.is_posted THEN
    SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, n
      FROM reciprocity_ledgerline WHERE transaction_id = NEW.id;
    IF n < 2 OR total <> 0 THEN
      RAISE EXCEPTION 'ledger: transaction % does not balance (% over % lines)', NEW.id, total, n;
    END IF;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER reciprocity_guard_transaction
  BEFORE INSERT OR UPDATE OR DELETE ON reciprocity_ledgertransaction
  FOR EACH ROW EXECUTE FUNCTION reciprocity_guard_transaction();

CREATE OR REPLACE FUNCTION reciprocity_guard_line() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF (SELECT is_posted FROM reciprocity_ledgertransaction WHERE id = OLD.transaction_id) THEN
      RAISE EXCEPTION 'ledger: lines of posted transaction % are immutable', OLD.transaction_id;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    IF (SELECT is_posted FROM reciprocity_ledgertransaction WHERE id = NEW.transaction_id) THEN
      RAISE EXCEPTION 'ledger: lines of posted transaction % are immutable', NEW.transaction_id;
    END IF;
    RETURN NEW;
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER reciprocity_guard_line
  BEFORE INSERT OR UPDATE OR DELETE ON reciprocity_ledgerline
  FOR EACH ROW EXECUTE FUNCTION reciprocity_guard_line();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS reciprocity_guard_line ON reciprocity_ledgerline;
DROP FUNCTION IF EXISTS reciprocity_guard_line();
DROP TRIGGER IF EXISTS reciprocity_guard_transaction ON reciprocity_ledgertransaction;
DROP FUNCTION IF EXISTS reciprocity_guard_transaction();
"""

SQLITE_FORWARD = [
    """
    CREATE TRIGGER reciprocity_txn_insert_unposted
    BEFORE INSERT ON reciprocity_ledgertransaction WHEN NEW.is_posted
    BEGIN SELECT RAISE(ABORT, 'ledger: a transaction is posted after its lines are written'); END
    """,
    """
    CREATE TRIGGER reciprocity_txn_posted_immutable
    BEFORE UPDATE ON reciprocity_ledgertransaction WHEN OLD.is_posted
    BEGIN SELECT RAISE(ABORT, 'ledger: a posted transaction is immutable'); END
    """,
    """
    CREATE TRIGGER reciprocity_txn_post_balanced
    BEFORE UPDATE ON reciprocity_ledgertransaction WHEN NEW.is_posted AND NOT OLD.is_posted
      AND ((SELECT COUNT(*) FROM reciprocity_ledgerline WHERE transaction_id = NEW.id) < 2
        OR (SELECT ROUND(SUM(amount), 2) FROM reciprocity_ledgerline
            WHERE transaction_id = NEW.id) <> 0)
    BEGIN SELECT RAISE(ABORT, 'ledger: the transaction does not balance'); END
    """,
    """
    CREATE TRIGGER reciprocity_line_insert_unposted
    BEFORE INSERT ON reciprocity_ledgerline
    WHEN (SELECT is_posted FROM reciprocity_ledgertransaction WHERE id = NEW.transaction_id)
    BEGIN SELECT RAISE(ABORT, 'ledger: lines of a posted transaction are immutable'); END
    """,
    """
    CREATE TRIGGER reciprocity_line_update_unposted
    BEFORE UPDATE ON reciprocity_ledgerline
    WHEN (SELECT is_posted FROM reciprocity_ledgertransaction WHERE id = OLD.transaction_id)
    BEGIN SELECT RAISE(ABORT, 'ledger: lines of a posted transaction are immutable'); END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS reciprocity_txn_insert_unposted",
    "DROP TRIGGER IF EXISTS reciprocity_txn_posted_immutable",
    "DROP TRIGGER IF EXISTS reciprocity_txn_post_balanced",
    "DROP TRIGGER IF EXISTS reciprocity_line_insert_unposted",
    "DROP TRIGGER IF EXISTS reciprocity_line_update_unposted",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # No parameters: the SQL holds RAISE format strings with %, not placeholders.
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("reciprocity", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
