from django.apps import AppConfig


class OncallConfig(AppConfig):
    name = "oncall"
    verbose_name = "On-call"

    def ready(self) -> None:
        # Registers the schedule's Celery tasks: autodiscovery imports only `oncall.tasks`,
        # and task modules import models, which are not ready before this point.
        from fleetops.github.signals import summaries_refresh  # noqa: PLC0415
        from oncall.community.selectors import community_clocks_refresh  # noqa: PLC0415
        from oncall.schedule import tasks  # noqa: F401, PLC0415 - see above

        summaries_refresh.connect(community_clocks_refresh, dispatch_uid="oncall-summaries")
