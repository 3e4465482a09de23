"""Deployments: the deep-user threshold, node counts kept in step, history by month."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from beachhead.accounts.models import DeploymentEvent
from beachhead.accounts.services import deployments as services
from beachhead.accounts.services.deployments import deep_users_by_month, is_deep_user, yearly_growth


def test_deep_users_start_at_50_production_nodes(sony, ae):
    # given: 49 nodes in production, 100 in staging
    prod = services.do_create_deployment(sony, ae, product="Server", version="8.1", node_count=49)
    services.do_create_deployment(
        sony, ae, product="Server", version="8.1", node_count=100, environment="staging"
    )
    sony.refresh_from_db()
    assert sony.production_nodes == 49
    assert not is_deep_user(sony)

    # when
    services.do_update_deployment(prod, ae, {"node_count": 50})
    sony.refresh_from_db()

    # then
    assert sony.production_nodes == 50
    assert is_deep_user(sony)


def test_the_threshold_is_a_setting(sony, ae, settings):
    services.do_create_deployment(sony, ae, product="Server", version="8.1", node_count=20)
    sony.refresh_from_db()
    settings.BEACHHEAD_DEEP_USER_NODES = 20
    assert is_deep_user(sony)


def test_retiring_keeps_the_history(sony, ae):
    dep = services.do_create_deployment(sony, ae, product="Server", version="8.1", node_count=60)
    services.do_delete_deployment(dep, ae)
    sony.refresh_from_db()
    assert sony.production_nodes == 0
    kinds = list(DeploymentEvent.objects.filter(account=sony).values_list("kind", "node_count"))
    assert kinds == [("created", 60), ("retired", 0)]


def test_bad_deployment_input(sony, ae):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        services.do_create_deployment(sony, ae, product="", node_count="1.5", environment="moon")
    assert set(info.value.message_dict) == {"product", "version", "node_count", "environment"}


def test_deep_users_by_month_replay_the_history(sony, make_account, ae, admin):
    # given: Sony crosses 50 nodes in March 2027; another account in May; Sony drops in July
    other = make_account(owner=ae, legal_name="Other")
    at = lambda month: datetime(2027, month, 10, tzinfo=UTC)  # noqa: E731
    first = services.do_create_deployment(
        sony, ae, product="Server", version="8", node_count=10, at=at(1)
    )
    services.do_update_deployment(first, ae, {"node_count": 60}, at=at(3))
    services.do_create_deployment(other, ae, product="Server", version="8", node_count=30, at=at(4))
    services.do_create_deployment(other, ae, product="Cloud", version="8", node_count=30, at=at(5))
    services.do_update_deployment(first, ae, {"environment": "staging"}, at=at(7))

    # when
    series = deep_users_by_month(admin, months=8, now=datetime(2027, 8, 15, tzinfo=UTC))

    # then
    assert [(m.month.month, m.count) for m in series] == [
        (1, 0), (2, 0), (3, 1), (4, 1), (5, 2), (6, 2), (7, 1), (8, 1),
    ]  # fmt: skip


def test_deep_users_by_month_only_count_what_the_user_may_see(sony, ae, berlin):
    services.do_create_deployment(sony, ae, product="Server", version="8", node_count=80)
    assert deep_users_by_month(ae, months=1)[-1].count == 1
    assert deep_users_by_month(berlin, months=1)[-1].count == 0


def test_yearly_growth():
    from datetime import date

    from beachhead.accounts.services.deployments import MonthCount

    series = [MonthCount(date(2026, m, 1), 2) for m in range(1, 13)]
    series.append(MonthCount(date(2027, 1, 1), 18))
    assert yearly_growth(series) == 9
    assert yearly_growth(series[1:]) is None
