"""The one module that leans on Django's private or undocumented API, so a Django upgrade is checked in one
place: ``tests/campaigns/test_django_private.py`` pins each use below and fails when Django changes it.

- ``server_binding_cursor``: a cursor that binds its parameters on the server (so PostgreSQL keeps a busy
  statement prepared), wrapped as Django wraps its own cursors (query logging, ``connection.queries``) by the
  private ``BaseDatabaseWrapper._prepare_cursor``.
- ``health_check_skip``: ``BaseDatabaseWrapper.health_check_done`` is the flag Django sets once it has checked a
  persistent connection during a request (``CONN_HEALTH_CHECKS``); setting it spares the ``SELECT 1``.
- ``permissions_create``: ``create_permissions`` returns at once for an app config without ``models_module``,
  which is what a migration's app config stub is; set for the call, the permissions get created.
- ``request_body_read``: ``HttpRequest.body`` refuses a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` unless it was
  read already, which Django keeps in the private ``HttpRequest._body``; set there, one view takes more.
"""

from django.contrib.auth.management import create_permissions
from django.core.exceptions import RequestDataTooBig


def server_binding_cursor(connection):
    """A cursor of ``connection`` (PostgreSQL) that binds parameters on the server, as Django wraps cursors."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    return connection._prepare_cursor(ServerBindingCursor(connection.connection))


def health_check_pending(connection):
    """Whether Django would still check this connection's health before the request's next query."""
    return not connection.health_check_done


def health_check_skip(connection):
    """Tell Django the connection counts as checked for this request (the caller checks it itself)."""
    connection.health_check_done = True


def permissions_create(apps, app_label):
    """Create the permissions of ``app_label``'s models from within a migration (``apps`` is its state)."""
    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = None


def request_body_read(request, limit):
    """Read ``request``'s body with ``limit`` bytes at most (``RequestDataTooBig`` past it) in place of
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``; ``request.body`` returns it from then on."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        raise RequestDataTooBig(f"the body is over {limit} bytes")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise RequestDataTooBig(f"the body is over {limit} bytes")
    request._body = body
    return body
