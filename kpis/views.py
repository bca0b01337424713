"""The CTO's KPI page and its exports: parse, call a selector, render."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from fleetops.core.exports import csv_safe
from kpis.selectors import (
    kpi_export_columns,
    kpi_export_row,
    kpi_page,
    kpi_snapshot_export,
    kpi_snapshots,
)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Charts and table of the recorded weeks; htmx swaps only the view for a new group/period."""
    page = kpi_page(period=request.GET.get("weeks", ""), group=request.GET.get("group", "").strip())
    # The group/period controls swap #kpi-view; anything else (a history restore) gets the page.
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and htmx.target == "kpi-view" and not htmx.history_restore_request
    template = "kpis/index.html#kpi-view" if partial else "kpis/index.html"
    return render(request, template, {"page": page})


@require_safe
def weekly_csv(request: HttpRequest) -> HttpResponse:
    """Every recorded week, one row each, oldest first."""
    snapshots = kpi_snapshots()
    columns = kpi_export_columns(snapshots)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fleetops-kpis-weekly.csv"'
    writer = csv.writer(response)
    writer.writerow([csv_safe(column) for column in columns])
    for snapshot in snapshots:
        writer.writerow([csv_safe(cell) for cell in kpi_export_row(snapshot, columns)])
    return response


@require_safe
def weekly_json(request: HttpRequest) -> JsonResponse:
    """Every recorded week, oldest first, as `record_kpis --json` prints them (and more)."""
    data = [kpi_snapshot_export(snapshot) for snapshot in kpi_snapshots()]
    return JsonResponse(data, safe=False, json_dumps_params={"indent": 2})
