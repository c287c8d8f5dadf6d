"""LimeSurvey structure exports (.lss) turned into a Survey, in steps: ``read`` the file safely (size limit,
no DTD, no entities) into its records, clean their ``html`` into text, build a neutral ``plan`` of pages,
questions, choices and rows with a report of what maps onto our question types and what does not (each type
maps the LimeSurvey types it takes: ``surveys.types``), then ``write`` the whole plan in one transaction.
Nothing is dropped silently: what is not imported is a line of the report."""

from surveys.limesurvey.html import text_from_html
from surveys.limesurvey.plan import survey_plan
from surveys.limesurvey.read import LimeSurveyError, max_file_bytes
from surveys.limesurvey.write import campaign_problem, survey_import

__all__ = ["LimeSurveyError", "campaign_problem", "max_file_bytes", "survey_import", "survey_plan", "text_from_html"]
