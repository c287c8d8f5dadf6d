"""Is the service able to work: the database answers, the task broker answers, a django-q2 cluster runs.

A cluster runs the ``campaigns: tick`` schedule every minute; when its next run is overdue by more than
``CLUSTER_LATE`` no cluster is running (or none can reach the broker), and emails wait."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

CLUSTER_LATE = timedelta(minutes=3)
TICK = "campaigns: tick"


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        return False


def broker_ok():
    from django_q.brokers import get_broker

    try:
        return get_broker().ping() is not False
    except Exception:  # noqa: BLE001 - a broker that cannot be reached
        return False


def cluster_ok(now=None):
    """Whether a cluster ran the minute's schedule lately."""
    from django_q.models import Schedule

    try:
        next_run = Schedule.objects.filter(name=TICK).values_list("next_run", flat=True).first()
    except Exception:  # noqa: BLE001 - no database, no answer
        return False
    return next_run is not None and next_run > (now or timezone.now()) - CLUSTER_LATE


def health():
    """{"database": bool, "broker": bool, "cluster": bool}."""
    database = database_ok()
    return {"database": database, "broker": broker_ok(), "cluster": database and cluster_ok()}
