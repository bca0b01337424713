class VersionConverter:
    """A release version in a URL: three dot-separated numbers (4.75.0)."""

    regex = r"\d+\.\d+\.\d+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
