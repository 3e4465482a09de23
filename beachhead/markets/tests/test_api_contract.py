"""The calendar endpoint answers at the address the issue documents, without a slash."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/markets/JP/calendar/due?start=2027-01-08T17:55:00%2B09:00&minutes=15",
        "/api/v1/markets/jp/calendar/due/?start=2027-01-08T17:55:00%2B09:00&minutes=15",
    ],
)
def test_due_with_and_without_the_trailing_slash(api, make_user, markets, path):
    response = api(make_user("admin")).get(path)
    assert response.status_code == 200
    assert response.json()["due"] == "2027-01-12T09:10:00+09:00"


def test_elapsed_and_holidays_without_the_trailing_slash(api, make_user, markets):
    client = api(make_user("admin"))
    elapsed = client.get(
        "/api/v1/markets/JP/calendar/elapsed"
        "?start=2027-01-08T17:00:00%2B09:00&end=2027-01-12T10:00:00%2B09:00"
    )
    assert elapsed.status_code == 200
    assert elapsed.json()["minutes"] == 120
    assert client.get("/api/v1/markets/JP/holidays?year=2027").status_code == 200


def test_a_market_outside_your_scope_is_not_found_without_the_slash(api, make_user, markets):
    client = api(make_user("support_agent", ["DE"]))
    response = client.get(
        "/api/v1/markets/JP/calendar/due?start=2027-01-08T17:55:00%2B09:00&minutes=1"
    )
    assert response.status_code == 404
