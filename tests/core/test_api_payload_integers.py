"""Every integer field of every JSON payload of the API declares its range, and a value outside it
(one past its maximum, 2**63, 10**30) is a 400 that names the field, never a 500: PostgreSQL
refused customer_id 2147483648, which the INTEGER column cannot hold.

The fields are read from the OpenAPI schema (nested ones too: ``lines[0].pieces``); each payload
is otherwise the smallest the schema accepts, so that the bad value is the only thing wrong.
"""

from __future__ import annotations

from typing import Any

import pytest

TOO_BIG = (2**63, 10**30)


@pytest.fixture
def portico_installed():
    return None  # every discovered module


def resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    options = [o for o in schema.get("oneOf", []) if o.get("type") != "null"]
    return {**resolve(options[0], spec), **{k: v for k, v in schema.items() if k != "oneOf"}} if options else schema


def smallest(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """The smallest value of ``schema``: an object with its required fields only."""
    schema = resolve(schema, spec)
    if "enum" in schema:
        return next(v for v in schema["enum"] if v is not None)
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "object":
        props = schema.get("properties", {})
        return {name: smallest(props[name], spec) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if schema.get("format") == "date":
        return "2026-01-01"
    return "1" if schema.get("pattern") else "x"


def integer_fields(schema: dict[str, Any], spec: dict[str, Any], path: str = "") -> list[tuple[str, Any, Any]]:
    """(dotted name, where it sits in the payload, its declared maximum), nested in lists too."""
    schema = resolve(schema, spec)
    found = []
    for name, prop in schema.get("properties", {}).items():
        field = resolve(prop, spec)
        key = f"{path}{name}"
        if field.get("type") == "integer" or "integer" in (field.get("type") or []):
            found.append((key, [name], field.get("maximum")))
        elif field.get("type") == "array" and "items" in field:
            nested = integer_fields(field["items"], spec, f"{key}[0].")
            found += [(sub, [name, 0, *where], high) for sub, where, high in nested]
    return found


def payload_with(schema: dict[str, Any], spec: dict[str, Any], where: list[Any], value: int) -> dict[str, Any]:
    body = smallest(schema, spec)
    node: Any = body
    current = resolve(schema, spec)
    for step in where[:-1]:
        if isinstance(step, int):
            current = resolve(current["items"], spec)
            node.append(smallest(current, spec))
            node = node[0]
        else:
            current = resolve(current["properties"][step], spec)
            node.setdefault(step, [])
            node = node[step]
    node[where[-1]] = value
    return body


async def test_an_integer_out_of_its_range_is_a_400_naming_the_field(app, client_factory, api_token, portico, tenant):
    spec = app.openapi_schema.to_schema()
    token = await api_token(*portico.plugins.permissions)
    erp = await client_factory(tenant.host)
    walked = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body is None:
                continue
            url = path.replace("{", "").replace("}", "")  # a path id no record has: the payload is read first
            url = "/".join("1" if part.endswith("_id") else part for part in url.split("/"))
            for key, where, high in integer_fields(body, spec):
                assert high is not None and high < 2**63, f"{method} {path}: {key} declares no maximum"
                for value in (int(high) + 1, *TOO_BIG):
                    answer = await erp.inner.request(
                        method.upper(),
                        url,
                        json=payload_with(body, spec, where, value),
                        headers={"authorization": f"Bearer {token}"},
                    )
                    assert answer.status_code == 400, (method, path, key, value, answer.status_code, answer.text)
                    assert key in str(answer.json().get("extra")), (method, path, key, answer.text)
                walked.append((method, path, key))
    fields = {key for _, _, key in walked}
    assert {"customer_id", "contact_id", "step_id", "part_position", "lines[0].pieces"} <= fields, sorted(fields)
    assert len(walked) >= 30, walked
