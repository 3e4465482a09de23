"""The published OpenAPI schema says what the API does: the errors each operation answers, null
where a value can be null, formats only where every value has them, and closed request bodies
where unknown fields are refused. (Schemathesis checks the same against live answers; these are
the fast, exact checks.)"""

from __future__ import annotations

import pytest

from beachhead.core.tests import openapi

pytestmark = pytest.mark.django_db


def _operations():
    for path, operations in openapi.schema()["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _error_ref(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"]


def test_every_operation_documents_the_errors_it_can_answer():
    # when
    missing = []
    for path, method, operation in _operations():
        responses = operation["responses"]
        expected = {"400", "401", "403", "429"}
        if "{" in path:
            expected.add("404")
        if method in ("post", "patch") and "requestBody" in operation:
            expected |= {"413", "415"}
        if method == "delete":
            expected.add("409")
        absent = expected - set(responses)
        if absent:
            missing.append((method.upper(), path, sorted(absent)))

    # then
    assert not missing
    errors = openapi.schema()["components"]["schemas"]["Error"]
    assert errors["required"] == ["error", "message"]
    detail = openapi.schema()["paths"]["/api/v1/accounts/{id}/"]["get"]["responses"]
    assert _error_ref(detail["404"]) == "#/components/schemas/Error"


def test_values_read_through_a_nullable_relation_or_defaulting_to_none_are_nullable():
    # given
    schemas = openapi.schema()["components"]["schemas"]

    # then
    assert schemas["Message"]["properties"]["author"].get("nullable") is True
    assert schemas["Message"]["properties"]["author_name"].get("nullable") is True
    assert schemas["Commitment"]["properties"]["owner_name"].get("nullable") is True


def test_formats_appear_only_where_every_value_has_them():
    # given
    schemas = openapi.schema()["components"]["schemas"]

    # then: a colleague's address may be blank; a shift's times are not RFC 3339 times
    assert "format" not in schemas["Colleague"]["properties"]["email"]
    assert schemas["Shift"]["properties"]["start"].get("format") != "time"
    assert "pattern" in schemas["Shift"]["properties"]["start"]


def test_a_body_that_refuses_unknown_fields_is_documented_as_closed():
    # given
    schemas = openapi.schema()["components"]["schemas"]

    # then
    assert schemas["PatchedMarketRequest"]["additionalProperties"] is False
    assert schemas["PatchedMarketRequest"]["properties"]["name"]["additionalProperties"] is False


def test_the_customer_search_is_documented_as_the_plain_list_it_answers():
    # given
    operation = openapi.schema()["paths"]["/api/v1/commitments/customers/"]["get"]

    # then
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )


def test_inbound_mail_documents_its_created_duplicate_and_rejected_answers():
    # given
    operation = openapi.schema()["paths"]["/api/v1/mail/inbound/"]["post"]

    # then
    assert {"200", "201", "422"} <= set(operation["responses"])
