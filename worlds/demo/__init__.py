"""The demo organisation behind `manage.py seed_demo`: one module per app, run in app order."""
