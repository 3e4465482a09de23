"""Background jobs of the ledger."""

from django_tasks import task

from beachhead.commitments import services


@task()
def sweep() -> dict:
    """Break overdue promises, warn owners, alert managers (scheduled by the worker)."""
    return services.sweep().as_dict()
