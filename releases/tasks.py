"""The releases app's Celery tasks, one module per sub-domain, imported here for autodiscovery.

Each keeps the name it was registered under before the sub-domain packages (`name=`), so
queued tasks and the beat schedule in settings still resolve.
"""

from releases.board.tasks import release_candidate_cut_due_task, release_candidate_watch_task
from releases.dependencies.tasks import dependency_checks_run_task

__all__ = [
    "dependency_checks_run_task",
    "release_candidate_cut_due_task",
    "release_candidate_watch_task",
]
