"""The API's OpenAPI schema says what the kernel and msgspec enforce on every route, not only what
Litestar reads from the handlers: the range of each integer in the path and the query string (the
checks of :mod:`core.web.inputs`), the error answers any API route can give with their JSON body,
and of each payload what msgspec checks but Litestar leaves out: a range starting at 0, the
bounds of a dataclass's fields, unknown fields refused, decimals as numbers or numeric strings.
"""

from __future__ import annotations

from typing import Any, get_origin

import msgspec
from litestar import Litestar, Response
from litestar.handlers import BaseRouteHandler
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, Operation, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.routes import HTTPRoute

from core.integers import MAX_INT
from core.web.inputs import IntegerInput, integer_inputs

ERROR = "Error"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
#: What msgspec reads as a Decimal: a JSON number, or a string of digits.
DECIMAL = Schema(type=[OpenAPIType.STRING, OpenAPIType.NUMBER], pattern=r"^-?[0-9]+(\.[0-9]+)?$")
#: What any API route may answer besides its own success, and why.
ERRORS = {
    400: "A parameter or the payload is not what this schema says; `extra` names each field and its problem.",
    401: "No valid API token: send 'Authorization: Bearer <token>'.",
    403: "The token does not hold the permission this route needs.",
    404: "No such record for the token's vendor, or the module is switched off.",
    503: "The portal cannot reach its database; try again after `Retry-After` seconds.",
}
WRITE_ERRORS = {
    409: "Another record already has this number or key, or the change cannot be made in the record's state.",
    413: "The payload is larger than the portal accepts.",
    422: "The payload is well formed but cannot be saved (an unknown account, a record of another account); "
    "`extra` names each field.",
}


def complete_api_schema(app: Litestar, prefix: str) -> None:
    """Add to the schema of the routes under ``prefix`` the ranges and answers the kernel enforces."""
    openapi = app.openapi_schema
    _add_error_schema(openapi)
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path_format.startswith(prefix):
            continue
        item = (openapi.paths or {}).get(route.path_format)
        for handler in route.route_handlers:
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None) if item is not None else None
                if isinstance(operation, Operation):
                    ranges = {spec.name: spec for spec in integer_inputs(handler)}
                    _bound_integers(operation, ranges)
                    _declare_errors(operation, method)
                    if method.upper() in WRITES and _returns_response(handler):
                        _created_or_updated(operation)
            _complete_payload(openapi, handler)


def _add_error_schema(openapi: OpenAPI) -> None:
    problem = Schema(
        type=OpenAPIType.OBJECT,
        properties={
            "key": Schema(type=OpenAPIType.STRING, description="The field or parameter"),
            "message": Schema(type=OpenAPIType.STRING),
            "source": Schema(type=OpenAPIType.STRING, description="body, query or path"),
        },
        required=["message"],
    )
    openapi.components.schemas = {
        **(openapi.components.schemas or {}),
        ERROR: Schema(
            type=OpenAPIType.OBJECT,
            properties={
                "status_code": Schema(type=OpenAPIType.INTEGER),
                "detail": Schema(type=OpenAPIType.STRING, description="What is wrong, in English"),
                "extra": Schema(type=OpenAPIType.ARRAY, items=problem),
            },
            required=["status_code", "detail"],
        ),
    }


def _declare_errors(operation: Operation, method: str) -> None:
    errors = ERRORS | (WRITE_ERRORS if method.upper() in WRITES else {})
    body = {"application/json": OpenAPIMediaType(schema=Reference(ref=f"#/components/schemas/{ERROR}"))}
    responses = dict(operation.responses or {})
    for status, description in errors.items():
        responses[str(status)] = OpenAPIResponse(description=description, content=body)  # Litestar's 400 too
    operation.responses = responses


def _returns_response(handler: BaseRouteHandler) -> bool:
    return get_origin(handler.parsed_fn_signature.return_type.annotation) is Response


def _created_or_updated(operation: Operation) -> None:
    """A write that builds its own Response picks 200 (updated, or made before) or 201 (created)."""
    responses = dict(operation.responses or {})
    success = responses.get("200") or responses.get("201")
    if success is not None:
        responses.setdefault("200", success)
        responses.setdefault("201", success)
    operation.responses = responses


def _bound_integers(operation: Operation, ranges: dict[str, IntegerInput]) -> None:
    """Every integer parameter gets the range the kernel checks (ids: 0 to 2**31 - 1)."""
    for parameter in operation.parameters or ():
        schema = getattr(parameter, "schema", None)
        if isinstance(parameter, Reference) or not isinstance(schema, Schema) or not _is_integer(schema):
            continue
        spec = ranges.get(parameter.name, IntegerInput(parameter.name))
        schema.minimum, schema.maximum = spec.low, min(spec.high, MAX_INT)


def _is_integer(schema: Schema) -> bool:
    options: list[Any] = list(schema.one_of or []) or [schema]
    types = [option.type for option in options if isinstance(option, Schema)]
    return OpenAPIType.INTEGER in types or any(isinstance(t, list) and OpenAPIType.INTEGER in t for t in types)


def _complete_payload(openapi: OpenAPI, handler: BaseRouteHandler) -> None:
    """The payload's component schemas, completed from msgspec's own view of its types."""
    data = handler.parsed_fn_signature.parameters.get("data")
    if data is None:
        return
    components = openapi.components.schemas or {}
    for info in msgspec.inspect.multi_type_info([data.annotation]):
        for found in _nested(info):
            component = components.get(found.cls.__name__)
            if not isinstance(component, Schema):
                continue
            if getattr(found, "forbid_unknown_fields", False):
                component.additional_properties = False
            for field in found.fields:
                schema = (component.properties or {}).get(field.name)
                if isinstance(schema, Schema):
                    _complete_field(schema, field.type)


def _nested(info: Any) -> list[Any]:
    """The struct and dataclass types inside ``info`` (in lists, unions, metadata), itself included."""
    if isinstance(info, (msgspec.inspect.StructType, msgspec.inspect.DataclassType)):
        return [info] + [inner for field in info.fields for inner in _nested(field.type)]
    if isinstance(info, msgspec.inspect.Metadata):
        return _nested(info.type)
    if isinstance(info, msgspec.inspect.UnionType):
        return [inner for option in info.types for inner in _nested(option)]
    if isinstance(info, (msgspec.inspect.ListType, msgspec.inspect.SetType, msgspec.inspect.VarTupleType)):
        return _nested(info.item_type)
    return []


def _complete_field(schema: Schema, info: Any) -> None:
    options = info.types if isinstance(info, msgspec.inspect.UnionType) else (info,)
    for option in options:
        option = option.type if isinstance(option, msgspec.inspect.Metadata) else option
        if isinstance(option, msgspec.inspect.IntType):
            # Litestar drops a bound of 0; a dataclass's Annotated bounds it does not read at all.
            schema.minimum = option.ge if option.ge is not None else schema.minimum
            schema.maximum = option.le if option.le is not None else schema.maximum
        elif isinstance(option, msgspec.inspect.DecimalType):
            if schema.one_of:
                schema.one_of = [DECIMAL if _is_string(o) else o for o in schema.one_of]
            else:
                schema.type, schema.pattern = DECIMAL.type, DECIMAL.pattern


def _is_string(schema: Any) -> bool:
    return isinstance(schema, Schema) and schema.type == OpenAPIType.STRING
