"""The survey answers of one ambassador, for their data export (``campaigns.personal_data``). Erasure keeps them:
they stay attached to the erased, blank ambassador; the files they sent are deleted (``surveys.files``)."""

from campaigns.audience.personal_data import iso
from surveys.models import Answer, Response
from surveys.types.file_upload import shown_name


def survey_answers_export(ambassador):
    """[{campaign, survey, started_at, submitted_at, answers: [{question, row, choice, number, date, text}]}]."""
    responses = list(
        Response.objects.filter(invitation__ambassador=ambassador)
        .select_related("survey", "invitation__campaign")
        .order_by("pk")
    )
    answers = {}
    for answer in (
        Answer.objects.filter(response__in=responses)
        .select_related("question", "row", "choice")
        .order_by("response_id", "question__sort_order", "pk")
    ):
        answers.setdefault(answer.response_id, []).append(
            {
                "question": answer.question.text_fr,
                "row": answer.row.label_fr if answer.row else None,
                "choice": answer.choice.label_fr if answer.choice else None,
                "number": str(answer.number) if answer.number is not None else None,
                "date": iso(answer.date),
                "text": answer.text,
            }
        )
    return [
        {
            "campaign": response.invitation.campaign.title,
            "survey": response.survey.title_fr,
            "started_at": iso(response.started_at),
            "submitted_at": iso(response.submitted_at),
            "answers": answers.get(response.pk, []),
        }
        for response in responses
    ]


def survey_files_export(ambassador):
    """[{survey, question, file}] of the files the ambassador sent (their names; the files are theirs to ask
    for)."""
    answers = (
        Answer.objects.filter(response__invitation__ambassador=ambassador, question__kind="file_upload")
        .exclude(text="")
        .select_related("question", "response__survey")
        .order_by("pk")
    )
    return [
        {"survey": answer.response.survey.title_fr, "question": answer.question.code, "file": shown_name(answer.text)}
        for answer in answers
    ]
