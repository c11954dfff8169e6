"""Personal data: export (a ZIP a person downloads), erasure, retention (docs/privacy.md).

Erasure and export must reach every table, including those added later, so they walk the
models generically where a list per app would rot; what they keep, and why, is written in
decision 0015 and docs/privacy.md.
"""
