"""goldheat as a service: the Celery app, its tasks and schedule, leases, metrics, the checks."""
