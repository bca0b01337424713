from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fleetops.org.models import process_today
from releases.selectors import release_calendar

def index(request: HttpRequest) -> HttpResponse:
    today = process_today()
    return render(
        request,
        "releases/index.html",
        {"calendar": release_calendar(today=today), "today": today},
    )
