"""The organisation as a YAML file: `manage.py org_load`."""
