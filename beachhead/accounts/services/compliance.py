"""What a deal needs that the company cannot show yet.

A market's playbook lists the compliance proofs buyers demand, for every industry (``all``)
and per industry. The certificates the company holds are, for now, a setting
(``BEACHHEAD_CERTIFICATES_HELD``); the compliance pillar will keep them as records with
evidence and expiry, and this module will read those instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from beachhead.accounts.models import Account
from beachhead.markets.vocabulary import COMPLIANCE, label


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str
    held: bool
    scope: str  # "all" or the industry code that adds it


def certificates_held() -> frozenset[str]:
    return frozenset(code.strip() for code in settings.BEACHHEAD_CERTIFICATES_HELD if code)


def requirements(account: Account) -> list[Requirement]:
    """Every proof the account's market asks of its industry, in the playbook's order."""
    playbook = account.market.compliance or {}
    held = certificates_held()
    result: list[Requirement] = []
    seen: set[str] = set()
    for scope in ("all", account.industry):
        for code in playbook.get(scope, []):
            if code in seen:
                continue
            seen.add(code)
            result.append(Requirement(code, label(COMPLIANCE, code), code in held, scope))
    return result


def deal_compliance_gaps(account: Account) -> list[str]:
    """The codes the market requires of the account's industry that the company lacks."""
    return [r.code for r in requirements(account) if not r.held]
