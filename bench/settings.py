"""Settings of the benchmark's server: Cercle's own, plus the bench-only ceiling view.

Production never loads this module: the `bench` package is not part of `src/`, and
`cercle.urls` has no ceiling route (a test checks it).
"""

from __future__ import annotations

from cercle.settings import *  # noqa: F403

DEBUG = False
BENCH_CEILING = True
ROOT_URLCONF = "bench.urls"
# The server answers on loopback over plain HTTP; the measuring client and the
# in-process test client name it one of these.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
