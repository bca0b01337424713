"""The demo mirror of the product repository, built without any GitHub access."""
