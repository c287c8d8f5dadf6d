"""django-q2 entry points: each calls the same function a test calls."""

from ideas import badges, digest, notifications


def status_change_notify(change_id):
    return notifications.status_change_notify(change_id)


def merge_notify(source_id, target_id):
    return notifications.merge_notify(source_id, target_id)


def awards_refresh():
    return badges.awards_refresh()


def digests():
    return digest.digests_send()
