"""Customer pages (being built)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


web_form = web_form_sent = portal = sign_in = sign_out = new_ticket = ticket = survey = _todo
