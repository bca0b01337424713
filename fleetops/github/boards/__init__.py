"""The organisation's GitHub Projects (v2) boards in the mirror: columns and items."""
