"""Exports of a campaign's report: an XLSX workbook (openpyxl, write-only) and CSV files, streamed.

Tables (``tables(campaign)``): the summary (figures, definitions; charts beside them in the workbook), the
invitations, the survey responses (one column per question, per matrix row and per ranked choice), the ideas
and the votes. Rows are read with ``values_list(...).iterator(chunk_size=...)`` and written one by one, so
memory stays flat whatever the number of rows; a sheet holds at most ``SHEET_ROW_LIMIT`` rows (Excel's limit)
and the rows that follow go on a next sheet with the same header ("Invitations (2)").

Formula injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written to the workbook as an explicit string with Excel's quote prefix (shown as typed, never computed), and
to a CSV file with a leading single quote.

Privacy: the summary carries the suppressed figures of ``reports.rates`` and ``reports.survey_stats``. For an
anonymous survey, and for a reader who may not see the ambassadors' personal data (``may_see_identities``:
analysts), no sheet names anyone: responses carry neither who answered nor when, invitations carry no email
address.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.drawing.image import Image
from openpyxl.styles import Font

from campaigns.models import AgeBand, Invitation, Locale, Region
from reports import rates
from reports.report import campaign_report, campaign_survey, report_charts

SHEET_ROW_LIMIT = 1_048_576  # rows per sheet in Excel, the header included
CHUNK_SIZE = 5000
PROGRESS_EVERY = 10_000
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A CSV field that no spreadsheet runs as a formula: texts beginning with = + - @ tab or CR get a quote."""
    if type(value) is str and value and value[0] in DANGEROUS:
        return "'" + value
    return value


def is_dangerous(value):
    return type(value) is str and value != "" and value[0] in DANGEROUS


def local(value):
    """An aware datetime as the naive local time Excel expects (None stays None)."""
    return value.astimezone(_zone()).replace(tzinfo=None) if value is not None else None


def _zone():
    return timezone.get_current_timezone()


def plain_number(value):
    """A stored decimal as an int when whole, else a float (9.0000 -> 9)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def suppressed_label():
    return _("masqué (< %(k)s)") % {"k": settings.PRIVACY_THRESHOLD}


@dataclass
class Table:
    """One exported table: its name (in URLs and file names), title (sheet name), header, how many rows it has
    (one COUNT query) and its rows, streamed."""

    name: str
    title: str
    header: list
    count: Callable
    rows: Callable


# --- the data tables ---------------------------------------------------------------------------------------


def invitations_table(campaign, *, anonymous=False):
    statuses, regions, ages, locales = (
        dict(choices.choices) for choices in (Invitation.Status, Region, AgeBand, Locale)
    )
    statuses, regions, ages, locales = (
        {key: str(label) for key, label in mapping.items()} for mapping in (statuses, regions, ages, locales)
    )
    fields = [
        "pk",
        "ambassador__email",
        "ambassador__region",
        "ambassador__age_band",
        "ambassador__locale",
        "status",
        "sent_at",
        "bounced_at",
        "first_opened_at",
        "first_human_open_at",
        "open_count",
        "first_clicked_at",
        "click_count",
        "responded_at",
        "unsubscribed_at",
    ]
    header = [
        _("Invitation"),
        _("Adresse e-mail"),
        _("Région"),
        _("Tranche d'âge"),
        _("Langue"),
        _("État"),
        _("Envoyée le"),
        _("Rejetée le"),
        _("Première ouverture"),
        _("Première ouverture humaine estimée"),
        _("Ouvertures"),
        _("Premier clic"),
        _("Clics"),
        _("A répondu le"),
        _("Désinscrit le"),
    ]
    if anonymous:
        fields.remove("ambassador__email")
        del header[1]
    queryset = rates.campaign_invitations(campaign).order_by("pk")

    def rows():
        zone = _zone()

        def when(value):
            return value.astimezone(zone).replace(tzinfo=None) if value is not None else None

        for row in queryset.values_list(*fields).iterator(chunk_size=CHUNK_SIZE):
            if anonymous:
                (
                    pk,
                    region,
                    age,
                    locale,
                    status,
                    sent,
                    bounced,
                    opened,
                    human,
                    opens,
                    clicked,
                    clicks,
                    responded,
                    unsubscribed,
                ) = row
                head = [pk]
            else:
                (
                    pk,
                    email,
                    region,
                    age,
                    locale,
                    status,
                    sent,
                    bounced,
                    opened,
                    human,
                    opens,
                    clicked,
                    clicks,
                    responded,
                    unsubscribed,
                ) = row
                head = [pk, email]
            yield head + [
                regions.get(region, region),
                ages.get(age, age),
                locales.get(locale, locale),
                statuses.get(status, status),
                when(sent),
                when(bounced),
                when(opened),
                when(human),
                opens,
                when(clicked),
                clicks,
                when(responded),
                when(unsubscribed),
            ]

    return Table("invitations", _("Invitations"), header, queryset.count, rows)


def response_columns(survey):
    """[(header, question id, row id or None, choice id or None)] of the responses table: one column per
    question, per matrix row, per ranked choice, in survey order."""
    from surveys.models import Question

    K = Question.Kind
    columns = []
    for question in Question.objects.filter(survey=survey).exclude(kind=K.DISPLAY).prefetch_related("choices", "rows"):
        if question.kind == K.MATRIX:
            columns += [(f"{question.code}[{row.code}]", question.pk, row.pk, None) for row in question.rows.all()]
        elif question.kind == K.RANKING:
            columns += [
                (f"{question.code}[{choice.code}]", question.pk, None, choice.pk) for choice in question.choices.all()
            ]
        else:
            columns.append((question.code, question.pk, None, None))
    return columns


def responses_table(survey, *, identities=True):
    """Submitted responses, one row each; values: choice codes (several joined by " | ", the "other" text
    after them), numbers, dates, texts, "oui"/"non", ranks for a ranking."""
    from surveys.models import Answer, Choice, Question, Response

    K = Question.Kind
    anonymous = survey.anonymous or not identities
    columns = response_columns(survey)
    position = {}
    for index, (_header, question, row, choice) in enumerate(columns):
        position[(question, row, choice)] = index
    kinds = dict(Question.objects.filter(survey=survey).values_list("pk", "kind"))
    choice_codes = dict(Choice.objects.filter(question__survey=survey).values_list("pk", "code"))
    lead = [_("N°")] if anonymous else [_("Réponse"), _("Envoyée le"), _("Adresse e-mail")]
    header = lead + [column[0] for column in columns]
    responses = Response.objects.filter(survey=survey, submitted_at__isnull=False).order_by("pk")
    answers = (
        Answer.objects.filter(response__survey=survey, response__submitted_at__isnull=False)
        .order_by("response_id", "question_id", "pk")
        .values_list("response_id", "question_id", "row_id", "choice_id", "number", "date", "text")
    )
    width = len(columns)
    yes, no = _("oui"), _("non")

    def rows():
        zone = _zone()
        pending = answers.iterator(chunk_size=CHUNK_SIZE)
        current = next(pending, None)
        fields = ["pk"] if anonymous else ["pk", "submitted_at", "invitation__ambassador__email"]
        for number, values in enumerate(responses.values_list(*fields).iterator(chunk_size=CHUNK_SIZE), start=1):
            cells = [None] * width
            while current is not None and current[0] < values[0]:  # answers of responses not submitted
                current = next(pending, None)
            while current is not None and current[0] == values[0]:
                _response, question, row, choice, amount, day, text = current
                kind = kinds[question]
                if kind == K.MATRIX:
                    cells[position[(question, row, None)]] = choice_codes.get(choice)
                elif kind == K.RANKING:
                    cells[position[(question, None, choice)]] = plain_number(amount)
                else:
                    index = position[(question, None, None)]
                    if choice is not None:
                        value = choice_codes.get(choice)
                    elif kind == K.YES_NO:
                        value = yes if amount == 1 else no
                    elif amount is not None:
                        value = plain_number(amount)
                    elif day is not None:
                        value = day
                    else:
                        value = text
                    cells[index] = value if cells[index] is None else f"{cells[index]} | {value}"
                current = next(pending, None)
            if anonymous:
                yield [number] + cells
            else:
                submitted = values[1].astimezone(zone).replace(tzinfo=None)
                yield [values[0], submitted, values[2]] + cells

    return Table("responses", _("Réponses"), header, responses.count, rows)


def ideas_table(campaign):
    from ideas.models import Idea, Moderation

    statuses = {key: str(label) for key, label in Idea.Status.choices}
    kinds = {key: str(label) for key, label in Idea.Kind.choices}
    moderations = {key: str(label) for key, label in Moderation.choices}
    queryset = Idea.objects.filter(campaign=campaign).order_by("-vote_count", "pk")
    header = [
        _("Idée"),
        _("Titre"),
        _("Catégorie"),
        _("Nature"),
        _("Statut"),
        _("Modération"),
        _("Votes"),
        _("Commentaires"),
        _("Auteur"),
        _("Fusionnée dans"),
        _("Créée le"),
    ]
    staff = _("Équipe")

    def rows():
        zone = _zone()
        for (
            pk,
            title,
            category,
            kind,
            status,
            moderation,
            votes,
            comments,
            chosen,
            first,
            last,
            staff_id,
            merged,
            created,
        ) in queryset.values_list(
            "pk",
            "title",
            "category__name_fr",
            "kind",
            "status",
            "moderation",
            "vote_count",
            "comment_count",
            "author__contributor__display_name",
            "author__first_name",
            "author__last_name",
            "author_user_id",
            "merged_into_id",
            "created_at",
        ).iterator(chunk_size=CHUNK_SIZE):
            if staff_id:
                author = staff
            elif chosen:
                author = chosen
            elif first is not None:
                author = f"{first or '—'}{f' {last[:1]}.' if last else ''}"
            else:
                author = ""
            yield [
                pk,
                title,
                category or "",
                kinds.get(kind, kind),
                statuses.get(status, status),
                moderations.get(moderation, moderation),
                votes,
                comments,
                author,
                merged,
                created.astimezone(zone).replace(tzinfo=None),
            ]

    return Table("ideas", _("Idées"), header, queryset.count, rows)


def votes_table(campaign):
    """One row per vote: the idea and when (who voted is not exported)."""
    from ideas.models import Vote

    queryset = Vote.objects.filter(idea__campaign=campaign).order_by("pk")
    header = [_("Idée"), _("Titre de l'idée"), _("Voté le")]

    def rows():
        zone = _zone()
        for idea, title, created in queryset.values_list("idea_id", "idea__title", "created_at").iterator(
            chunk_size=CHUNK_SIZE
        ):
            yield [idea, title, created.astimezone(zone).replace(tzinfo=None)]

    return Table("votes", _("Votes"), header, queryset.count, rows)


# --- the summary -------------------------------------------------------------------------------------------


def _figure(value):
    return suppressed_label() if value is None else value


def _percent(value):
    return suppressed_label() if value is None else round(100 * value, 1)


def _funnel_table(title, funnel_rows):
    keys = ["open_rate", "human_open_rate", "click_rate", "response_rate", "opt_out_rate", "bounce_rate"]
    yield [title]
    yield (
        [_("Groupe")]
        + [str(rates.STEP_LABELS[key]) for key in rates.STEP_KEYS]
        + [f"{rates.RATE_BY_KEY[key].label} (%)" for key in keys]
    )
    for row in funnel_rows:
        yield (
            [row.label]
            + [_figure(row.counts[key]) for key in rates.STEP_KEYS]
            + [_percent(row.rates[key]) for key in keys]
        )
    yield []


def summary_rows(report):
    """The summary as rows of plain values: title, funnel, rates and their definitions, breakdowns by segment,
    attribute and day, survey results, ideas."""
    campaign = report.campaign
    yield [_("Rapport de la campagne « %(title)s »") % {"title": campaign.title}]
    yield [_("État"), str(campaign.get_status_display()), _("Établi le"), local(timezone.now())]
    yield [
        _("Seuil de confidentialité"),
        _("Aucun chiffre n'est donné pour un groupe de moins de %(k)s ambassadeurs.")
        % {"k": settings.PRIVACY_THRESHOLD},
    ]
    yield []
    yield [_("Entonnoir")]
    yield [_("Étape"), _("Nombre"), _("Définition")]
    for key, label, text, _condition in rates.STEPS:
        yield [str(label), _figure(report.funnel.counts[key]), str(text)]
    yield []
    yield [_("Taux")]
    yield [_("Taux"), _("Valeur (%)"), _("Repère (%)"), _("Définition")]
    for rate in rates.RATES:
        yield [
            str(rate.label),
            _percent(report.funnel.rates[rate.key]),
            round(100 * rate.reference) if rate.reference else None,
            str(rate.definition),
        ]
    yield []
    yield from _funnel_table(_("Par segment"), report.by_segment)
    yield from _funnel_table(_("Par région"), report.by_region)
    yield from _funnel_table(_("Par tranche d'âge"), report.by_age_band)
    yield [_("Par jour")]
    yield [_("Jour")] + [str(rates.STEP_LABELS[key]) for key, _stamp in rates.DAILY]
    for day in report.days:
        yield [day["day"]] + [_figure(day[key]) for key, _stamp in rates.DAILY]
    yield []
    if report.survey is not None:
        yield [_("Questionnaire « %(title)s »") % {"title": report.survey.title_fr}]
        yield []
        for result in report.questions:
            yield from _question_rows(result)
    if report.has_board:
        yield [_("Idées les plus soutenues")]
        yield [_("Idée"), _("Titre"), _("Statut"), _("Votes"), _("Commentaires"), _("Catégorie")]
        for idea in report.ideas:
            yield [idea["id"], idea["title"], idea["status_label"], idea["votes"], idea["comments"], idea["category"]]
        yield []
        yield [_("Idées par statut")]
        for line in report.ideas_by_status:
            yield [line["label"], line["ideas"]]
        yield []
        yield [_("Votes par jour")]
        for line in report.votes_by_day:
            yield [line["day"], _figure(line["votes"])]
        yield []
        yield [_("Meilleurs contributeurs")]
        for line in report.contributors:
            yield [line["name"], line["score"]]
        yield []


def _question_rows(result):
    question = result.question
    yield [f"{question.code} — {question.text_fr}", str(question.get_kind_display())]
    if result.suppressed:
        yield [_("Répondants"), suppressed_label()]
        yield []
        return
    yield [_("Répondants"), result.respondents]
    if result.distribution:
        yield [_("Réponse"), _("Nombre"), _("Part (%)")]
        for cell in result.distribution:
            yield [cell.label, _figure(cell.count), _percent(cell.share)]
    for label, value in (
        (_("Moyenne"), result.mean),
        (_("Médiane"), result.median),
        (_("Minimum"), result.low),
        (_("Maximum"), result.high),
    ):
        if value is not None:
            yield [label, round(value, 2) if isinstance(value, float) else plain_number(value)]
    if result.top_two_box is not None:
        yield [_("Deux meilleures notes (%)"), _percent(result.top_two_box)]
    if result.nps:
        nps = result.nps
        yield [_("Promoteurs (9-10)"), _figure(nps["promoters"]), _percent(nps["promoters_share"])]
        yield [_("Passifs (7-8)"), _figure(nps["passives"]), _percent(nps["passives_share"])]
        yield [_("Détracteurs (0-6)"), _figure(nps["detractors"]), _percent(nps["detractors_share"])]
        yield [_("Score NPS"), "" if nps["score"] is None else nps["score"]]
    if result.matrix:
        yield [_("Ligne"), _("Répondants")] + list(result.matrix_columns) + [_("Moyenne")]
        for line in result.matrix:
            yield (
                [line["label"], _figure(line["respondents"])]
                + [_figure(cell.count) for cell in line["cells"]]
                + [round(line["mean"], 2) if line["mean"] is not None else ""]
            )
    if result.ranking:
        yield [_("Choix"), _("Position moyenne"), _("Classé"), _("Classé premier")]
        for line in result.ranking:
            yield [
                line["label"],
                round(line["average"], 2) if line["average"] is not None else suppressed_label(),
                _figure(line["ranked"]),
                _figure(line["first"]),
            ]
    if result.texts:
        yield [_("Réponses libres (les plus récentes)"), result.text_count]
        for text in result.texts:
            yield ["", text]
    yield []


# --- tables of a campaign ----------------------------------------------------------------------------------

TABLE_NAMES = ["summary", "invitations", "responses", "ideas", "votes"]


def may_see_identities(user):
    """Whether exports made for ``user`` may name ambassadors (their email): those who may see ambassadors."""
    return user is not None and user.has_perm("campaigns.view_ambassador")


def tables(campaign, *, identities=True):
    """{name: Table} of the campaign's data tables (the summary apart), those it has; without ``identities``
    no table names anyone."""
    from ideas.models import Board

    survey = campaign_survey(campaign)
    found = {"invitations": invitations_table(campaign, anonymous=bool(survey and survey.anonymous) or not identities)}
    if survey is not None:
        found["responses"] = responses_table(survey, identities=identities)
    if Board.objects.filter(campaign=campaign).exists():
        found["ideas"] = ideas_table(campaign)
        found["votes"] = votes_table(campaign)
    return found


def summary_table(campaign):
    report = campaign_report(campaign)
    rows = list(summary_rows(report))
    return Table("summary", _("Synthèse"), [], lambda: len(rows), lambda: iter(rows))


def table(campaign, name, *, identities=True):
    """One table of the campaign by name, or None."""
    if name == "summary":
        return summary_table(campaign)
    return tables(campaign, identities=identities).get(name)


# --- XLSX ----------------------------------------------------------------------------------------------------


def sheet_title(title, number):
    """The name of the ``number``-th sheet of a table (Excel allows 31 characters, without []:*?/\\)."""
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    suffix = f" ({number})" if number > 1 else ""
    return title[: 31 - len(suffix)] + suffix


class SheetSplitter:
    """Appends rows to a write-only sheet, and to a next one (same header) past ``row_limit`` rows per sheet,
    the header included. Text cells that could run as formulas are written as explicit, quote-prefixed strings.
    """

    def __init__(self, workbook, title, header, *, row_limit=SHEET_ROW_LIMIT):
        if row_limit < 2 and header:
            raise ValueError("row_limit must leave room for a row under the header")
        self.workbook, self.title, self.header, self.row_limit = workbook, title, header, row_limit
        self.sheets = []
        self.rows_in_sheet = 0
        self.rows = 0
        self._new_sheet()

    def _new_sheet(self):
        self.sheet = self.workbook.create_sheet(sheet_title(self.title, len(self.sheets) + 1))
        self.sheets.append(self.sheet)
        self.rows_in_sheet = 0
        if self.header:
            bold = Font(bold=True)
            cells = []
            for value in self.header:
                cell = self._cell(value)
                cell.font = bold
                cells.append(cell)
            self.sheet.append(cells)
            self.rows_in_sheet = 1

    def _cell(self, value):
        cell = WriteOnlyCell(self.sheet, value)
        if is_dangerous(value):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    def append(self, row):
        if self.rows_in_sheet >= self.row_limit:
            self._new_sheet()
        for value in row:
            if type(value) is str and value and value[0] in DANGEROUS:
                row = [self._cell(value) if is_dangerous(value) else value for value in row]
                break
        self.sheet.append(row)
        self.rows_in_sheet += 1
        self.rows += 1


def _images(sheet, pngs, column="J"):
    """The charts on the summary sheet, one under the other from ``column``1."""
    row = 1
    for png in pngs:
        image = Image(io.BytesIO(png))
        sheet.add_image(image, f"{column}{row}")
        row += int(image.height / 20) + 2  # default rows are 20 pixels high


def write_workbook(campaign, target, *, row_limit=SHEET_ROW_LIMIT, progress=None, names=None, identities=True):
    """Write the campaign's workbook to ``target`` (a path or a binary file): the summary with its charts,
    then the data tables (all, or those in ``names``). ``progress(rows_done, rows_total)`` is called as rows go.
    Returns the number of data rows written."""
    report = campaign_report(campaign)
    workbook = Workbook(write_only=True)
    summary = SheetSplitter(workbook, _("Synthèse"), [], row_limit=row_limit)
    for row in summary_rows(report):
        summary.append(row)
    _images(summary.sheets[0], report_charts(report).values())
    chosen = [
        found for name, found in tables(campaign, identities=identities).items() if names is None or name in names
    ]
    total = sum(found.count() for found in chosen)
    done = 0
    if progress:
        progress(done, total)
    for found in chosen:
        splitter = SheetSplitter(workbook, found.title, found.header, row_limit=row_limit)
        for row in found.rows():
            splitter.append(row)
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, max(total, done))
    workbook.save(target)
    if progress:
        progress(done, done)
    return done


# --- CSV -------------------------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _csv_value(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return csv_safe(value)


def csv_lines(found):
    """The CSV text of a table, line by line (UTF-8 with a byte-order mark for Excel, once)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    if found.header:
        yield writer.writerow([csv_safe(value) for value in found.header])
    for row in found.rows():
        yield writer.writerow([_csv_value(value) for value in row])


def write_csv(found, target, *, progress=None):
    """Write a table as CSV to ``target`` (a path); returns the number of rows."""
    rows = 0
    total = found.count()
    with open(target, "w", encoding="utf-8", newline="") as handle:
        for number, line in enumerate(csv_lines(found)):
            handle.write(line)
            rows = number
            if progress and number and number % PROGRESS_EVERY == 0:
                progress(number, max(total, number))
    rows = max(0, rows - (1 if found.header else 0))
    if progress:
        progress(rows, rows)
    return rows
