"""The API's request parser: every JSON body of this API is an object."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class ObjectBodyParser(Parser):
    """ninja read a body such as `"AAA"` or `[null, null]` as if it were the schema's
    fields (a reading criterion titled "Aaa" was created from a bare string): a body that
    is not a JSON object is refused (ninja answers 400 "Cannot parse request body")."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("The request body must be a JSON object.")
        return data
