"""PostgreSQL with a short circuit breaker on connecting (see `base.DatabaseWrapper`)."""
