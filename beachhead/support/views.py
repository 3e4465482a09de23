"""Agent pages of the support desk (being built)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


ticket_list = desk = create = ticket = reply = properties = template_text = attachment = _todo
teams = rejected = rejected_detail = rejected_retry = _todo
