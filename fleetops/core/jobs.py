"""Starting a background job from a button, honestly in both ways Celery can run it.

With a worker (`REDIS_URL` set), `delay` hands the task to the broker and returns at once:
the page shows it queued until a worker records a run. Without one (`make run`:
`CELERY_TASK_ALWAYS_EAGER`), `delay` runs the task in this request and only returns when it
has finished, so the page must show its outcome, never "queued". A task run that way and
failing (or asking to be retried, which an eager task cannot be) has recorded its outcome on
its run already; its exception goes to the log, not to the person who clicked.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from kombu.exceptions import OperationalError as BrokerError

from fleetops.core.errors import error_report

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobStart:
    """How starting a job went: queued for a worker, run here already, or not started."""

    queued: bool = False  # a worker will pick it up (the page polls for its run)
    ran_inline: bool = False  # eager: it ran in this request; its run holds the outcome
    error: str = ""  # why it could not be queued, one sentence; "" when it was
    failure: str = ""  # eager: why the run failed, one sentence, when it raised
    at: int = field(default_factory=lambda: int(time.time()))  # when it was queued (epoch s)


def job_start(task: Any, *args: Any, what: str, **kwargs: Any) -> JobStart:
    """`task.delay(*args, **kwargs)`; never raises for a broker outage or an eager failure."""
    eager = bool(task.app.conf.task_always_eager)
    try:
        task.delay(*args, **kwargs)
    except BrokerError as exc:
        logger.warning("%s not queued", what, exc_info=exc)
        why = error_report(exc, service="the task queue").why
        because = f" ({why})" if why else ""
        return JobStart(error=f"The task queue is unavailable{because}; try again later.")
    except Exception as exc:
        if not eager:
            raise
        logger.warning("%s failed while running in this process", what, exc_info=exc)
        return JobStart(ran_inline=True, failure=error_report(exc).sentence)
    return JobStart(queued=not eager, ran_inline=eager)
