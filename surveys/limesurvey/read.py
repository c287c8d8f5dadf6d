"""Reading a LimeSurvey structure export (.lss) safely: its bytes (size limit), its XML (no DTD, no entities,
no external references), its tables as rows, and the survey, groups, questions, answers and attributes they
hold, in both layouts: LimeSurvey 4 and later (texts in ``*_l10ns`` tables, subquestions in ``subquestions``)
and LimeSurvey 2 and 3 (texts inline in rows carrying a ``language``, one row per language, subquestions in
``subquestions`` or as ``questions`` rows whose ``parent_qid`` is not 0)."""

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024
MESSAGE_MAX_CHARS = 1000


def max_file_bytes():
    return settings.LIMESURVEY_MAX_FILE_MB * MB


class LimeSurveyError(Exception):
    """The file cannot be imported; the message says what is wrong and where. ``field`` is the form field the
    problem belongs to ("file" or "campaign")."""

    def __init__(self, message, *, field="file"):
        if len(str(message)) > MESSAGE_MAX_CHARS:  # a value quoted from the file never makes a long message
            message = f"{str(message)[: MESSAGE_MAX_CHARS - 1]}…"
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)


def file_bytes(source):
    """The bytes of ``source``: a path, XML text (a string starting with "<"), bytes, or an open/uploaded file."""
    limit = max_file_bytes()
    too_big = _(
        "Le fichier dépasse %(size)s Mo (LIMESURVEY_MAX_FILE_MB) : un export LimeSurvey est bien plus petit."
    ) % {"size": settings.LIMESURVEY_MAX_FILE_MB}
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, str) and source.lstrip().startswith("<"):
        data = source.encode("utf-8")
    elif isinstance(source, (str, Path)):
        path = Path(source)
        try:
            if path.stat().st_size > limit:
                raise LimeSurveyError(too_big)
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
        except FileNotFoundError:
            raise LimeSurveyError(_("Fichier introuvable : %(path)s.") % {"path": path}) from None
        except OSError as exc:
            raise LimeSurveyError(
                _("Fichier %(path)s illisible : %(error)s.") % {"path": path, "error": exc.strerror or exc}
            ) from None
    else:
        if getattr(source, "size", None) and source.size > limit:
            raise LimeSurveyError(too_big)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > limit:
        raise LimeSurveyError(too_big)
    if not data.strip():
        raise LimeSurveyError(_("Le fichier est vide."))
    return data


class _TooMany(Exception):
    pass


class _Stop(Exception):
    pass


def elements_check(data):
    """Count the document's elements with expat before any tree is built (each parsed element costs memory):
    LimeSurveyError past LIMESURVEY_MAX_ELEMENTS. A DTD or broken XML stops the count: ``parse_xml`` says why."""
    limit, count = settings.LIMESURVEY_MAX_ELEMENTS, 0

    def start(*_args):
        nonlocal count
        count += 1
        if count > limit:
            raise _TooMany

    def doctype(*_args):
        raise _Stop

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.StartDoctypeDeclHandler = start, doctype
    try:
        parser.Parse(data, True)
    except _TooMany:
        raise LimeSurveyError(
            _(
                "Le fichier contient plus de %(limit)s éléments XML (LIMESURVEY_MAX_ELEMENTS) : un export "
                "LimeSurvey, même d'un long questionnaire, en a bien moins."
            )
            % {"limit": f"{limit:,}".replace(",", " ")}
        ) from None
    except (_Stop, expat.ExpatError):
        return


def parse_xml(data):
    elements_check(data)
    try:
        return SafeElementTree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden):
        raise LimeSurveyError(
            _(
                "Le fichier déclare une DTD ou des entités XML (<!DOCTYPE …>, <!ENTITY …>) : refusé par sécurité. "
                "Un export LimeSurvey n'en contient jamais."
            )
        ) from None
    except ExternalReferenceForbidden:
        raise LimeSurveyError(
            _("Le fichier fait référence à une ressource externe (entité ou DTD externe) : refusé par sécurité.")
        ) from None
    except DefusedXmlException as exc:
        raise LimeSurveyError(_("Construction XML refusée par sécurité : %(error)s.") % {"error": exc}) from None
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(": line")[0]
        raise LimeSurveyError(
            _("XML illisible, ligne %(line)s, colonne %(column)s : %(reason)s.")
            % {"line": line, "column": column, "reason": reason}
        ) from None


@dataclass
class Row:
    table: str
    index: int
    values: dict

    def get(self, name):
        return (self.values.get(name) or "").strip()

    def text(self, name):
        return self.values.get(name) or ""

    def where(self):
        ids = [
            f"{key} {self.values[key].strip()}"
            for key in ("qid", "gid", "aid", "id")
            if (self.values.get(key) or "").strip()
        ]
        where = _("élément <%(table)s>, ligne %(index)s") % {"table": self.table, "index": self.index}
        return f"{where} ({ids[0]})" if ids else where

    def number(self, name, default=0):
        value = self.get(name)
        if value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise LimeSurveyError(
                _("%(where)s : « %(value)s » n'est pas un nombre entier (champ %(field)s).")
                % {"where": self.where(), "value": value[:40], "field": name}
            ) from None


def table(root, name):
    element = root.find(name)
    if element is None:
        return []
    rows = element.find("rows")
    if rows is None:
        return []
    found = []
    for index, row in enumerate(rows.findall("row"), start=1):
        values = {}
        for cell in row:
            if len(cell):
                raise LimeSurveyError(
                    _(
                        "élément <%(table)s>, ligne %(index)s : le champ <%(field)s> contient des "
                        "éléments au lieu d'un texte."
                    )
                    % {"table": name, "index": index, "field": cell.tag}
                )
            values[cell.tag] = cell.text or ""
        found.append(Row(name, index, values))
    return found


def _language_for(languages, prefix):
    exact = [language for language in languages if language.lower() == prefix]
    if exact:
        return exact[0]
    return next((language for language in languages if re.match(rf"{prefix}([-_].*)?$", language, re.IGNORECASE)), None)


class Export:
    """The tables of an export read into records: the survey's languages and texts, its groups, questions
    (with their subquestions), answers and question attributes. ``read()`` raises LimeSurveyError when the
    file is not a LimeSurvey survey."""

    def __init__(self, root):
        self.root = root

    def read(self):
        self._read_survey_row()
        self.db_version = (self.root.findtext("DBVersion") or "").strip()
        self._read_languages()
        self._read_survey_texts()
        self._read_groups()
        self._read_questions()
        self._read_answers()
        self._read_attributes()
        self.children_of, self.answers_of, self.questions_of = {}, {}, {}
        for record in self.questions.values():
            if record["parent"]:
                self.children_of.setdefault((record["parent"], record["scale"]), []).append(record)
            else:
                self.questions_of.setdefault(record["gid"], []).append(record)
        for answer in self.answers:
            self.answers_of.setdefault((answer["qid"], answer["scale"]), []).append(answer)

    def _read_survey_row(self):
        """The row of the survey, once the document is known to be a LimeSurvey survey."""
        root = self.root
        if root.tag != "document":
            raise LimeSurveyError(
                _("Ce n'est pas un export LimeSurvey : l'élément racine est <%(tag)s> au lieu de <document>.")
                % {"tag": root.tag}
            )
        doc_type = (root.findtext("LimeSurveyDocType") or "").strip()
        if doc_type != "Survey":
            if doc_type:
                raise LimeSurveyError(
                    _(
                        "Ce fichier est un export LimeSurvey de type « %(type)s » : importez "
                        "l'export d'un questionnaire entier (.lss)."
                    )
                    % {"type": doc_type[:40]}
                )
            raise LimeSurveyError(
                _("Ce n'est pas un export de questionnaire LimeSurvey : l'élément <LimeSurveyDocType> manque.")
            )
        surveys = table(root, "surveys")
        if not surveys:
            raise LimeSurveyError(
                _("L'élément <surveys> manque ou est vide : le fichier ne décrit aucun questionnaire.")
            )
        self.survey_row = surveys[0]
        self.sid = self.survey_row.get("sid")
        if not self.sid:
            raise LimeSurveyError(
                _("%(where)s : le numéro du questionnaire (sid) manque.") % {"where": self.survey_row.where()}
            )

    def _read_languages(self):
        listed = [(element.text or "").strip() for element in self.root.findall("languages/language")]
        base = self.survey_row.get("language") or next((language for language in listed if language), "")
        languages = []
        for language in [base, *self.survey_row.get("additional_languages").split(), *listed]:
            if language and language not in languages:
                languages.append(language)
        if not languages:
            raise LimeSurveyError(
                _("%(where)s : la langue du questionnaire (language) manque.") % {"where": self.survey_row.where()}
            )
        self.languages = languages
        self.base = base or languages[0]
        self.fr = _language_for(languages, "fr")
        self.en = _language_for(languages, "en")
        self.french_from = self.fr or self.base

    def _read_survey_texts(self):
        self.survey_texts = {}
        for row in table(self.root, "surveys_languagesettings"):
            self.survey_texts.setdefault(
                row.get("surveyls_language"),
                {
                    "title": row.text("surveyls_title"),
                    "description": row.text("surveyls_description"),
                    "welcome": row.text("surveyls_welcometext"),
                    "end": row.text("surveyls_endtext"),
                },
            )

    def _read_groups(self):
        self.groups = {}
        for row in table(self.root, "groups"):
            gid = row.number("gid")
            group = self.groups.setdefault(
                gid, {"gid": gid, "order": row.number("group_order"), "relevance": row.get("grelevance"), "texts": {}}
            )
            if "group_name" in row.values:
                group["texts"].setdefault(
                    row.get("language") or self.base,
                    {"name": row.text("group_name"), "description": row.text("description")},
                )
        for row in table(self.root, "group_l10ns"):
            group = self.groups.get(row.number("gid"))
            if group is not None:
                group["texts"][row.get("language") or self.base] = {
                    "name": row.text("group_name"),
                    "description": row.text("description"),
                }
                if not group["relevance"]:
                    group["relevance"] = row.get("grelevance")

    def _read_questions(self):
        self.questions = {}
        for row in [*table(self.root, "questions"), *table(self.root, "subquestions")]:
            qid = row.number("qid")
            record = self.questions.setdefault(
                qid,
                {
                    "qid": qid,
                    "parent": row.number("parent_qid"),
                    "gid": row.number("gid"),
                    "type": row.get("type"),
                    "title": row.get("title"),
                    "other": row.get("other"),
                    "mandatory": row.get("mandatory"),
                    "order": row.number("question_order"),
                    "scale": row.number("scale_id"),
                    "relevance": row.get("relevance"),
                    "preg": row.get("preg"),
                    "texts": {},
                },
            )
            if "question" in row.values:
                record["texts"].setdefault(
                    row.get("language") or self.base,
                    {"question": row.text("question"), "help": row.text("help"), "script": row.text("script")},
                )
        for row in table(self.root, "question_l10ns"):
            record = self.questions.get(row.number("qid"))
            if record is not None:
                record["texts"][row.get("language") or self.base] = {
                    "question": row.text("question"),
                    "help": row.text("help"),
                    "script": row.text("script"),
                }

    def _read_answers(self):
        """Answers in file order; one per ``aid`` (LimeSurvey 4+) or per question, scale and code (older layout,
        one row per language)."""
        self.answers = []
        by_identity = {}
        for row in table(self.root, "answers"):
            qid, scale, code = row.number("qid"), row.number("scale_id"), row.get("code")
            identity = ("aid", row.number("aid")) if row.get("aid") else (qid, scale, code)
            answer = by_identity.get(identity)
            if answer is None:
                answer = {"qid": qid, "scale": scale, "code": code, "order": row.number("sortorder"), "texts": {}}
                by_identity[identity] = answer
                self.answers.append(answer)
            if "answer" in row.values:
                answer["texts"].setdefault(row.get("language") or self.base, {"answer": row.text("answer")})
        for row in table(self.root, "answer_l10ns"):
            answer = by_identity.get(("aid", row.number("aid")))
            if answer is not None:
                answer["texts"][row.get("language") or self.base] = {"answer": row.text("answer")}

    def _read_attributes(self):
        self.attributes = {}
        for row in table(self.root, "question_attributes"):
            values = self.attributes.setdefault(row.number("qid"), {})
            name, value = row.get("attribute"), row.get("value")
            if value or name not in values:
                values[name] = value
