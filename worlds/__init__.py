"""Invented worlds for fleetops: the demo organisation and the Fleet-scale benchmark data.

Outside the product apps on purpose: `worlds.demo` (behind `manage.py seed_demo`) and
`worlds.scale` (behind `manage.py seed_scale`) write through the apps' models and services,
and no product module imports them (an import-linter contract in pyproject.toml). The
GitHub REST JSON shapes the demo mirror writes are shared with the fake GitHub of the tests
(`worlds/github_json.py`).
"""
