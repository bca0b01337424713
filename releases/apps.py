from django.apps import AppConfig

from fleetops.github.signals import mirror_synced


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = "Releases"

    def ready(self) -> None:
        # Imported here: the receiver's module imports models, which need the app registry.
        from releases.board.sync import releases_from_github_receiver

        mirror_synced.connect(releases_from_github_receiver, dispatch_uid="releases-derive")
