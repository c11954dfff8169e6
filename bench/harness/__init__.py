"""The measuring harness of `make bench` (issue 6): a PostgreSQL cluster of its own, the
dataset, SQL query counts, gunicorn under load, the ceiling, ledger and Loomio import."""
