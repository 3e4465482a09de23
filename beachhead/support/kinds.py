"""The support desk's kinds of commitment, its SLA targets (registered with the ledger's
``commitments.kinds`` from ``SupportConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

KINDS = {
    "first_reply": _("First reply"),
    "next_reply": _("Next reply"),
    "periodic_update": _("Periodic update"),
    "resolution": _("Resolution"),
}
