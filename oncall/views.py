from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fleetops.org.selectors import product_group_roster


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "oncall/index.html", {"groups": product_group_roster()})
