from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fleetops.core"
    label = "core"
    verbose_name = "Core"
