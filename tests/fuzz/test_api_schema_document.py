"""The OpenAPI document itself: one component per schema name, and the error answers
documented on every operation (what schemathesis holds the API to)."""

from __future__ import annotations

import json
from collections import defaultdict

from ninja import Schema

from cercle.api.api import api


def _schema_classes(cls: type) -> list[type]:
    found: list[type] = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("cercle."):
            found.append(sub)
        found.extend(_schema_classes(sub))
    return found


def test_no_two_different_api_schemas_share_a_name() -> None:
    """ninja files every schema under its class name: two different classes with one
    name overwrite each other in the document (the territories list was documented with
    the yearly report's territory rows, so its answers 'violated' the schema)."""
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _schema_classes(Schema):
        by_name[cls.__name__].add(json.dumps(cls.model_json_schema(), sort_keys=True))  # type: ignore[attr-defined]
    clashes = sorted(name for name, shapes in by_name.items() if len(shapes) > 1)
    assert clashes == []


def test_every_operation_documents_the_error_shape() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    assert document["components"]["schemas"]["Error"]["required"] == ["detail", "errors"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for code in ("400", "401", "403", "404", "409"):
                assert code in responses, (method, path, code)
            if operation.get("security"):
                assert {} in operation["security"], (method, path)  # anonymous allowed
    assert "429" in document["paths"]["/api/v1/requests/public"]["post"]["responses"]


def test_each_status_is_documented_once_per_operation() -> None:
    """An endpoint declaring 403 (an int, as ninja keys it) beside the shared "403" gave
    the document two "403" keys, and the API docs page could not render it."""
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    served = json.loads(json.dumps(document))  # what the client parses: duplicates merge
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            keys = list(operation["responses"])
            assert all(isinstance(key, str) for key in keys), (method, path, keys)
            assert len(served["paths"][path][method]["responses"]) == len(keys)
