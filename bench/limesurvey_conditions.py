#!/usr/bin/env python
"""How much of the LimeSurvey exports' logic comes across: per file, the conditions translated into our language
and those that are not (``report["conditions"]`` of ``surveys.limesurvey.survey_plan``), and the corpus total.

    .venv/bin/python bench/limesurvey_conditions.py [FOLDER]   (default: ../shared/peers/limesurvey/)

Plans only (nothing is written to a database). A condition is a page's, a question's (its relevance, or its
old-format conditions), a subquestion's relevance, or a question's array filter; the conditions of questions
that are not imported are not counted. Goal: over 90 % translated across the corpus.

The last line is one JSON object: translated, not_translated, share, and per file."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from surveys.limesurvey import LimeSurveyError, survey_plan  # noqa: E402
from tests.surveys.peers import PEERS  # noqa: E402


def main():
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else PEERS
    per_file, translated, lost = {}, 0, 0
    for path in sorted(folder.glob("*.lss")):
        try:
            counts = survey_plan(path).report["conditions"]
        except LimeSurveyError as exc:
            print(f"{path.name:62} refused: {exc}")
            continue
        per_file[path.name] = counts
        translated += counts["translated"]
        lost += counts["not_translated"]
        print(f"{path.name:62} {counts['translated']:5} translated {counts['not_translated']:5} not")
    share = translated / (translated + lost) if translated + lost else 1.0
    print(f"{'total':62} {translated:5} translated {lost:5} not ({share:.1%})")
    print(json.dumps({"translated": translated, "not_translated": lost, "share": round(share, 4), "files": per_file}))


if __name__ == "__main__":
    main()
