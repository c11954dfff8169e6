"""One module per topic (docs/decisions/0005)."""
