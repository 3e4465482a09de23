"""Every registered list (whatever pillar registered it) works through the machinery: the
table, each grouping, the board, both exports and the API, with demo data."""

from __future__ import annotations

import pytest

from beachhead.core import demo as demo_data
from beachhead.savedviews import registry


@pytest.fixture
def demo(db, markets, settings):
    """The demo data of every pillar but the ledger's history (its sweep is not what these
    tests are about, and it is the slow part)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    context = demo_data.DemoContext(seed=7, accounts=12)
    for generator in demo_data.generators():
        if generator.name != "commitments":
            generator.func(context)


def test_every_registered_list(client, api, make_user, demo):
    admin = make_user("admin", username="root")
    client.force_login(admin)
    sources = [s for s in registry.all_sources() if s.key != "reference"]
    if not sources:
        pytest.skip("No pillar registers a list yet.")
    for source in sources:
        url = f"/lists/{source.key}/"
        all_columns = ",".join(c.path for c in source.columns)
        response = client.get(url, {"cols": all_columns})
        assert response.status_code == 200, source.key
        assert "alert-danger" not in response.content.decode(), source.key
        for column in source.columns:
            if column.groupable:
                grouped = client.get(url, {"group": column.path})
                assert grouped.status_code == 200, (source.key, column.path)
                assert "alert-danger" not in grouped.content.decode(), (source.key, column.path)
            if column.sortable:
                assert client.get(url, {"sort": f"-{column.path}"}).status_code == 200
        if source.kanban_path:
            board = client.get(url, {"layout": "kanban"})
            assert board.status_code == 200
            assert "kanban-lane" in board.content.decode()
        csv = client.get(f"/lists/{source.key}/export.csv", {"cols": all_columns})
        assert csv.status_code == 200
        assert b"".join(csv.streaming_content).startswith(b"\xef\xbb\xbf")
        xlsx = client.get(f"/lists/{source.key}/export.xlsx", {"cols": all_columns})
        assert xlsx.status_code == 200, source.key
        assert xlsx.content[:2] == b"PK", source.key
        rows = api(admin).get(f"/api/v1/lists/{source.key}/", {"cols": all_columns})
        assert rows.status_code == 200, (source.key, rows.content[:300])
