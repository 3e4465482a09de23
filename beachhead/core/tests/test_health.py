"""/healthz: the database answers and a worker has proved recently that it runs jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from beachhead.core.models import WorkerHeartbeat
from beachhead.core.services import do_record_heartbeat

pytestmark = pytest.mark.django_db


def test_no_heartbeat_is_503_with_the_reason(client):
    # when
    response = client.get("/healthz")

    # then
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "error"
    assert data["database"]["status"] == "ok"
    assert data["database"]["vendor"]
    assert data["worker"]["status"] == "error"
    assert data["worker"]["error"] == "no heartbeat yet"


def test_a_fresh_heartbeat_is_200_with_its_age(client, settings):
    # given
    settings.BEACHHEAD_HEARTBEAT_SECONDS = 15
    do_record_heartbeat("host:1", backend="DatabaseBackend")

    # when
    response = client.get("/healthz")

    # then
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"]["status"] == "ok"
    assert data["worker"]["status"] == "ok"
    assert data["worker"]["worker"] == "host:1"
    assert 0 <= data["worker"]["age_seconds"] < 5
    assert data["worker"]["max_age_seconds"] == 60


@pytest.mark.parametrize(("age", "status"), [(45, 200), (75, 503), (3600, 503)])
def test_a_heartbeat_older_than_four_intervals_is_stale(client, settings, age, status):
    # given
    settings.BEACHHEAD_HEARTBEAT_SECONDS = 15
    WorkerHeartbeat.objects.create(worker="host:1", beat_at=timezone.now() - timedelta(seconds=age))

    # when
    response = client.get("/healthz")

    # then
    assert response.status_code == status
    assert response.json()["worker"]["status"] == ("ok" if status == 200 else "error")
    assert response.json()["worker"]["age_seconds"] >= age


def test_the_freshest_of_several_workers_counts(client):
    # given: one worker died an hour ago, another beats now
    WorkerHeartbeat.objects.create(worker="old:1", beat_at=timezone.now() - timedelta(hours=1))
    do_record_heartbeat("new:2")

    # when
    response = client.get("/healthz")

    # then
    assert response.status_code == 200
    assert response.json()["worker"]["worker"] == "new:2"


def test_a_heartbeat_is_one_row_per_worker_updated_in_place(client):
    # given
    first = do_record_heartbeat("host:1")

    # when
    second = do_record_heartbeat("host:1")

    # then
    assert WorkerHeartbeat.objects.count() == 1
    assert second.beat_at >= first.beat_at


def test_the_heartbeat_task_records_one(client, settings):
    # given
    from beachhead.core.tasks import heartbeat, worker_name

    # when: the immediate backend of the tests runs it at once
    heartbeat.enqueue()

    # then
    assert WorkerHeartbeat.objects.get().worker == worker_name()
    assert client.get("/healthz").status_code == 200


def test_a_database_error_is_503(client, monkeypatch):
    # given
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise RuntimeError("connection refused")

    do_record_heartbeat("host:1")
    monkeypatch.setattr(CursorWrapper, "execute", broken)

    # when
    response = client.get("/healthz")

    # then
    assert response.status_code == 503
    data = response.json()
    assert data["database"]["status"] == "error"
    assert "connection refused" in data["database"]["error"]


def test_healthz_is_public_never_cached_and_get_only(client):
    # when
    response = client.get("/healthz")

    # then: no login needed (load balancers call it) and no cache in between
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405
