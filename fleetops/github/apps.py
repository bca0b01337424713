from django.apps import AppConfig


class GithubConfig(AppConfig):
    name = "fleetops.github"
    label = "mirror"
    verbose_name = "GitHub mirror"
