from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "fleetops.org"
    label = "org"
    verbose_name = "Organisation"
