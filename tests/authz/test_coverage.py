"""Every route of the site and every operation of the API has rows in the matrix: a new
route fails here until its expected answers are written in `expected.tsv`."""

from __future__ import annotations

from tests.authz.cells import cells_of
from tests.authz.expected import EXPECTED
from tests.authz.operations import all_operations, api_operations, html_routes


def test_every_route_and_api_operation_has_a_row_in_the_matrix() -> None:
    missing = [op.key for op in all_operations() if op.key not in EXPECTED]
    assert not missing, "add these to tests/authz/expected.tsv:\n" + "\n".join(missing)


def test_every_cell_the_matrix_calls_has_an_expected_status() -> None:
    holes = []
    for op in all_operations():
        for state, role in cells_of(op):
            cells = EXPECTED.get(op.key, {}).get(state, "").split()
            if not any(cell.startswith(f"{role}=") for cell in cells):
                holes.append(f"{op.key} {state} {role}")
    assert not holes, "\n".join(holes[:50])


def test_the_matrix_has_no_row_for_a_route_that_is_gone() -> None:
    keys = {op.key for op in all_operations()}
    assert not [k for k in EXPECTED if k not in keys]


def test_the_enumeration_sees_the_whole_site() -> None:
    """Guards the walker itself: pages, the API and both methods are all there."""
    assert len(html_routes()) > 150
    assert len(api_operations()) > 200
    assert {op.method for op in all_operations()} >= {"GET", "POST", "PUT", "DELETE"}
