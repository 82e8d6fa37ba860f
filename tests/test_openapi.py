"""The OpenAPI document (``/openapi.json``) describes the app the server runs: every route
in it, nothing more, each with its roles, its body from the command it runs and the error
shape on every refusal (issue 24 item 7)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.routing import Route

from qms import config
from qms.domain import commands as c
from qms.http import openapi
from qms.process.app import create_app
from qms.usecases.auth import PERMISSIONS
from qms.usecases.hall import USE_CASES
from qms.words import ERRORS
from tests.conftest import ROOT
from tests.routes import ROUTES


@pytest.fixture(scope="module")
def app_routes() -> set[tuple[str, str]]:
    app = create_app(config.load(ROOT / "config.yaml"))
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route)
        for method in (route.methods or set()) - {"HEAD"}
    }


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    app = create_app(config.load(ROOT / "config.yaml"))
    return openapi.document(app.routes)


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
    ]


def test_every_route_of_the_app_is_in_the_document_and_no_other(
    app_routes: set[tuple[str, str]], doc: dict[str, Any]
) -> None:
    documented = {(method, op["x-route"]) for method, _, op in operations(doc)}
    assert documented == app_routes
    assert set(openapi.OPERATIONS) == app_routes, "OPERATIONS names a route the app lacks"
    # the role matrix's table knows them all too (a new route gets a row there as well)
    assert app_routes == set(ROUTES)


def test_each_operation_has_roles_and_the_error_shape(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    for method, path, op in operations(doc):
        permission = op["x-permission"]
        assert permission in PERMISSIONS or permission in (
            openapi.PUBLIC,
            openapi.SIGNED_IN,
            openapi.BANK_SIGNED,
        )
        if permission in PERMISSIONS:
            assert op["x-roles"] == sorted(PERMISSIONS[permission]), path
        refusals = {s: r for s, r in op["responses"].items() if s.startswith(("4", "5"))}
        assert refusals, path
        for status, answer in refusals.items():
            if op.get("x-page") and status == "404":
                continue  # a person's page: its "not found" is a page
            schema = answer["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
            assert answer["x-error-codes"], (method, path, status)
            unknown = set(answer["x-error-codes"]) - set(ERRORS)
            assert not unknown, f"{method} {path} {status}: codes the hall never answers"
        if permission not in (openapi.PUBLIC, openapi.BANK_SIGNED):
            assert "401" in refusals and "403" in refusals, (method, path)


def test_each_routes_permission_is_the_one_the_role_matrix_checks(doc: dict[str, Any]) -> None:
    """tests/test_roles.py calls every route with every role: its table is the truth."""
    for method, _, op in operations(doc):
        expected = ROUTES[(method, op["x-route"])][1]
        if op["x-route"] == "/api/snapshot":  # each view has its permission: view.<view>
            assert op["x-permission"] == openapi.SIGNED_IN and expected.startswith("view.")
            continue
        assert op["x-permission"] == expected, (method, op["x-route"])


def test_a_change_takes_its_body_and_permission_from_its_command(doc: dict[str, Any]) -> None:
    collect = doc["paths"]["/api/counters/{counter}/collect"]["post"]
    assert collect["x-permission"] == USE_CASES[c.Collect][0] == "cashier.act"
    assert collect["x-roles"] == ["cashier", "head_cashier"]
    body = collect["requestBody"]["content"]["application/json"]["schema"]
    assert sorted(body["required"]) == ["amount", "invoices"]
    assert "counter" not in body["properties"]  # the path says which counter
    assert body["properties"]["amount"]["maximum"] == 10**12
    assert body["properties"]["invoices"]["items"]["maximum"] == 2**31 - 1
    assert "invalid_amount" in collect["responses"]["400"]["x-error-codes"]
    assert "cmis_bad_answer" in collect["responses"]["424"]["x-error-codes"]
    # each key of the counter is its own path, with its own body
    keys = {p.rsplit("/", 1)[1] for p in doc["paths"] if p.startswith("/api/counters/{counter}/")}
    assert {"call-next", "collect", "transfer", "finish", "return", "payments"} <= keys
    mark = doc["paths"]["/api/tickets/{number}/invoices/{invoice_id}/{action}"]["post"]
    action = next(p for p in mark["parameters"] if p["name"] == "action")
    assert action["schema"]["enum"] == ["found", "deferred", "missing", "unfound"]
    login = doc["paths"]["/api/auth/login"]["post"]
    assert login["security"] == []
    assert login["responses"]["401"]["x-error-codes"] == ["bad_credentials"]


def test_every_field_check_of_the_commands_has_a_schema() -> None:
    """A new check in qms/domain/commands.py needs its JSON Schema (openapi.CHECKS)."""
    for kind in USE_CASES:
        fields = openapi.command_fields(kind)
        assert set(fields) == {name for name, _ in c.field_checks(kind)}
