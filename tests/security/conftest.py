"""Security checks without a browser. The Content-Security-Policy's browser checks live
with the tours (`tests/e2e/test_csp_in_browser.py`): Playwright's sync API runs one
instance per thread, so they must share the tours' session-wide Chromium rather than
start a second one beside it on the same xdist worker."""
