"""The `<version:...>` URL converter, registered once for every releases URL conf."""

from django.urls import register_converter


class VersionConverter:
    """A release version in a URL: three dot-separated numbers (4.75.0)."""

    regex = r"\d+\.\d+\.\d+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VersionConverter, "version")  # on import, so exactly once
