"""What a deal needs that the company does not hold: the playbook minus the held list."""

from __future__ import annotations

from beachhead.accounts.services.compliance import deal_compliance_gaps, requirements


def test_gaps_are_the_market_s_and_industry_s_requirements_we_lack(make_account, settings):
    # given: US finance asks for SOC 2 Type II and CCPA (all) and SOC 1 (finance)
    settings.BEACHHEAD_CERTIFICATES_HELD = ["soc2_type2", "iso27001"]
    bank = make_account(market="US", industry="finance", legal_name="First Bank")

    # when
    gaps = deal_compliance_gaps(bank)

    # then
    assert gaps == ["ccpa", "soc1"]
    assert [(r.code, r.held, r.scope) for r in requirements(bank)] == [
        ("soc2_type2", True, "all"),
        ("ccpa", False, "all"),
        ("soc1", False, "finance"),
    ]


def test_no_gap_when_everything_is_held(make_account, settings):
    settings.BEACHHEAD_CERTIFICATES_HELD = ["appi", "iso27001"]
    assert deal_compliance_gaps(make_account(market="JP", industry="gaming")) == []
    assert deal_compliance_gaps(make_account(market="JP", industry="finance")) == ["fisc"]
