#!/usr/bin/env python
"""Time a campaign's report on a big campaign: the funnel, and the XLSX export beside a bare openpyxl loop.

    .venv/bin/python bench/export.py [--invitations 1000000] [--responses N/10] [--questions 20] [--anonymous]
                                     [--database-url postgres://postgres@127.0.0.1:5432/test]

A scratch PostgreSQL database (created beside the named one, dropped afterwards) gets, set-based in SQL:
``--invitations`` ambassadors over every region and age band, a live survey campaign with one invitation each
(2 % bounced, 35 % opened, 12 % clicked), a survey of ``--questions`` questions of every kind, and
``--responses`` submitted responses answering all of them (some texts begin with "=", "+", "-", "@"), then
ANALYZE.

What is measured:
- funnel_s: ``reports.rates.funnel`` (one aggregate query on the campaign's invitations), the median of three
  runs (each printed). Goal: under 2 s at 1,000,000 invitations.
- xlsx_rows_per_s: the data rows of the workbook (invitations, responses: one row each) / the wall time of
  ``reports.exports.write_workbook`` (summary with its charts, rows read from the database in chunks, formula
  neutralisation, sheet splitting, the file saved), run in a fresh process.
- bare_rows_per_s: the same rows, produced by the same row generators in another fresh process, appended by a
  bare ``ws.append`` loop to a write-only workbook that is then saved; only the ``append`` calls and the save
  are timed. ratio = xlsx_rows_per_s / bare_rows_per_s, goal at least 0.7.
- peak_rss_mb: the peak resident memory of the export process (``ru_maxrss``), goal under 250 MB.

The last line is one JSON object: funnel_s, xlsx_rows_per_s, bare_rows_per_s, ratio, peak_rss_mb, and details.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.send import scratch_database  # noqa: E402

REGIONS = ["ara", "bfc", "bre", "cvl", "cor", "ges", "hdf", "idf", "nor", "naq", "occ", "pdl", "pac", "dom", "etr"]
AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+", ""]


def django_setup(url, tmp):
    os.environ.update(
        {
            "DATABASE_URL": url,
            "VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "0",
        }
    )
    import django

    django.setup()


def survey_create(campaign, questions):
    """A survey of ``questions`` questions cycling through every answerable kind."""
    from surveys.models import Choice, MatrixRow, Question, Section, Survey

    K = Question.Kind
    kinds = [
        K.SINGLE,
        K.MULTIPLE,
        K.LIKERT,
        K.NPS,
        K.SCALE,
        K.YES_NO,
        K.NUMBER,
        K.MATRIX,
        K.RANKING,
        K.SHORT_TEXT,
        K.LONG_TEXT,
        K.DATE,
    ]
    survey = Survey.objects.create(campaign=campaign, title_fr="Le budget automatique")
    section = Section.objects.create(survey=survey, sort_order=0, title_fr="Questions")
    for number in range(questions):
        kind = kinds[number % len(kinds)]
        question = Question.objects.create(
            survey=survey,
            section=section,
            sort_order=number,
            code=f"q{number + 1}",
            kind=kind,
            text_fr=f"Question {number + 1} ({kind})",
            points=5 if kind == K.SCALE else None,
            allow_other=kind == K.MULTIPLE,
        )
        if kind in Question.WITH_CHOICES:
            Choice.objects.bulk_create(
                Choice(question=question, sort_order=index, code=str(index + 1), label_fr=f"Choix {index + 1}")
                for index in range(5 if kind != K.MATRIX else 3)
            )
        if kind == K.MATRIX:
            MatrixRow.objects.bulk_create(
                MatrixRow(question=question, sort_order=index, code=f"r{index + 1}", label_fr=f"Ligne {index + 1}")
                for index in range(4)
            )
    return survey


def data_create(*, invitations, responses, questions, anonymous=False):
    """Ambassadors, the campaign and its invitations, the survey and its responses, all set-based."""
    from django.db import connection
    from django.utils import timezone

    from campaigns.models import Ambassador, Campaign, Invitation, Segment, SegmentRule
    from surveys.models import Answer, Choice, MatrixRow, Question, Response

    K = Question.Kind
    now = timezone.now()
    launched = now - timezone.timedelta(days=10)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Ambassador._meta.db_table} (email, first_name, last_name, locale, region, age_band,
                                                    consent_at, created_at, updated_at)
            SELECT 'ambassadeur.' || n || '@exemple.fr', 'Prénom' || (n %% 997), 'Nom' || (n %% 1499),
                   CASE WHEN n %% 12 = 0 THEN 'en' ELSE 'fr' END, (%(regions)s::text[])[1 + n %% 15],
                   (%(ages)s::text[])[1 + (n / 15) %% 7], %(now)s, %(now)s, %(now)s
            FROM generate_series(1, %(count)s) AS n""",
            {"regions": REGIONS, "ages": AGE_BANDS, "now": now, "count": invitations},
        )
    campaign = Campaign.objects.create(
        slug="grand-rapport",
        title="Le grand rapport",
        kind=Campaign.Kind.SURVEY,
        status=Campaign.Status.LIVE,
        launched_at=launched,
        subject_fr="{prenom}, votre avis",
        body_fr="Bonjour {prenom} : {lien}",
        closes_at=now + timezone.timedelta(days=20),
    )
    for name, regions in (("Ouest", "bre,nor,pdl"), ("Île-de-France", "idf"), ("Sud", "occ,pac,naq")):
        segment = Segment.objects.create(name=name)
        SegmentRule.objects.create(segment=segment, attribute=SegmentRule.Attribute.REGION_IN, value=regions)
        campaign.segments.add(segment)
    survey = survey_create(campaign, questions)
    if anonymous:  # its invitations and responses stream in an order drawn for the export (no join key)
        type(survey).objects.filter(pk=survey.pk).update(anonymous=True)
    # Of every 100 invitations: 2 bounced, 35 opened (25 by a human), 12 clicked; the first ``responses`` of
    # those that clicked or opened answered; one in 200 opted out. Times spread over ten days.
    answer_every = max(1, invitations // max(1, responses))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Invitation._meta.db_table} (campaign_id, ambassador_id, token, status, created_at, sent_at,
                bounced_at, first_opened_at, first_human_open_at, open_count, first_clicked_at, click_count,
                responded_at, unsubscribed_at)
            SELECT %(campaign)s, a.id, md5(a.id::text || 'jeton') || a.id,
                   CASE WHEN a.id %% 50 = 0 THEN 'bounced' ELSE 'sent' END, %(launched)s,
                   %(launched)s + make_interval(secs => a.id %% 3600),
                   CASE WHEN a.id %% 50 = 0 THEN %(launched)s + interval '1 hour' END,
                   CASE WHEN a.id %% 100 < 35 AND a.id %% 50 <> 0 THEN %(launched)s + make_interval(secs => 3600 + (a.id * 7919) %% 777600) END,
                   CASE WHEN a.id %% 100 < 25 AND a.id %% 50 <> 0 THEN %(launched)s + make_interval(secs => 3600 + (a.id * 7919) %% 777600) END,
                   CASE WHEN a.id %% 100 < 35 AND a.id %% 50 <> 0 THEN 1 + a.id %% 3 ELSE 0 END,
                   CASE WHEN a.id %% 100 < 12 AND a.id %% 50 <> 0 THEN %(launched)s + make_interval(secs => 7200 + (a.id * 7919) %% 777600) END,
                   CASE WHEN a.id %% 100 < 12 AND a.id %% 50 <> 0 THEN 1 ELSE 0 END,
                   CASE WHEN a.id %% %(every)s = 1 THEN %(launched)s + make_interval(secs => 9000 + (a.id * 7919) %% 777600) END,
                   CASE WHEN a.id %% 200 = 3 THEN %(launched)s + interval '2 days' END
            FROM {Ambassador._meta.db_table} AS a""",
            {"campaign": campaign.pk, "launched": launched, "every": answer_every},
        )
        cursor.execute(
            f"""
            INSERT INTO {Response._meta.db_table} (survey_id, invitation_id, locale, started_at, updated_at, submitted_at,
                                                  resume_page)
            SELECT %(survey)s, id, 'fr', responded_at, responded_at, responded_at, 1
            FROM {Invitation._meta.db_table} WHERE campaign_id = %(campaign)s AND responded_at IS NOT NULL
            ORDER BY id LIMIT %(responses)s""",
            {"survey": survey.pk, "campaign": campaign.pk, "responses": responses},
        )
        answers = Answer._meta.db_table
        for question in Question.objects.filter(survey=survey).order_by("sort_order"):
            choices = list(Choice.objects.filter(question=question).order_by("sort_order").values_list("pk", flat=True))
            rows = list(MatrixRow.objects.filter(question=question).order_by("sort_order").values_list("pk", flat=True))
            base = {"question": question.pk, "survey": survey.pk, "choices": choices, "n": len(choices) or 1}
            source, where = f"FROM {Response._meta.db_table} AS r", "WHERE r.survey_id = %(survey)s"
            select = f"{source} {where}"
            insert = f"INSERT INTO {answers} (response_id, question_id, row_id, choice_id, number, date, text)"
            if question.kind in (K.SINGLE, K.LIKERT):
                cursor.execute(
                    f"""{insert} SELECT r.id, %(question)s, NULL, (%(choices)s::bigint[])[1 + r.id %% %(n)s],
                    CASE WHEN %(likert)s THEN 1 + r.id %% %(n)s END, NULL, '' {select}""",
                    {**base, "likert": question.kind == K.LIKERT},
                )
            elif question.kind == K.MULTIPLE:
                cursor.execute(
                    f"""{insert} SELECT r.id, %(question)s, NULL, (%(choices)s::bigint[])[1 + (r.id + k) %% %(n)s],
                    NULL, NULL, '' {source} CROSS JOIN generate_series(0, 1) AS k {where}""",
                    base,
                )
                cursor.execute(
                    f"""{insert} SELECT r.id, %(question)s, NULL, NULL, NULL, NULL,
                    (ARRAY['=1+1', '+33 6 00', '-moins cher', '@banque', 'Paiement mobile'])[1 + r.id %% 5]
                    {select} AND r.id %% 10 = 0""",
                    base,
                )
            elif question.kind in (K.NPS, K.SCALE, K.YES_NO, K.NUMBER):
                modulo = {K.NPS: 11, K.SCALE: 5, K.YES_NO: 2, K.NUMBER: 5000}[question.kind]
                offset = 1 if question.kind == K.SCALE else 0
                cursor.execute(
                    f"""{insert} SELECT r.id, %(question)s, NULL, NULL, %(offset)s + (r.id * 31) %% %(modulo)s,
                    NULL, '' {select}""",
                    {**base, "modulo": modulo, "offset": offset},
                )
            elif question.kind == K.MATRIX:
                cursor.execute(
                    f"""{insert} SELECT r.id, %(question)s, row_id, (%(choices)s::bigint[])[1 + (r.id + row_id) %% %(n)s],
                    1 + (r.id + row_id) %% %(n)s, NULL, '' {source} CROSS JOIN unnest(%(rows)s::bigint[]) AS row_id {where}""",
                    {**base, "rows": rows},
                )
            elif question.kind == K.RANKING:
                cursor.execute(
                    f"""{insert} SELECT r.id, %(question)s, NULL, (%(choices)s::bigint[])[1 + k],
                    1 + (k + r.id) %% %(n)s, NULL, '' {source} CROSS JOIN generate_series(0, %(n)s - 1) AS k {where}""",
                    base,
                )
            elif question.kind == K.DATE:
                cursor.execute(
                    f"""{insert} SELECT r.id, %(question)s, NULL, NULL, NULL,
                    DATE '2000-01-01' + (r.id %% 9000)::int, '' {select}""",
                    base,
                )
            else:
                cursor.execute(
                    f"""{insert} SELECT r.id, %(question)s, NULL, NULL, NULL, NULL,
                    CASE WHEN r.id %% 50 = 0 THEN '=HYPERLINK("http://exemple.fr")'
                         ELSE 'Une réponse libre de quelques mots, numéro ' || r.id END {select}""",
                    base,
                )
        cursor.execute("ANALYZE")
    return campaign


def child(args):
    """Run in a fresh process: the export (``--run export``) or the bare loop (``--run bare``); prints JSON."""
    django_setup(args.child_url, args.child_tmp)
    from campaigns.models import Campaign
    from reports import exports

    campaign = Campaign.objects.get(pk=args.campaign)
    target = Path(args.child_tmp) / f"{args.run}.xlsx"
    if args.run == "export":
        started = time.perf_counter()
        rows = exports.write_workbook(campaign, target)
        seconds = time.perf_counter() - started
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        seconds, rows = 0.0, 0
        clock = time.perf_counter
        for found in exports.tables(campaign).values():
            sheet = workbook.create_sheet(found.title[:31])
            sheet.append(found.header)
            append = sheet.append
            for row in found.rows():
                started = clock()
                append(row)
                seconds += clock() - started
                rows += 1
        started = clock()
        workbook.save(target)
        seconds += clock() - started
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "bytes": target.stat().st_size,
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


def run_child(kind, url, tmp, campaign_id):
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--run",
            kind,
            "--campaign",
            str(campaign_id),
            "--child-url",
            url,
            "--child-tmp",
            tmp,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure(args, url, tmp):
    django_setup(url, tmp)
    from django.core.management import call_command
    from django.db import connection

    from reports.rates import funnel

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    campaign = data_create(
        invitations=args.invitations, responses=args.responses, questions=args.questions, anonymous=args.anonymous
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM campaigns_invitation")
        invited = cursor.fetchone()[0]
        cursor.execute("SELECT count(*), (SELECT count(*) FROM surveys_answer) FROM surveys_response")
        responses, answers = cursor.fetchone()
    print(
        f"{invited} invitations, {responses} responses, {answers} answers in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    timings = []
    for _run in range(3):
        started = time.perf_counter()
        row = funnel(campaign)
        timings.append(time.perf_counter() - started)
    print(f"funnel: {', '.join(f'{t:.3f} s' for t in timings)} {row.counts}", file=sys.stderr)
    connection.close()
    export = run_child("export", url, tmp, campaign.pk)
    print(
        f"export: {export['rows']} rows in {export['seconds']:.1f} s, {export['bytes'] / 1e6:.1f} MB, "
        f"peak RSS {export['peak_rss_mb']} MB",
        file=sys.stderr,
    )
    bare = run_child("bare", url, tmp, campaign.pk)
    print(f"bare openpyxl loop: {bare['rows']} rows in {bare['seconds']:.1f} s", file=sys.stderr)
    assert export["rows"] == bare["rows"] == invited + responses, (export["rows"], bare["rows"], invited, responses)
    xlsx_rate, bare_rate = export["rows"] / export["seconds"], bare["rows"] / bare["seconds"]
    return {
        "invitations": invited,
        "responses": responses,
        "answers": answers,
        "questions": args.questions,
        "anonymous": args.anonymous,
        "database": connection.vendor,
        "funnel_s": round(statistics.median(timings), 3),
        "xlsx_rows_per_s": round(xlsx_rate),
        "bare_rows_per_s": round(bare_rate),
        "ratio": round(xlsx_rate / bare_rate, 3),
        "peak_rss_mb": export["peak_rss_mb"],
        "xlsx_seconds": round(export["seconds"], 1),
        "xlsx_mb": round(export["bytes"] / 1e6, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitations", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=None, help="default: a tenth of the invitations")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--anonymous", action="store_true", help="an anonymous survey (rows in a drawn order)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--run", choices=["export", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-url", help=argparse.SUPPRESS)
    parser.add_argument("--child-tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        return child(args)
    if args.responses is None:
        args.responses = args.invitations // 10
    if not args.database_url.startswith("postgres"):
        raise SystemExit("bench/export.py measures on PostgreSQL: give --database-url postgres://...")
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = scratch_database(args.database_url, tmp, f"bench_export_{os.getpid()}")
        try:
            result = measure(args, url, tmp)
        finally:
            drop()
    print(
        f"{result['invitations']} invitations, {result['responses']} responses on {result['database']}: funnel "
        f"{result['funnel_s']} s, XLSX {result['xlsx_rows_per_s']} rows/s, bare openpyxl {result['bare_rows_per_s']} "
        f"rows/s, ratio {result['ratio']}, peak RSS {result['peak_rss_mb']} MB",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
