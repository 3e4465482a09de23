"""Password reset, throttled per IP and per address in the shared counters.

- Per IP (``BEACHHEAD_PASSWORD_RESET_RATE_IP``, default 10 in 15 minutes): over it, a page says
  to try again later (429 with ``Retry-After``). It says nothing about the address typed, so it
  cannot be used to learn whether an account exists.
- Per address (``BEACHHEAD_PASSWORD_RESET_RATE_ADDRESS``, default 3 in 15 minutes): over it, no
  mail is sent but the answer is the usual "if an account uses that address, a link is on its
  way", exactly as for an unknown address, so the limit cannot be used to probe addresses
  either, and a mailbox cannot be flooded with reset mails.

The lookup and the mail happen in a job (``core.tasks.send_password_reset``), so the page also
answers in the same time whatever the address.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from beachhead.core import ratelimit
from beachhead.core.http import base_url, client_ip
from beachhead.core.jobs import enqueue

log = logging.getLogger(__name__)


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        ip = client_ip(self.request)
        by_ip = ratelimit.hit(
            "password-reset-ip", ip, ratelimit.Rate.parse(settings.BEACHHEAD_PASSWORD_RESET_RATE_IP)
        )
        if not by_ip.allowed:
            return too_many(self.request, by_ip.retry_after)
        by_address = ratelimit.hit(
            "password-reset-address",
            form.cleaned_data["email"],
            ratelimit.Rate.parse(settings.BEACHHEAD_PASSWORD_RESET_RATE_ADDRESS),
        )
        if not by_address.allowed:
            log.info("password reset: too many requests for one address; not sent")
            return HttpResponseRedirect(self.get_success_url())
        # The link starts with the configured address, not the Host the request came with.
        link = urlsplit(base_url(self.request))
        enqueue(
            "beachhead.core.tasks.send_password_reset",
            form.cleaned_data["email"],
            link.netloc,
            link.scheme == "https",
            getattr(self.request, "LANGUAGE_CODE", ""),
        )
        return HttpResponseRedirect(self.get_success_url())


def too_many(request, retry_after: int) -> HttpResponse:
    minutes = max(1, -(-retry_after // 60))
    response = render(
        request, "registration/password_reset_limited.html", {"minutes": minutes}, status=429
    )
    response["Retry-After"] = str(max(1, retry_after))
    return response
