"""The OpenAPI document: valid 3.1, and it describes every API route that exists."""

import re

from openapi_spec_validator import validate

from festival.api.openapi import build_document


def test_openapi_document_is_valid_openapi_3_1(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_openapi_document_lists_every_api_route(app):
    documented = {
        (path, method.upper())
        for path, operations in build_document()["paths"].items()
        for method in operations
    }
    routed = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented


def test_contract_endpoints_of_the_foundation_are_documented(app):
    paths = build_document()["paths"]
    assert "post" in paths["/api/v1/auth/tokens"]
    assert "delete" in paths["/api/v1/auth/tokens/current"]
    assert "post" in paths["/api/v1/users"]
    assert "post" in paths["/api/v1/organizations"]
    created = paths["/api/v1/users"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UserOut"
    }
