"""Background jobs of the support desk."""

from __future__ import annotations

from django_tasks import task

from beachhead.support.services import alerts, outbound, portal


@task()
def send_reply(message_pk: int) -> bool:
    """E-mail a public reply to the customer (once)."""
    return outbound.send_reply(message_pk)


@task()
def send_retries() -> int:
    """Try again the replies whose next try after a temporary failure is due."""
    return outbound.send_due()


@task()
def send_survey(survey_pk: int) -> bool:
    return outbound.send_survey(survey_pk)


@task()
def send_portal_link(email: str, fallback_language: str = "", base: str = "") -> int:
    """The job behind ``portal.do_send_link`` (the page answers before the lookup happens)."""
    return portal.send_link_now(email, fallback_language, base=base)


@task()
def check_team_thresholds() -> int:
    """Raise an alert for each team over its breach rate or under its satisfaction."""
    return len(alerts.do_check_thresholds())


@task()
def imap_poll() -> dict[str, int]:
    """Fetch the unread mail of BEACHHEAD_IMAP_URL into tickets (scheduled only when it is set)."""
    from beachhead.support.services import imap

    counts: dict[str, int] = {}
    for result in imap.poll_once():
        counts[result.result] = counts.get(result.result, 0) + 1
    return counts
