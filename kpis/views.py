"""The CTO's KPI page and its exports: parse, call a selector, render."""

from __future__ import annotations

import csv

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from fleetops.core.exports import csv_safe
from kpis.forms import KpiExportForm
from kpis.selectors import (
    KpiExport,
    kpi_export,
    kpi_export_columns,
    kpi_export_row,
    kpi_page,
    kpi_snapshot_export,
    kpi_snapshot_group_export,
)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Charts and table of the recorded weeks; htmx swaps only the view for a new group/period
    (and, out of band, the export links, so they export what the view shows)."""
    page = kpi_page(period=request.GET.get("weeks", ""), group=request.GET.get("group", "").strip())
    # The group/period controls swap #kpi-view; anything else (a history restore) gets the page.
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and htmx.target == "kpi-view" and not htmx.history_restore_request
    template = "kpis/index.html#kpi-view" if partial else "kpis/index.html"
    response = render(request, template, {"page": page, "exports_oob": partial})
    # The same URL answers a page or a partial: without Vary, Back from another page could
    # show the browser's cached partial (htmx pushed its URL) as if it were the page.
    patch_vary_headers(response, ("HX-Request", "HX-Target", "HX-History-Restore-Request"))
    return response


def _export(request: HttpRequest) -> KpiExport | str:
    """The weeks and group asked for, or why not (one line naming the parameter)."""
    form = KpiExportForm(request.GET)
    if not form.is_valid():
        return form.error_text()
    try:
        return kpi_export(weeks=form.cleaned_data["weeks"], group=form.cleaned_data["group"])
    except ValidationError as exc:
        return f"group: {' '.join(exc.messages)}"


def _filename(export: KpiExport, extension: str) -> str:
    parts = ["fleetops-kpis-weekly"]
    if export.group and slugify(export.group):
        parts.append(slugify(export.group))
    if export.weeks is not None:
        parts.append(f"{export.weeks}w")
    return f"{'-'.join(parts)}.{extension}"


@require_safe
def weekly_csv(request: HttpRequest) -> HttpResponse:
    """The recorded weeks (all, or `?weeks=N` newest; `?group=` one group's), oldest first."""
    export = _export(request)
    if isinstance(export, str):
        return HttpResponse(export, status=400, content_type="text/plain; charset=utf-8")
    columns = kpi_export_columns(export.snapshots, export.group)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(export, "csv")}"'
    writer = csv.writer(response)
    writer.writerow([csv_safe(column) for column in columns])
    for snapshot in export.snapshots:
        writer.writerow([csv_safe(cell) for cell in kpi_export_row(snapshot, columns)])
    return response


@require_safe
def weekly_json(request: HttpRequest) -> JsonResponse:
    """The recorded weeks, oldest first, as `record_kpis --json` prints them (and more); with
    `?group=`, that group's numbers; `?weeks=N`, the newest N."""
    export = _export(request)
    if isinstance(export, str):
        return JsonResponse({"error": export}, status=400)
    if export.group:
        data = [kpi_snapshot_group_export(s, export.group) for s in export.snapshots]
    else:
        data = [kpi_snapshot_export(snapshot) for snapshot in export.snapshots]
    return JsonResponse(data, safe=False, json_dumps_params={"indent": 2})
