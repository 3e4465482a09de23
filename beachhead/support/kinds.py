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

#: How each kind words a promise about a ticket ("First reply to #1108 VPN down").
TITLES = {
    "first_reply": _("First reply to %(subject)s"),
    "next_reply": _("Next reply to %(subject)s"),
    "periodic_update": _("Periodic update on %(subject)s"),
    "resolution": _("Resolution of %(subject)s"),
}
