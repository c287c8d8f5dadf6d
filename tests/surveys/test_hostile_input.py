"""Hostile LimeSurvey files (hypothesis): a clear LimeSurveyError and nothing written, or a whole survey."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.limesurvey import LimeSurveyError, survey_import
from surveys.models import Question, Survey

pytestmark = pytest.mark.django_db

FRAGMENTS = st.sampled_from(
    [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<document>",
        "</document>",
        "<LimeSurveyDocType>Survey</LimeSurveyDocType>",
        "<questions><rows><row><qid>1</qid><type>L</type><title>q1</title><question>Q?</question></row></rows></questions>",
        "<groups><rows><row><gid>1</gid><group_name>G</group_name></row></rows></groups>",
        '<!DOCTYPE d [<!ENTITY e "x">]>',
        "&e;",
        "<surveys_languagesettings>",
        "<![CDATA[<script>]]>",
        "\x00",
        "é",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    source=st.one_of(
        st.binary(max_size=300), st.lists(FRAGMENTS, max_size=10).map(lambda parts: "".join(parts).encode())
    )
)
def test_any_file_is_imported_whole_or_refused_with_nothing_written(source):
    surveys, questions = Survey.objects.count(), Question.objects.count()
    try:
        survey, _report = survey_import(source)
    except LimeSurveyError as error:
        assert str(error)
        assert (Survey.objects.count(), Question.objects.count()) == (surveys, questions)
    else:
        assert Survey.objects.count() == surveys + 1 and survey.pk
