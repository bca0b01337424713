"""The GitHub webhook endpoint: verify, record, queue, answer fast."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from kombu.exceptions import OperationalError as BrokerError

from fleetops.github.tasks import webhook_delivery_process_task
from fleetops.github.webhooks import WebhookRejected, webhook_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@login_not_required
def webhook(request: HttpRequest) -> JsonResponse:
    """Receive a GitHub delivery: 403 unless signed, 400 if malformed, 202 once queued."""
    if request.method != "POST":
        response = JsonResponse({"detail": "only POST is allowed"}, status=405)
        response["Allow"] = "POST"
        return response
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse({"detail": "payload too large"}, status=413)
    try:
        receipt = webhook_receive(
            body=body,
            signature=request.headers.get("X-Hub-Signature-256"),
            event=request.headers.get("X-GitHub-Event"),
            delivery_id=request.headers.get("X-GitHub-Delivery"),
            content_type=request.content_type or "",
        )
    except WebhookRejected as exc:
        return JsonResponse({"detail": exc.detail}, status=exc.status)
    if receipt.queue is not None:
        try:
            webhook_delivery_process_task.delay_on_commit(receipt.queue.pk)
        except BrokerError:
            logger.exception("webhook %s stored but not queued", receipt.queue.delivery_id)
            detail = "stored, but the task queue is unavailable: redeliver it later"
            return JsonResponse({"detail": detail}, status=503)
    return JsonResponse({"detail": receipt.detail}, status=receipt.status)
