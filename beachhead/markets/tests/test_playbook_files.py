"""Validate the market playbook data files in ``beachhead/markets/playbooks``.

Plain pytest: no Django, no database. The vocabularies below are the reference
for the playbook files and are documented in ``playbooks/README.md``; a test
checks that the README and these constants agree.
"""

from __future__ import annotations

import re
import tomllib
import zoneinfo
from pathlib import Path

import holidays
import pytest

PLAYBOOK_DIR = Path(__file__).resolve().parent.parent / "playbooks"
README = PLAYBOOK_DIR / "README.md"

EXPECTED_MARKETS = (
    "US", "CA", "MX", "BR", "GB", "DE", "FR", "NL", "ES", "IT", "TR", "AE", "SA",
    "EG", "NG", "ZA", "IN", "SG", "TH", "ID", "VN", "MY", "JP", "KR", "CN", "AU",
)  # fmt: skip

UI_LANGUAGES = ("en", "zh-hans", "ja")

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

SUPPORT_CHANNELS = frozenset(
    {
        "email",
        "web_form",
        "portal",
        "phone",
        "chat",
        "chat_bot",
        "wechat",
        "line",
        "kakaotalk",
        "whatsapp",
        "zalo",
    }
)

PAYMENT_TIMINGS = frozenset(
    {
        "prepay",
        "authorise_capture",
        "post_delivery",
        "direct_debit",
        "cash_voucher",
        "transfer",
    }
)

PAYMENT_METHODS = frozenset(
    {
        # cards
        "card",
        "cartes_bancaires",
        "card_auth_capture",
        "mada",
        "troy",
        "unionpay",
        # Europe
        "ideal",
        "sepa_direct_debit",
        "sepa_credit_transfer",
        "invoice_post_delivery",
        "riba",
        "bacs_direct_debit",
        "faster_payments",
        # generic
        "bank_transfer",
        "wire",
        "cheque",
        "convenience_store_cash",
        "virtual_account",
        "mobile_money",
        # Americas
        "ach",
        "pad",
        "interac",
        "eft",
        "spei",
        "oxxo",
        "pix",
        "boleto",
        # Asia-Pacific
        "konbini",
        "upi",
        "neft_rtgs",
        "paynow",
        "promptpay",
        "fpx",
        "duitnow",
        "qris",
        "alipay",
        "wechat_pay",
        "china_bank_transfer",
        "acceptance_draft",
        "bpay",
        "becs_direct_debit",
        "payid",
        # Middle East and Africa
        "sadad",
        "fawry",
        "instapay",
        "bank_transfer_ng",
        "ussd",
        "debit_order",
        "havale_eft",
    }
)

INDUSTRIES = frozenset(
    {
        "all",
        "finance",
        "insurance",
        "healthcare",
        "public_sector",
        "telecom",
        "retail",
        "gaming",
        "manufacturing",
        "technology",
        "education",
        "energy",
        "logistics",
    }
)

COMPLIANCE_CODES = frozenset(
    {
        "soc1",
        "soc2_type2",
        "iso27001",
        "iso27701",
        "iso27017",
        "iso27018",
        "hipaa",
        "hitrust",
        "pci_dss",
        "fedramp",
        "gdpr",
        "uk_gdpr",
        "ccpa",
        "pipeda",
        "lgpd",
        "lfpdppp",
        "appi",
        "fisc",
        "ismap",
        "pipa_kr",
        "isms_p",
        "pipl",
        "mlps",
        "dsl_cn",
        "csl_cn",
        "dpdp",
        "rbi_data_localisation",
        "pdpa_sg",
        "mas_trm",
        "pdpa_th",
        "pdp_id",
        "ojk",
        "pdpd_vn",
        "pdpa_my",
        "bnm_rmit",
        "kvkk",
        "bddk",
        "uae_pdpl",
        "difc_dp",
        "sama_csf",
        "pdpl_sa",
        "nca_ecc",
        "egypt_pdpl",
        "ndpa_ng",
        "popia",
        "privacy_act_au",
        "irap",
        "apra_cps234",
        "c5",
        "bafin_bait",
        "tisax",
        "hds",
        "secnumcloud",
        "ens",
        "dora",
        "nis2",
        "eidas",
    }
)

DATA_RESIDENCY_REGIONS = frozenset(
    {
        "any",
        "us",
        "ca",
        "mx",
        "br",
        "uk",
        "eu",
        "tr",
        "ae",
        "sa",
        "eg",
        "ng",
        "za",
        "in",
        "sg",
        "th",
        "id",
        "vn",
        "my",
        "jp",
        "kr",
        "cn",
        "au",
    }
)

REQUIRED_KEYS = {
    "code": str,
    "countries": list,
    "currency": str,
    "timezones": list,
    "languages": list,
    "data_residency": str,
    "name": dict,
    "holidays": dict,
    "weekly_hours": dict,
    "support_channels": list,
    "tone": dict,
    "payment_methods": list,
    "contract_practice": dict,
    "compliance": dict,
}

OPTIONAL_KEYS = {
    "data_residency_by_industry": dict,
    "data_residency_note": dict,
    "hours_note": dict,
}

# Tables whose values are texts in each UI language.
LOCALISED_TABLES = ("name", "tone", "contract_practice")
OPTIONAL_LOCALISED_TABLES = ("data_residency_note", "hours_note")

CODE_RE = re.compile(r"^[A-Z]{2}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# language[-Script][-REGION]; enough of BCP 47 for customer languages.
BCP47_RE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-(?:[A-Z]{2}|[0-9]{3}))?$")
TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

CJK_RE = re.compile(r"[\u4e00-\u9fff]")
KANA_RE = re.compile(r"[\u3040-\u30ff]")
HIRAGANA_RE = re.compile(r"[\u3040-\u309f]")


def playbook_paths() -> list[Path]:
    return sorted(PLAYBOOK_DIR.glob("*.toml"))


def load(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(params=playbook_paths(), ids=lambda p: p.stem)
def playbook(request) -> tuple[Path, dict]:
    return request.param, load(request.param)


def minutes(value: str, *, is_end: bool) -> int:
    if is_end and value == "24:00":
        return 24 * 60
    assert TIME_RE.match(value), f"bad time {value!r} (want HH:MM)"
    hours, mins = value.split(":")
    return int(hours) * 60 + int(mins)


def assert_localised(table: object, where: str, *, guidance: bool) -> None:
    """A table with a non-empty text per UI language, in the right script."""
    assert isinstance(table, dict), f"{where} must be a table"
    assert set(table) == set(UI_LANGUAGES), (
        f"{where} must have exactly the keys {UI_LANGUAGES}, has {sorted(table)}"
    )
    for lang in UI_LANGUAGES:
        text = table[lang]
        assert isinstance(text, str), f"{where}.{lang} is empty"
        assert text.strip(), f"{where}.{lang} is empty"
        assert text == text.strip(), f"{where}.{lang} has stray whitespace"
    # English may quote a form of address (様, 王经理, 김 팀장님) but is Latin script.
    letters = [c for c in table["en"] if c.isalpha()]
    latin = sum(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters)
    assert latin >= 0.9 * len(letters), f"{where}.en is not English text"
    assert CJK_RE.search(table["zh-hans"]), f"{where}.zh-hans has no Chinese text"
    assert not KANA_RE.search(table["zh-hans"]), f"{where}.zh-hans contains kana"
    assert CJK_RE.search(table["ja"]) or KANA_RE.search(table["ja"]), (
        f"{where}.ja has no Japanese text"
    )
    if guidance:
        # Sentences in Japanese always have hiragana; catches Chinese pasted as ja.
        assert HIRAGANA_RE.search(table["ja"]), f"{where}.ja is not Japanese prose"


def test_every_expected_market_has_a_file():
    present = {p.stem for p in playbook_paths()}
    missing = sorted(code.lower() for code in EXPECTED_MARKETS if code.lower() not in present)
    assert not missing, f"missing playbooks: {missing}"


def test_file_names_are_lowercase_codes():
    for path in playbook_paths():
        assert path.stem == path.stem.lower(), path.name
        assert len(path.stem) == 2, path.name


def test_keys_and_types(playbook):
    path, data = playbook
    missing = sorted(set(REQUIRED_KEYS) - set(data))
    assert not missing, f"{path.name}: missing keys {missing}"
    unknown = sorted(set(data) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    assert not unknown, f"{path.name}: unknown keys {unknown} (document them first)"
    for key, kind in {**REQUIRED_KEYS, **OPTIONAL_KEYS}.items():
        if key in data:
            assert isinstance(data[key], kind), f"{path.name}: {key} must be {kind.__name__}"


def test_code_matches_file_name(playbook):
    path, data = playbook
    assert CODE_RE.match(data["code"]), f"code {data['code']!r} is not ISO 3166-1 alpha-2"
    assert path.stem == data["code"].lower(), f"{path.name} holds code {data['code']}"


def _listed(data, key: str, plural: str) -> list:
    """The playbook's list under ``key``: present, not empty, and without repeats."""
    items = data[key]
    assert items, f"{key} is empty"
    assert len(items) == len(set(items)), f"duplicate {plural}"
    return items


def test_countries(playbook):
    _, data = playbook
    countries = _listed(data, "countries", "countries")
    for country in countries:
        assert isinstance(country, str), country
        assert CODE_RE.match(country), country
        assert country in holidays.list_supported_countries(), (
            f"holidays has no calendar for {country}"
        )
    assert data["code"] in countries, "the market's own code must be among its countries"


def test_currency(playbook):
    _, data = playbook
    assert CURRENCY_RE.match(data["currency"]), data["currency"]


def test_timezones(playbook):
    _, data = playbook
    zones = _listed(data, "timezones", "time zones")
    for name in zones:
        assert isinstance(name, str)
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            pytest.fail(f"unknown IANA time zone {name!r}: {exc}")


def test_languages(playbook):
    _, data = playbook
    langs = _listed(data, "languages", "languages")
    for tag in langs:
        assert isinstance(tag, str), f"not a BCP 47 tag: {tag!r}"
        assert BCP47_RE.match(tag), f"not a BCP 47 tag: {tag!r}"


def test_data_residency(playbook):
    _, data = playbook
    assert data["data_residency"] in DATA_RESIDENCY_REGIONS, data["data_residency"]
    for industry, region in data.get("data_residency_by_industry", {}).items():
        assert industry in INDUSTRIES, industry
        assert industry != "all", industry
        assert region in DATA_RESIDENCY_REGIONS, region
        assert region != data["data_residency"], (
            f"data_residency_by_industry.{industry} repeats the default"
        )


def test_localised_texts(playbook):
    _, data = playbook
    for key in LOCALISED_TABLES:
        assert_localised(data[key], key, guidance=key != "name")
    for key in OPTIONAL_LOCALISED_TABLES:
        if key in data:
            assert_localised(data[key], key, guidance=True)


def test_holidays_calendar(playbook):
    _, data = playbook
    table = data["holidays"]
    assert set(table) <= {"country", "subdiv", "categories"}, sorted(table)
    country = table["country"]
    subdiv = table["subdiv"]
    assert isinstance(subdiv, str)
    assert country in data["countries"]
    categories = table.get("categories", ["public"])
    assert isinstance(categories, list), categories
    assert "public" in categories, categories
    assert len(categories) == len(set(categories)), "duplicate categories"
    supported = holidays.list_supported_countries()[country]
    if subdiv:
        assert subdiv in supported, f"holidays has no subdivision {subdiv!r} for {country}"
    calendar = holidays.country_holidays(
        country, subdiv=subdiv or None, categories=tuple(categories), years=2025
    )
    unsupported = set(categories) - set(calendar.supported_categories)
    assert not unsupported, f"categories {sorted(unsupported)} not supported for {country}"
    assert len(calendar) > 0, "calendar has no holidays"


def test_weekly_hours(playbook):
    _, data = playbook
    hours = data["weekly_hours"]
    assert set(hours) == set(DAYS), f"weekly_hours needs exactly {DAYS}"
    working_days = 0
    for day in DAYS:
        intervals = hours[day]
        assert isinstance(intervals, list), day
        previous_end = -1
        for interval in intervals:
            assert isinstance(interval, list), f"{day}: {interval!r}"
            assert len(interval) == 2, f"{day}: {interval!r}"
            start = minutes(interval[0], is_end=False)
            end = minutes(interval[1], is_end=True)
            assert start < end, f"{day}: {interval} ends before it starts"
            assert start >= previous_end, f"{day}: intervals overlap or are out of order"
            previous_end = end
        working_days += bool(intervals)
    assert working_days >= 4, "fewer than four working days a week"


def test_weekend_agrees_with_holidays_library(playbook):
    """Days the holidays library calls weekend must have no business hours."""
    _, data = playbook
    table = data["holidays"]
    calendar = holidays.country_holidays(table["country"], subdiv=table["subdiv"] or None)
    for weekday in calendar.weekend:
        day = DAYS[weekday]
        assert data["weekly_hours"][day] == [], (
            f"{day} is a weekend day in {table['country']} but has business hours"
        )


def test_support_channels(playbook):
    _, data = playbook
    channels = data["support_channels"]
    assert channels, "support_channels is empty"
    assert len(channels) == len(set(channels)), "duplicate support channels"
    unknown = sorted(set(channels) - SUPPORT_CHANNELS)
    assert not unknown, f"unknown support channels {unknown}"


def test_payment_methods(playbook):
    _, data = playbook
    methods = data["payment_methods"]
    assert methods, "payment_methods is empty"
    codes = []
    for i, method in enumerate(methods):
        assert isinstance(method, dict), i
        assert set(method) <= {"code", "timing", "note"}, sorted(method)
        assert method.get("code") in PAYMENT_METHODS, (
            f"unknown payment method {method.get('code')!r}"
        )
        assert method.get("timing") in PAYMENT_TIMINGS, (
            f"{method['code']}: unknown timing {method.get('timing')!r}"
        )
        if "note" in method:
            assert_localised(
                method["note"], f"payment_methods.{method['code']}.note", guidance=True
            )
        codes.append(method["code"])
    assert len(codes) == len(set(codes)), "duplicate payment methods"


def test_compliance(playbook):
    _, data = playbook
    compliance = data["compliance"]
    assert "all" in compliance, "compliance needs an 'all' list"
    unknown_industries = sorted(set(compliance) - INDUSTRIES)
    assert not unknown_industries, f"unknown industries {unknown_industries}"
    common = set(compliance["all"])
    for industry, codes in compliance.items():
        assert isinstance(codes, list), f"compliance.{industry} is empty"
        assert codes, f"compliance.{industry} is empty"
        assert len(codes) == len(set(codes)), f"compliance.{industry} has duplicates"
        unknown = sorted(set(codes) - COMPLIANCE_CODES)
        assert not unknown, f"compliance.{industry}: unknown codes {unknown}"
        if industry != "all":
            repeated = sorted(common & set(codes))
            assert not repeated, f"compliance.{industry} repeats 'all': {repeated}"


@pytest.mark.parametrize(
    "vocabulary",
    [
        SUPPORT_CHANNELS,
        PAYMENT_TIMINGS,
        PAYMENT_METHODS,
        INDUSTRIES,
        COMPLIANCE_CODES,
        DATA_RESIDENCY_REGIONS,
    ],
    ids=["channels", "timings", "payment_methods", "industries", "compliance", "regions"],
)
def test_readme_documents_vocabulary(vocabulary):
    text = README.read_text(encoding="utf-8")
    undocumented = sorted(code for code in vocabulary if f"`{code}`" not in text)
    assert not undocumented, f"README.md does not document {undocumented}"
