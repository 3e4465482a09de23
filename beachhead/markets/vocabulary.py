"""The vocabularies of the playbooks: codes the files and the edit form may use, with labels.

They mirror ``playbooks/README.md`` (whose test keeps the README and the files in step). A code
is data and never translated; its label is an interface string and is. Unknown codes are
refused when a playbook is loaded or edited, so a typo never reaches the support desk.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: The interface languages a playbook text is written in, in order.
UI_LANGUAGES: tuple[str, ...] = ("en", "zh-hans", "ja")

#: Weekday keys of ``weekly_hours``, Monday first (the calendar engine's order).
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

WEEKDAY_LABELS = {
    "mon": _("Monday"),
    "tue": _("Tuesday"),
    "wed": _("Wednesday"),
    "thu": _("Thursday"),
    "fri": _("Friday"),
    "sat": _("Saturday"),
    "sun": _("Sunday"),
}

SUPPORT_CHANNELS = {
    "email": _("E-mail"),
    "web_form": _("Web form"),
    "portal": _("Customer portal"),
    "phone": _("Phone"),
    "chat": _("Live chat"),
    "chat_bot": _("Chat bot with hand-over"),
    "wechat": _("WeChat"),
    "line": _("LINE"),
    "kakaotalk": _("KakaoTalk"),
    "whatsapp": _("WhatsApp"),
    "zalo": _("Zalo"),
}

#: Tabler icon per channel, so a list of channels reads at a glance.
CHANNEL_ICONS = {
    "email": "mail",
    "web_form": "forms",
    "portal": "layout-dashboard",
    "phone": "phone",
    "chat": "message-circle",
    "chat_bot": "robot",
    "wechat": "brand-wechat",
    "line": "message-2",
    "kakaotalk": "message-2",
    "whatsapp": "brand-whatsapp",
    "zalo": "message-2",
}

PAYMENT_TIMINGS = {
    "prepay": _("Paid before delivery"),
    "authorise_capture": _("Authorised at order, captured later"),
    "post_delivery": _("Paid after delivery, on terms"),
    "direct_debit": _("Collected by direct debit on the due date"),
    "cash_voucher": _("Paid with a slip or reference"),
    "transfer": _("Pushed by the buyer against an invoice"),
}

PAYMENT_METHODS = {
    "card": _("Card"),
    "cartes_bancaires": _("Cartes Bancaires"),
    "card_auth_capture": _("Card, authorised then captured"),
    "mada": _("mada"),
    "troy": _("TROY"),
    "unionpay": _("UnionPay"),
    "ideal": _("iDEAL"),
    "sepa_direct_debit": _("SEPA Direct Debit"),
    "sepa_credit_transfer": _("SEPA credit transfer"),
    "invoice_post_delivery": _("Invoice, paid after delivery"),
    "riba": _("Ricevuta bancaria (RiBa)"),
    "bacs_direct_debit": _("Bacs Direct Debit"),
    "faster_payments": _("Faster Payments"),
    "bank_transfer": _("Bank transfer"),
    "wire": _("Wire transfer"),
    "cheque": _("Cheque"),
    "convenience_store_cash": _("Cash at a convenience store"),
    "virtual_account": _("Virtual account"),
    "mobile_money": _("Mobile money"),
    "ach": _("ACH"),
    "pad": _("Pre-authorised debit (PAD)"),
    "interac": _("Interac e-Transfer"),
    "eft": _("EFT"),
    "spei": _("SPEI"),
    "oxxo": _("OXXO"),
    "pix": _("Pix"),
    "boleto": _("Boleto bancário"),
    "konbini": _("Konbini"),
    "upi": _("UPI"),
    "neft_rtgs": _("NEFT / RTGS"),
    "paynow": _("PayNow"),
    "promptpay": _("PromptPay"),
    "fpx": _("FPX"),
    "duitnow": _("DuitNow"),
    "qris": _("QRIS"),
    "alipay": _("Alipay"),
    "wechat_pay": _("WeChat Pay"),
    "china_bank_transfer": _("Corporate bank transfer (China)"),
    "acceptance_draft": _("Electronic acceptance draft"),
    "bpay": _("BPAY"),
    "becs_direct_debit": _("BECS Direct Debit"),
    "payid": _("PayID"),
    "sadad": _("SADAD"),
    "fawry": _("Fawry"),
    "instapay": _("InstaPay"),
    "bank_transfer_ng": _("Bank transfer (NIP)"),
    "ussd": _("USSD"),
    "debit_order": _("Debit order"),
    "havale_eft": _("Havale / EFT / FAST"),
}

INDUSTRIES = {
    "all": _("All industries"),
    "finance": _("Finance"),
    "insurance": _("Insurance"),
    "healthcare": _("Healthcare"),
    "public_sector": _("Public sector"),
    "telecom": _("Telecommunications"),
    "retail": _("Retail"),
    "gaming": _("Gaming"),
    "manufacturing": _("Manufacturing"),
    "technology": _("Technology"),
    "education": _("Education"),
    "energy": _("Energy"),
    "logistics": _("Logistics"),
}

COMPLIANCE = {
    "soc1": _("SOC 1 Type II"),
    "soc2_type2": _("SOC 2 Type II"),
    "iso27001": _("ISO/IEC 27001"),
    "iso27701": _("ISO/IEC 27701"),
    "iso27017": _("ISO/IEC 27017"),
    "iso27018": _("ISO/IEC 27018"),
    "hipaa": _("HIPAA"),
    "hitrust": _("HITRUST CSF"),
    "pci_dss": _("PCI DSS"),
    "fedramp": _("FedRAMP"),
    "gdpr": _("GDPR"),
    "uk_gdpr": _("UK GDPR"),
    "ccpa": _("CCPA / CPRA"),
    "pipeda": _("PIPEDA"),
    "lgpd": _("LGPD"),
    "lfpdppp": _("LFPDPPP"),
    "appi": _("APPI"),
    "fisc": _("FISC Security Guidelines"),
    "ismap": _("ISMAP"),
    "pipa_kr": _("PIPA (Korea)"),
    "isms_p": _("ISMS-P"),
    "pipl": _("PIPL"),
    "mlps": _("MLPS 2.0"),
    "dsl_cn": _("Data Security Law (China)"),
    "csl_cn": _("Cybersecurity Law (China)"),
    "dpdp": _("DPDP Act"),
    "rbi_data_localisation": _("RBI data localisation"),
    "pdpa_sg": _("PDPA (Singapore)"),
    "mas_trm": _("MAS TRM Guidelines"),
    "pdpa_th": _("PDPA (Thailand)"),
    "pdp_id": _("PDP Law (Indonesia)"),
    "ojk": _("OJK IT rules"),
    "pdpd_vn": _("Personal data protection (Vietnam)"),
    "pdpa_my": _("PDPA (Malaysia)"),
    "bnm_rmit": _("BNM RMiT"),
    "kvkk": _("KVKK"),
    "bddk": _("BDDK IT rules"),
    "uae_pdpl": _("PDPL (UAE)"),
    "difc_dp": _("DIFC Data Protection Law"),
    "sama_csf": _("SAMA Cyber Security Framework"),
    "pdpl_sa": _("PDPL (Saudi Arabia)"),
    "nca_ecc": _("NCA ECC"),
    "egypt_pdpl": _("PDPL (Egypt)"),
    "ndpa_ng": _("NDPA (Nigeria)"),
    "popia": _("POPIA"),
    "privacy_act_au": _("Privacy Act (Australia)"),
    "irap": _("IRAP"),
    "apra_cps234": _("APRA CPS 234"),
    "c5": _("BSI C5"),
    "bafin_bait": _("BaFin BAIT"),
    "tisax": _("TISAX"),
    "hds": _("HDS"),
    "secnumcloud": _("SecNumCloud"),
    "ens": _("ENS"),
    "dora": _("DORA"),
    "nis2": _("NIS2"),
    "eidas": _("eIDAS"),
}

DATA_RESIDENCY_REGIONS = {
    "any": _("No localisation requirement"),
    "us": _("United States"),
    "ca": _("Canada"),
    "mx": _("Mexico"),
    "br": _("Brazil"),
    "uk": _("United Kingdom"),
    "eu": _("European Union / EEA"),
    "tr": _("Türkiye"),
    "ae": _("United Arab Emirates"),
    "sa": _("Saudi Arabia"),
    "eg": _("Egypt"),
    "ng": _("Nigeria"),
    "za": _("South Africa"),
    "in": _("India"),
    "sg": _("Singapore"),
    "th": _("Thailand"),
    "id": _("Indonesia"),
    "vn": _("Vietnam"),
    "my": _("Malaysia"),
    "jp": _("Japan"),
    "kr": _("South Korea"),
    "cn": _("Mainland China"),
    "au": _("Australia"),
}


def label(vocabulary: dict, code: str) -> str:
    """The label of ``code`` in ``vocabulary``, or the code itself when it has none."""
    return str(vocabulary.get(code, code))


#: Categories of the ``holidays`` library a playbook may add to the public holidays.
HOLIDAY_CATEGORIES = {
    "public": _("public holidays"),
    "bank": _("bank holidays"),
    "government": _("government joint leave days"),
    "optional": _("optional holidays"),
    "half_day": _("half-day holidays"),
    "school": _("school holidays"),
    "workday": _("working observances"),
}

#: The subdivisions the playbooks use for their holidays, by ``COUNTRY-SUBDIV``.
HOLIDAY_SUBDIVISIONS = {
    "AU-NSW": _("New South Wales"),
    "CA-ON": _("Ontario"),
    "GB-ENG": _("England"),
    "MY-14": _("Kuala Lumpur"),
}
