"""A Fleet-scale organisation for benchmarks behind `manage.py seed_scale`, app by app."""
