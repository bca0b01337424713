from django.apps import AppConfig

from fleetops.github.signals import mirror_synced, summaries_refresh


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Releases"

    def ready(self) -> None:
        # The receiver's module imports models, which exist only once the app registry is
        # ready: imported here, the way Django connects signal receivers.
        from releases.board.sync import releases_from_github_receiver  # noqa: PLC0415
        from releases.summaries import summaries_refresh_receiver  # noqa: PLC0415

        mirror_synced.connect(releases_from_github_receiver, dispatch_uid="releases-derive")
        summaries_refresh.connect(summaries_refresh_receiver, dispatch_uid="releases-summaries")
