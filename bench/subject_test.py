#!/usr/bin/env python
"""What a subject test adds to a launch and what its decision costs, at N recipients.

    .venv/bin/python bench/subject_test.py [--recipients 100000] [--database-url postgres://postgres@127.0.0.1/x]

Two campaigns to the same N ambassadors: one launched plainly, one with a subject test of four subjects on 20 %
of its audience (the random draw, the subjects given in turn, the rest held back). Then the test's sample is
marked sent and opened at different rates and its decision timed (the z-test's query, the rest released with
the winner). No email is sent: bench/send.py measures sending.

Without --database-url the scratch database is a SQLite file in a temporary folder; with a PostgreSQL URL, a
scratch database is created beside the named one and dropped afterwards. The last line is one JSON object.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.send import ambassadors_create, campaign_create, scratch_database  # noqa: E402


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, round(time.perf_counter() - started, 2)


def measure(count, url, tmp):
    os.environ.update({"DATABASE_URL": url, "VAR_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings"})
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from campaigns.models import Campaign, Invitation, SubjectVariant
    from campaigns.sending import subject_tests
    from campaigns.sending.launch import campaign_launch

    call_command("migrate", verbosity=0)
    ambassadors_create(count)
    with mock.patch("campaigns.sending.senders.senders_enqueue"):  # nothing is sent here
        plain = campaign_create()
        _created, plain_seconds = timed(campaign_launch, plain)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics: the contact cap's subquery now meets N invitations
        tested = Campaign.objects.get(pk=plain.pk)  # the same campaign again (the contact cap allows a second)
        tested.pk = tested.id = tested.launched_at = None
        tested.slug, tested.status, tested.ab_sample_percent = "test-objets", Campaign.Status.DRAFT, 20
        tested.save()
        tested.segments.set(plain.segments.all())
        for order in range(4):
            SubjectVariant.objects.create(
                campaign=tested, sort_order=order, subject_fr=f"Objet {order}", subject_en=f"Subject {order}"
            )
        _created, tested_seconds = timed(campaign_launch, tested)
        tested.refresh_from_db()
        sample = Invitation.objects.filter(campaign=tested, ab_sample=True)
        now = timezone.now()
        sample.update(status=Invitation.Status.SENT, sent_at=now)
        for order, variant in enumerate(tested.subject_variants.order_by("sort_order")):
            opened = sample.filter(subject_variant=variant).values_list("pk", flat=True)[: 200 * (order + 1)]
            Invitation.objects.filter(pk__in=list(opened)).update(first_human_open_at=now)
        decision, decide_seconds = timed(subject_tests.subject_test_decide, tested, now=now + timedelta(hours=5))
    return {
        "recipients": count,
        "database": connection.vendor,
        "launch_seconds": plain_seconds,
        "launch_with_test_seconds": tested_seconds,
        "sample": sample.count(),
        "decide_seconds": decide_seconds,
        "winner": decision.winner,
        "p_value": decision.p_value,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = scratch_database(args.database_url, tmp, f"bench_subject_test_{os.getpid()}")
        try:
            result = measure(args.recipients, url, tmp)
        finally:
            if drop:
                drop()
    print(
        f"{result['recipients']} recipients on {result['database']}: launch {result['launch_seconds']} s, with a "
        f"subject test {result['launch_with_test_seconds']} s (sample {result['sample']}), decision "
        f"{result['decide_seconds']} s",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
