"""GET /openapi.json: the OpenAPI 3.1 document, built from the endpoint registry."""

import re
from functools import cache

from flask import jsonify
from pydantic.json_schema import models_json_schema

from festival.api.registry import ENDPOINTS, endpoint

ERROR_DESCRIPTIONS = {
    400: "Malformed JSON or wrong types (`bad_request`)",
    401: "Not logged in, or a bad token (`unauthorized`)",
    403: "Not allowed (`forbidden`)",
    404: "No such object, or not visible to the caller (`not_found`)",
    409: "Conflicts with the current state",
    412: "An upload without `Tus-Resumable: 1.0.0` (`unsupported_version`)",
    413: "Body too large (`too_large`)",
    415: "An upload's bytes without `Content-Type: application/offset+octet-stream` "
    "(`unsupported_media_type`)",
    422: "Values that break a rule (`validation_error`)",
    429: "Too many requests from this address: failed logins, or objections (`too_many_requests`)",
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}


@endpoint(
    "/openapi.json", "GET", summary="This API as an OpenAPI 3.1 document", who="anyone", public=True
)
def openapi_document():
    return jsonify(build_document())


@cache
def build_document() -> dict:
    responses = {model for ep in ENDPOINTS for model in ep.response_models}
    models = {ep.body for ep in ENDPOINTS if ep.body} | responses
    ordered = sorted(models, key=lambda m: m.__name__)
    _, definitions = models_json_schema(
        [
            (
                m,
                "serialization"
                if m in responses and m not in {e.body for e in ENDPOINTS}
                else "validation",
            )
            for m in ordered
        ],
        ref_template="#/components/schemas/{model}",
    )
    schemas = dict(definitions.get("$defs", {}))
    schemas["Error"] = ERROR_SCHEMA
    paths: dict[str, dict] = {}
    for ep in ENDPOINTS:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/api/v1" + ep.rule)
        operation: dict = {
            "summary": ep.summary,
            "description": f"Who: {ep.who}.",
            "operationId": f"{ep.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', ep.rule.lower()).strip('_')}",
            "responses": {},
        }
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer" if converter == "int:" else "string"},
            }
            for converter, name in re.findall(r"<(\w+:)?(\w+)>", ep.rule)
        ]
        if ep.paginated:
            parameters += [
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 200},
                },
            ]
        parameters += [{"name": n, "in": "query", "schema": s} for n, s in ep.query.items()]
        if parameters:
            operation["parameters"] = parameters
        if ep.body:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _ref(ep.body)}},
            }
        if ep.status == 204:
            operation["responses"]["204"] = {"description": "Done"}
        else:
            refs = [_ref(model) for model in ep.response_models]
            schema: dict = (
                ({"anyOf": refs} if len(refs) > 1 else refs[0]) if refs else {"type": "object"}
            )
            if ep.paginated:
                schema = {
                    "type": "object",
                    "required": ["items", "page", "per_page", "total"],
                    "properties": {
                        "items": {"type": "array", "items": schema},
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "total": {"type": "integer"},
                    },
                }
            operation["responses"][str(ep.status)] = {
                "description": "Success",
                "content": {"application/json": {"schema": schema}},
            }
        for status in documented_errors(ep):
            operation["responses"][str(status)] = {
                "description": ERROR_DESCRIPTIONS[status],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        if not ep.public:
            operation["security"] = [{"bearer": []}, {"session": []}]
        paths.setdefault(path, {})[ep.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "festival API",
            "version": "1",
            "description": "The JSON API of festival. Contract: shared/API.md.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


def documented_errors(ep) -> list[int]:
    """The error statuses an endpoint may answer: its own, and those that every endpoint of its
    shape can give before its view runs (the envelope's and the URL's)."""
    statuses = set(ep.errors)
    statuses.add(401)  # a bearer token that is not (or no longer) valid, on any endpoint
    if ep.body is not None:
        statuses |= {400, 413, 422}  # malformed JSON or wrong types; too large; out of bounds
    if ep.paginated or ep.query:
        statuses.add(400)  # a bad page, per_page or filter
    if "<" in ep.rule:
        statuses.add(404)  # no such object, or an id no object can have
    return sorted(statuses)


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}
