"""The Framavox (Loomio) import: `reader` streams the export's lines, `mapping` says how
each schema's fields become Cercle's, `validate` is the first pass (checks every line),
`importer` runs the whole (`loomio_import`) with the second pass's `writer` and
`writer_polls` (everything in one transaction, or nothing), and `generate` writes
synthetic exports in the real format (tests, benchmark)."""
