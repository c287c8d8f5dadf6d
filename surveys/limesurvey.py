"""LimeSurvey structure exports (.lss) turned into a Survey.

Three steps: read the file safely (size limit, no DTD, no entities), build a neutral plan of pages, questions,
choices and rows together with a report of what maps onto our question kinds and what does not, then write the
whole plan in one transaction. Nothing is dropped silently: what is not imported is a line of the report.

Both layouts are read: LimeSurvey 4 and later (texts in ``*_l10ns`` tables, subquestions in ``subquestions``) and
LimeSurvey 2 and 3 (texts inline in ``groups``/``questions``/``answers`` rows carrying a ``language``, one row per
language, subquestions in ``subquestions`` or as ``questions`` rows whose ``parent_qid`` is not 0)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeElementTree
from django.db import IntegrityError, transaction
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign
from surveys.models import Choice, MatrixRow, Question, Section, Survey

MAX_FILE_BYTES = 20 * 1024 * 1024
K = Question.Kind

TYPE_NAMES = {
    "L": gettext_lazy("liste"),
    "!": gettext_lazy("liste déroulante"),
    "O": gettext_lazy("liste avec commentaire"),
    "M": gettext_lazy("choix multiple"),
    "P": gettext_lazy("choix multiple avec commentaires"),
    "F": gettext_lazy("tableau"),
    "H": gettext_lazy("tableau par colonne"),
    "A": gettext_lazy("tableau à 5 points"),
    "B": gettext_lazy("tableau à 10 points"),
    "C": gettext_lazy("tableau oui / incertain / non"),
    "E": gettext_lazy("tableau augmente / identique / diminue"),
    "1": gettext_lazy("tableau à double échelle"),
    ":": gettext_lazy("tableau de nombres"),
    ";": gettext_lazy("tableau de textes"),
    "N": gettext_lazy("nombre"),
    "K": gettext_lazy("nombres multiples"),
    "S": gettext_lazy("texte court"),
    "T": gettext_lazy("texte long"),
    "U": gettext_lazy("texte très long"),
    "Q": gettext_lazy("textes courts multiples"),
    "R": gettext_lazy("classement"),
    "Y": gettext_lazy("oui / non"),
    "G": gettext_lazy("genre"),
    "5": gettext_lazy("choix à 5 points"),
    "D": gettext_lazy("date"),
    "X": gettext_lazy("texte affiché"),
    "|": gettext_lazy("envoi de fichier"),
    "*": gettext_lazy("équation"),
    "I": gettext_lazy("choix de la langue"),
}

# Question attributes that change what the respondent sees or may answer, which our questions do not hold:
# reported when set, so nobody believes they came across.
ATTRIBUTE_NOTES = {
    "array_filter": gettext_lazy("filtre de tableau"),
    "array_filter_exclude": gettext_lazy("filtre de tableau (exclusion)"),
    "em_validation_q": gettext_lazy("validation de la question"),
    "em_validation_sq": gettext_lazy("validation des sous-questions"),
    "exclude_all_others": gettext_lazy("option exclusive"),
    "equals_num_value": gettext_lazy("somme imposée"),
    "min_num_value": gettext_lazy("somme minimale"),
    "max_num_value": gettext_lazy("somme maximale"),
    "time_limit": gettext_lazy("limite de temps"),
    "random_group": gettext_lazy("groupe d'ordre aléatoire"),
    "prefix": gettext_lazy("préfixe"),
    "suffix": gettext_lazy("suffixe"),
    "max_subquestions": gettext_lazy("nombre maximum de rangs"),
    "maximum_chars": gettext_lazy("nombre maximum de caractères"),
    "date_min": gettext_lazy("date minimale"),
    "date_max": gettext_lazy("date maximale"),
}
UNSET = {"", "0", "N"}

# Fixed answer scales of some LimeSurvey types: (code, French, English).
GENDER = [("F", "Femme", "Female"), ("M", "Homme", "Male")]
YES_UNCERTAIN_NO = [("Y", "Oui", "Yes"), ("U", "Incertain", "Uncertain"), ("N", "Non", "No")]
INCREASE_SAME_DECREASE = [("I", "Augmente", "Increase"), ("S", "Identique", "Same"), ("D", "Diminue", "Decrease")]


def _points(count):
    return [(str(point), str(point), str(point)) for point in range(1, count + 1)]


class LimeSurveyError(Exception):
    """The file cannot be imported; the message says what is wrong and where. ``field`` is the form field the
    problem belongs to ("file" or "campaign")."""

    def __init__(self, message, *, field="file"):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return str(self.message)


# --- plan --------------------------------------------------------------------------------------------------


@dataclass
class PlannedQuestion:
    code: str
    kind: str
    text_fr: str
    text_en: str = ""
    help_fr: str = ""
    help_en: str = ""
    required: bool = False
    dropdown: bool = False
    allow_other: bool = False
    randomize: bool = False
    min_choices: int | None = None
    max_choices: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    points: int | None = None
    choices: list = field(default_factory=list)  # (code, label_fr, label_en)
    rows: list = field(default_factory=list)  # (code, label_fr, label_en)


@dataclass
class PlannedSection:
    title_fr: str
    title_en: str = ""
    intro_fr: str = ""
    intro_en: str = ""
    questions: list = field(default_factory=list)


@dataclass
class Plan:
    sid: str
    title_fr: str
    title_en: str = ""
    concept_fr: str = ""
    concept_en: str = ""
    thank_you_fr: str = ""
    thank_you_en: str = ""
    anonymous: bool = False
    sections: list = field(default_factory=list)
    report: dict = field(default_factory=dict)


# --- reading the file --------------------------------------------------------------------------------------


def _read(source):
    """The bytes of ``source``: a path, XML text (a string starting with "<"), bytes, or an open/uploaded file."""
    too_big = _("Le fichier dépasse %(size)s Mo : un export LimeSurvey est bien plus petit.") % {
        "size": MAX_FILE_BYTES // (1024 * 1024)
    }
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, str) and source.lstrip().startswith("<"):
        data = source.encode("utf-8")
    elif isinstance(source, (str, Path)):
        path = Path(source)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise LimeSurveyError(too_big)
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            raise LimeSurveyError(_("Fichier introuvable : %(path)s.") % {"path": path}) from None
        except OSError as exc:
            raise LimeSurveyError(
                _("Fichier %(path)s illisible : %(error)s.") % {"path": path, "error": exc.strerror or exc}
            ) from None
    else:
        if getattr(source, "size", None) and source.size > MAX_FILE_BYTES:
            raise LimeSurveyError(too_big)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(MAX_FILE_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise LimeSurveyError(too_big)
    if not data.strip():
        raise LimeSurveyError(_("Le fichier est vide."))
    return data


def _parse_xml(data):
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


def _table(root, name):
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


# --- HTML to plain text ------------------------------------------------------------------------------------

BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "dl",
    "dt",
    "dd",
    "pre",
    "figure",
    "figcaption",
}
SCRIPT_TAGS = {"script"}
DROPPED_TAGS = {
    "script",
    "style",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "video",
    "audio",
    "canvas",
    "noscript",
    "head",
    "title",
}
MEDIA_TAGS = {"img", "iframe", "object", "embed", "svg", "video", "audio", "canvas"}
VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!]")
DANGEROUS = re.compile(r"<\s*/?\s*(script|style|iframe|object|embed|svg|template)\b", re.IGNORECASE)


class _TextExtractor(HTMLParser):
    def __init__(self, keep_newlines):
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.parts = []
        self.dropping = []
        self.removed = set()

    def handle_starttag(self, tag, attrs):
        if tag in MEDIA_TAGS:
            self.removed.add("media")
        if tag in SCRIPT_TAGS or any(name.lower().startswith("on") for name, _value in attrs):
            self.removed.add("script")
        if any((value or "").strip().lower().startswith("javascript:") for _name, value in attrs):
            self.removed.add("script")
        if tag in DROPPED_TAGS and tag not in VOID_TAGS:
            self.dropping.append(tag)
        elif tag in BLOCK_TAGS and not self.dropping:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or tag == "li":
            return
        if self.dropping:
            if tag in self.dropping:
                while self.dropping and self.dropping.pop() != tag:
                    pass
            return
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data if self.keep_newlines else re.sub(r"\s+", " ", data))

    def handle_comment(self, data):
        pass


def _extract(markup, keep_newlines):
    extractor = _TextExtractor(keep_newlines=keep_newlines)
    extractor.feed(markup)
    extractor.close()
    return "".join(extractor.parts), extractor.removed


def text_from_html(markup):
    """``(text, removed)``: LimeSurvey HTML as plain text (scripts, styles and media dropped with their content,
    tags stripped, entities unescaped, paragraphs and line breaks kept), and what was removed ("script",
    "media"). Escaped markup that unescapes into a script is sanitised again."""
    text, removed = markup or "", set()
    if "<" not in text and "&" not in text:
        return _tidy(text), removed
    for round_ in range(5):
        # Newlines are line breaks in text typed without markup, and in what a first pass already produced.
        text, found = _extract(text, keep_newlines=round_ > 0 or not TAG.search(text))
        removed |= found
        if not DANGEROUS.search(text):
            break
    else:
        text = text.replace("<", "‹").replace(">", "›")
        removed.add("script")
    return _tidy(text), removed


def _tidy(text):
    """Spaces collapsed in each line, at most one blank line in a row, nothing around."""
    lines = [re.sub(r"[ \t\f\v\u00a0]+", " ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    kept = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def _one_line(text):
    return " ".join(text.split())


def _rich_text(text):
    """Plain text as the paragraphs of a Wagtail rich text field (escaped)."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join("<p>" + "<br/>".join(escape(line) for line in part.split("\n")) + "</p>" for part in paragraphs)


def _short(text, limit=80):
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _code(value, fallback):
    code = re.sub(r"[^A-Za-z0-9_-]", "_", (value or "").strip())
    return code or fallback


# --- building the plan -------------------------------------------------------------------------------------


def _language_for(languages, prefix):
    exact = [language for language in languages if language.lower() == prefix]
    if exact:
        return exact[0]
    return next((language for language in languages if re.match(rf"{prefix}([-_].*)?$", language, re.IGNORECASE)), None)


class _Planner:
    def __init__(self, root):
        self.root = root
        self.mapped = []
        self.not_mapped = []

    # report

    def done(self, line):
        if line not in self.mapped:
            self.mapped.append(line)

    def missed(self, line):
        if line not in self.not_mapped:
            self.not_mapped.append(line)

    # reading the tables

    def read(self):
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
        surveys = _table(root, "surveys")
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
        self.db_version = (root.findtext("DBVersion") or "").strip()
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
        for row in _table(self.root, "surveys_languagesettings"):
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
        for row in _table(self.root, "groups"):
            gid = row.number("gid")
            group = self.groups.setdefault(
                gid, {"gid": gid, "order": row.number("group_order"), "relevance": row.get("grelevance"), "texts": {}}
            )
            if "group_name" in row.values:
                group["texts"].setdefault(
                    row.get("language") or self.base,
                    {"name": row.text("group_name"), "description": row.text("description")},
                )
        for row in _table(self.root, "group_l10ns"):
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
        for row in [*_table(self.root, "questions"), *_table(self.root, "subquestions")]:
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
        for row in _table(self.root, "question_l10ns"):
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
        for row in _table(self.root, "answers"):
            qid, scale, code = row.number("qid"), row.number("scale_id"), row.get("code")
            identity = ("aid", row.number("aid")) if row.get("aid") else (qid, scale, code)
            answer = by_identity.get(identity)
            if answer is None:
                answer = {"qid": qid, "scale": scale, "code": code, "order": row.number("sortorder"), "texts": {}}
                by_identity[identity] = answer
                self.answers.append(answer)
            if "answer" in row.values:
                answer["texts"].setdefault(row.get("language") or self.base, {"answer": row.text("answer")})
        for row in _table(self.root, "answer_l10ns"):
            answer = by_identity.get(("aid", row.number("aid")))
            if answer is not None:
                answer["texts"][row.get("language") or self.base] = {"answer": row.text("answer")}

    def _read_attributes(self):
        self.attributes = {}
        for row in _table(self.root, "question_attributes"):
            values = self.attributes.setdefault(row.number("qid"), {})
            name, value = row.get("attribute"), row.get("value")
            if value or name not in values:
                values[name] = value

    # texts

    def pair(self, texts, name, where, what, *, single_line=False, fallback="", limit=None):
        """``(French, English)`` plain texts of ``texts[language][name]``, sanitised, reported."""

        def raw(language):
            return (texts.get(language) or {}).get(name) or "" if language else ""

        def clean(language):
            text, removed = text_from_html(raw(language))
            if "script" in removed:
                self.missed(
                    _("%(where)s, %(what)s (%(language)s) : script supprimé du texte.")
                    % {"where": where, "what": what, "language": language}
                )
            if "media" in removed:
                self.missed(
                    _("%(where)s, %(what)s (%(language)s) : image ou média supprimé, seul le texte est gardé.")
                    % {"where": where, "what": what, "language": language}
                )
            return _one_line(text) if single_line else text

        french = clean(self.french_from)
        english = clean(self.en) if self.en else ""
        if not french and fallback is not None:
            other = next(
                (
                    language
                    for language in [self.base, *self.languages]
                    if language != self.french_from and raw(language).strip()
                ),
                None,
            )
            if other is not None and clean(other):
                french = clean(other)
                self.missed(
                    _("%(where)s, %(what)s : pas de texte en %(language)s, texte %(other)s utilisé, à traduire.")
                    % {"where": where, "what": what, "language": self.french_from, "other": other}
                )
            elif fallback:
                french = fallback
        if re.search(r"\{[^{}\s][^{}]*\}", french + english):
            self.missed(
                _("%(where)s, %(what)s : contient des expressions LimeSurvey ({…}), laissées telles quelles.")
                % {"where": where, "what": what}
            )
        if limit:
            french, english = self.fit(french, limit, where, what), self.fit(english, limit, where, what)
        return french, english

    def fit(self, text, limit, where, what):
        if len(text) <= limit:
            return text
        self.missed(
            _("%(where)s, %(what)s : tronqué à %(limit)s caractères.") % {"where": where, "what": what, "limit": limit}
        )
        return text[: limit - 1] + "…"

    # the plan

    def plan(self):
        self.read()
        self._report_languages()
        texts = self.survey_texts
        where = _("Questionnaire")
        title_fr, title_en = self.pair(
            texts, "title", where, _("titre"), single_line=True, fallback=f"LimeSurvey {self.sid}", limit=200
        )
        description = self.pair(texts, "description", where, _("description"), fallback=None)
        welcome = self.pair(texts, "welcome", where, _("texte d'accueil"), fallback=None)
        end = self.pair(texts, "end", where, _("texte de fin"), fallback=None)
        plan = Plan(
            sid=self.sid,
            title_fr=title_fr,
            title_en=title_en,
            concept_fr=_rich_text("\n\n".join(part for part in (description[0], welcome[0]) if part)),
            concept_en=_rich_text("\n\n".join(part for part in (description[1], welcome[1]) if part)),
            thank_you_fr=end[0],
            thank_you_en=end[1],
            anonymous=self.survey_row.get("anonymized") == "Y",
        )
        self.done(_("Questionnaire « %(title)s » → titre du questionnaire.") % {"title": _short(title_fr)})
        if plan.concept_fr:
            self.done(_("Description et texte d'accueil → concept présenté."))
        if plan.thank_you_fr:
            self.done(_("Texte de fin → message de remerciement."))
        if plan.anonymous:
            self.done(_("Réponses anonymes dans LimeSurvey → questionnaire anonyme."))
        self.codes = set()
        self._plan_sections(plan)
        self._report_survey_extras()
        plan.report = {
            "source": f"LimeSurvey {self.sid}",
            "db_version": self.db_version,
            "languages": self.languages,
            "mapped": self.mapped,
            "not_mapped": self.not_mapped,
            "counts": {
                "sections": len(plan.sections),
                "questions": sum(len(section.questions) for section in plan.sections),
                "choices": sum(len(question.choices) for section in plan.sections for question in section.questions),
                "rows": sum(len(question.rows) for section in plan.sections for question in section.questions),
            },
        }
        return plan

    def _report_languages(self):
        if self.fr:
            self.done(_("Langue %(language)s → textes en français.") % {"language": self.fr})
        else:
            self.missed(
                _("Pas de texte français : texte %(language)s utilisé pour le français, à traduire.")
                % {"language": self.base}
            )
        if self.en:
            self.done(_("Langue %(language)s → textes en anglais.") % {"language": self.en})
        for language in self.languages:
            if language not in (self.fr, self.en, self.french_from):
                self.missed(
                    _(
                        "Langue %(language)s : textes non importés (le questionnaire ne garde que le français "
                        "et l'anglais)."
                    )
                    % {"language": language}
                )

    def _report_survey_extras(self):
        for table, label in (
            ("conditions", _("conditions (ancien format)")),
            ("quota", _("quotas")),
            ("assessments", _("évaluations")),
            ("defaultvalues", _("valeurs par défaut")),
            ("label_sets", _("jeux d'étiquettes")),
            ("quota_members", _("membres de quotas")),
        ):
            count = len(_table(self.root, table))
            if count:
                self.missed(_("%(count)s %(what)s : non importés.") % {"count": count, "what": label})
        orphans = [
            record for record in self.questions.values() if record["parent"] == 0 and record["gid"] not in self.groups
        ]
        for record in sorted(orphans, key=lambda record: record["qid"]):
            self.missed(
                _("Question %(code)s (qid %(qid)s) : son groupe %(gid)s n'est pas dans le fichier, question non créée.")
                % {"code": record["title"], "qid": record["qid"], "gid": record["gid"]}
            )
        lost = [
            record for record in self.questions.values() if record["parent"] and record["parent"] not in self.questions
        ]
        for record in sorted(lost, key=lambda record: record["qid"]):
            self.missed(
                _(
                    "Sous-question %(code)s (qid %(qid)s) : sa question %(parent)s n'est pas dans le fichier, "
                    "non importée."
                )
                % {"code": record["title"], "qid": record["qid"], "parent": record["parent"]}
            )

    def _plan_sections(self, plan):
        for number, group in enumerate(sorted(self.groups.values(), key=lambda g: (g["order"], g["gid"])), start=1):
            where = _("Groupe %(gid)s") % {"gid": group["gid"]}
            title_fr, title_en = self.pair(
                group["texts"],
                "name",
                where,
                _("titre"),
                single_line=True,
                fallback=_("Page %(number)s") % {"number": number},
                limit=200,
            )
            intro_fr, intro_en = self.pair(group["texts"], "description", where, _("description"), fallback=None)
            section = PlannedSection(title_fr=title_fr, title_en=title_en, intro_fr=intro_fr, intro_en=intro_en)
            self.done(
                _("Groupe %(gid)s « %(title)s » → page %(number)s.")
                % {"gid": group["gid"], "title": _short(title_fr), "number": number}
            )
            if group["relevance"] not in ("", "1"):
                self.missed(
                    _("Page « %(title)s » : condition « %(condition)s » non importée, la page est toujours affichée.")
                    % {"title": _short(title_fr), "condition": _short(group["relevance"], 200)}
                )
            records = sorted(
                self.questions_of.get(group["gid"], []), key=lambda record: (record["order"], record["qid"])
            )
            for record in records:
                section.questions.extend(self._plan_question(record))
            if not section.questions:
                self.missed(
                    _("Page « %(title)s » : aucune question importée, la page est gardée vide.")
                    % {"title": _short(title_fr)}
                )
            plan.sections.append(section)

    # questions

    def unique_code(self, wanted, where):
        code = wanted[:40]
        number = 2
        while code.lower() in self.codes:
            suffix = f"_{number}"
            code = wanted[: 40 - len(suffix)] + suffix
            number += 1
        if code != wanted:
            self.missed(
                _("%(where)s : code « %(wanted)s » changé en « %(code)s » (déjà pris ou trop long).")
                % {"where": where, "wanted": wanted, "code": code}
            )
        self.codes.add(code.lower())
        return code

    def children(self, record, scale=0):
        return sorted(
            self.children_of.get((record["qid"], scale), []), key=lambda child: (child["order"], child["qid"])
        )

    def options(self, entries, where, what, text_name):
        """``(code, French, English)`` of subquestions or answers, codes unique in the question."""
        found, seen = [], set()
        for entry in entries:
            code = _code(entry.get("title", entry.get("code")), str(len(found) + 1))[:40]
            label_where = f"{where}, {what} {code}"
            if code.lower() in seen:
                number = 2
                while f"{code[:36]}_{number}".lower() in seen:
                    number += 1
                new = f"{code[:36]}_{number}"
                self.missed(
                    _("%(where)s : code « %(code)s » en double, changé en « %(new)s ».")
                    % {"where": label_where, "code": code, "new": new}
                )
                code = new
            seen.add(code.lower())
            label_fr, label_en = self.pair(
                entry["texts"], text_name, label_where, _("libellé"), single_line=True, fallback=code, limit=300
            )
            if entry.get("relevance", "") not in ("", "1"):
                self.missed(
                    _("%(where)s : condition « %(condition)s » non importée, toujours affiché.")
                    % {"where": label_where, "condition": _short(entry["relevance"], 200)}
                )
            found.append((code, label_fr, label_en))
        return found

    def answer_options(self, record, where, scale=0):
        entries = sorted(
            self.answers_of.get((record["qid"], scale), []), key=lambda answer: (answer["order"], answer["code"])
        )
        return self.options(entries, where, _("choix"), "answer")

    def sub_options(self, record, where, what):
        return self.options(self.children(record), where, what, "question")

    def _plan_question(self, record):
        kind_letter = record["type"]
        type_name = TYPE_NAMES.get(kind_letter, _("type inconnu"))
        where = _("Question %(code)s") % {"code": record["title"] or record["qid"]}
        if kind_letter not in TYPE_METHODS:
            text = self.pair(record["texts"], "question", where, _("texte"), single_line=True, fallback=None)[0]
            self.missed(
                _("%(where)s (%(letter)s, %(type)s) « %(text)s » : type non pris en charge, question non créée.")
                % {"where": where, "letter": kind_letter or "?", "type": type_name, "text": _short(text)}
            )
            return []
        questions = getattr(self, f"_type_{TYPE_METHODS[kind_letter]}")(record, where)
        self._report_common(record, where)
        if not questions:
            self.missed(
                _("%(where)s (%(letter)s, %(type)s) : rien à créer, question non créée.")
                % {"where": where, "letter": kind_letter, "type": type_name}
            )
            return []
        kinds = ", ".join(dict.fromkeys(str(K(question.kind).label) for question in questions))
        details = []
        if len(questions) > 1:
            details.append(_("%(count)s questions (une par sous-question)") % {"count": len(questions)})
        first = questions[0]
        if first.rows:
            details.append(
                _("%(rows)s lignes, %(columns)s colonnes") % {"rows": len(first.rows), "columns": len(first.choices)}
            )
        elif first.choices:
            details.append(_("%(count)s choix") % {"count": len(first.choices)})
        if first.required:
            details.append(_("obligatoire"))
        if first.allow_other:
            details.append(_("avec « Autre »"))
        if first.dropdown:
            details.append(_("liste déroulante"))
        if first.randomize:
            details.append(_("ordre aléatoire"))
        self.done(
            _("%(where)s (%(letter)s, %(type)s) → %(kinds)s%(details)s.")
            % {
                "where": where,
                "letter": kind_letter,
                "type": type_name,
                "kinds": kinds,
                "details": (" : " + ", ".join(str(detail) for detail in details)) if details else "",
            }
        )
        return questions

    def _report_common(self, record, where):
        if record["relevance"] not in ("", "1"):
            self.missed(
                _("%(where)s : condition « %(condition)s » non importée, la question est toujours affichée.")
                % {"where": where, "condition": _short(record["relevance"], 200)}
            )
        if record["mandatory"] == "S":
            self.done(_("%(where)s : réponse obligatoire « souple » → obligatoire.") % {"where": where})
        if record["preg"]:
            self.missed(
                _("%(where)s : validation par expression « %(preg)s » non importée.")
                % {"where": where, "preg": _short(record["preg"], 120)}
            )
        if any((texts.get("script") or "").strip() for texts in record["texts"].values()):
            self.missed(_("%(where)s : script non importé.") % {"where": where})
        attributes = self.attributes.get(record["qid"], {})
        if attributes.get("hidden") == "1":
            self.missed(
                _("%(where)s : question cachée dans LimeSurvey, importée visible (à revoir).") % {"where": where}
            )
        for name, label in ATTRIBUTE_NOTES.items():
            if attributes.get(name, "") not in UNSET and not (
                name in ("min_num_value", "max_num_value") and record["type"] != "K"
            ):
                self.missed(
                    _("%(where)s : réglage non importé, %(what)s « %(value)s ».")
                    % {"where": where, "what": label, "value": _short(attributes[name], 120)}
                )

    def base_question(self, record, where, kind, *, code=None, text=None):
        text_fr, text_en = text or self.pair(
            record["texts"], "question", where, _("texte"), fallback=record["title"] or str(record["qid"])
        )
        help_fr, help_en = self.pair(record["texts"], "help", where, _("aide"), fallback=None)
        return PlannedQuestion(
            code=self.unique_code(code or _code(record["title"], f"Q{record['qid']}"), where),
            kind=kind,
            text_fr=text_fr,
            text_en=text_en,
            help_fr=help_fr,
            help_en=help_en,
            required=record["mandatory"] in ("Y", "S") and kind != K.DISPLAY,
        )

    def randomized(self, record):
        return self.attributes.get(record["qid"], {}).get("random_order", "") not in UNSET

    def count_attribute(self, record, name, where):
        value = self.attributes.get(record["qid"], {}).get(name, "")
        if value == "":
            return None
        if not value.isdigit() or int(value) > 32767:
            self.missed(
                _("%(where)s : %(name)s « %(value)s » n'est pas un nombre de choix, non importé.")
                % {"where": where, "name": name, "value": _short(value, 120)}
            )
            return None
        return int(value) or None

    def number_attribute(self, record, name, where):
        value = self.attributes.get(record["qid"], {}).get(name, "")
        if value == "":
            return None
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= Decimal(10) ** 10:
            self.missed(
                _("%(where)s : %(name)s « %(value)s » n'est pas un nombre utilisable, non importé.")
                % {"where": where, "name": name, "value": _short(value, 120)}
            )
            return None
        return number.quantize(Decimal("0.0001"))

    # one method per family of LimeSurvey types

    def _type_list(self, record, where):
        question = self.base_question(record, where, K.SINGLE)
        question.choices = self.answer_options(record, where)
        question.dropdown = record["type"] == "!"
        question.allow_other = record["other"] == "Y"
        question.randomize = self.randomized(record)
        if record["type"] == "O":
            self.missed(_("%(where)s : le champ de commentaire de la liste n'est pas importé.") % {"where": where})
        if not question.choices:
            self.missed(_("%(where)s : aucun choix de réponse dans le fichier.") % {"where": where})
        return [question]

    def _type_multiple(self, record, where):
        question = self.base_question(record, where, K.MULTIPLE)
        question.choices = self.sub_options(record, where, _("choix"))
        question.allow_other = record["other"] == "Y"
        question.randomize = self.randomized(record)
        low = self.count_attribute(record, "min_answers", where)
        high = self.count_attribute(record, "max_answers", where)
        if low is not None and high is not None and low > high:
            self.missed(
                _("%(where)s : minimum de choix (%(low)s) supérieur au maximum (%(high)s), non importés.")
                % {"where": where, "low": low, "high": high}
            )
            low = high = None
        question.min_choices, question.max_choices = low, high
        if record["type"] == "P":
            self.missed(_("%(where)s : les commentaires de chaque choix ne sont pas importés.") % {"where": where})
        if not question.choices:
            self.missed(_("%(where)s : aucun choix (sous-question) dans le fichier.") % {"where": where})
        return [question]

    def _matrix(self, record, where, columns):
        question = self.base_question(record, where, K.MATRIX)
        question.rows = self.sub_options(record, where, _("ligne"))
        question.choices = columns
        if self.randomized(record):
            self.missed(_("%(where)s : ordre aléatoire des lignes non importé.") % {"where": where})
        if not question.rows:
            self.missed(_("%(where)s : aucune ligne (sous-question) dans le fichier.") % {"where": where})
        if not question.choices:
            self.missed(_("%(where)s : aucune colonne (réponse) dans le fichier.") % {"where": where})
        return [question]

    def _type_array(self, record, where):
        if record["type"] == "H":
            self.missed(
                _("%(where)s : tableau par colonne, affiché par lignes (mêmes réponses, présentation transposée).")
                % {"where": where}
            )
        return self._matrix(record, where, self.answer_options(record, where))

    def _type_dual_scale(self, record, where):
        second = self.answer_options(record, where, scale=1)
        if second:
            self.missed(
                _("%(where)s : seconde échelle (%(count)s choix) non importée, seule la première l'est.")
                % {"where": where, "count": len(second)}
            )
        return self._matrix(record, where, self.answer_options(record, where))

    def _type_array_fixed(self, record, where):
        columns = {"A": _points(5), "B": _points(10), "C": YES_UNCERTAIN_NO, "E": INCREASE_SAME_DECREASE}
        return self._matrix(record, where, list(columns[record["type"]]))

    def _type_number(self, record, where):
        question = self.base_question(record, where, K.NUMBER)
        self._number_bounds(question, record, where)
        return [question]

    def _number_bounds(self, question, record, where):
        low = self.number_attribute(record, "min_num_value_n", where)
        high = self.number_attribute(record, "max_num_value_n", where)
        if low is not None and high is not None and low > high:
            self.missed(
                _("%(where)s : minimum (%(low)s) supérieur au maximum (%(high)s), non importés.")
                % {"where": where, "low": low, "high": high}
            )
            low = high = None
        question.min_value, question.max_value = low, high

    def _per_subquestion(self, record, where, kind):
        text_fr, text_en = self.pair(
            record["texts"], "question", where, _("texte"), fallback=record["title"] or str(record["qid"])
        )
        questions = []
        for code, label_fr, label_en in self.sub_options(record, where, _("sous-question")):
            question = self.base_question(
                record,
                where,
                kind,
                code=f"{_code(record['title'], 'Q' + str(record['qid']))}_{code}",
                text=(f"{text_fr} — {label_fr}", f"{text_en} — {label_en or label_fr}" if text_en else ""),
            )
            if kind == K.NUMBER:
                self._number_bounds(question, record, where)
            questions.append(question)
        if not questions:
            self.missed(_("%(where)s : aucune sous-question dans le fichier.") % {"where": where})
        if self.randomized(record):
            self.missed(_("%(where)s : ordre aléatoire des sous-questions non importé.") % {"where": where})
        return questions

    def _type_multiple_numbers(self, record, where):
        return self._per_subquestion(record, where, K.NUMBER)

    def _type_multiple_texts(self, record, where):
        return self._per_subquestion(record, where, K.SHORT_TEXT)

    def _type_short_text(self, record, where):
        return [self.base_question(record, where, K.SHORT_TEXT)]

    def _type_long_text(self, record, where):
        return [self.base_question(record, where, K.LONG_TEXT)]

    def _type_ranking(self, record, where):
        question = self.base_question(record, where, K.RANKING)
        question.choices = self.answer_options(record, where)
        if not question.choices:
            question.choices = self.sub_options(record, where, _("choix"))
        question.randomize = self.randomized(record)
        for name in ("min_answers", "max_answers"):
            if self.attributes.get(record["qid"], {}).get(name, "") not in UNSET:
                self.missed(_("%(where)s : %(name)s du classement non importé.") % {"where": where, "name": name})
        if not question.choices:
            self.missed(_("%(where)s : aucun élément à classer dans le fichier.") % {"where": where})
        return [question]

    def _type_yes_no(self, record, where):
        return [self.base_question(record, where, K.YES_NO)]

    def _type_gender(self, record, where):
        question = self.base_question(record, where, K.SINGLE)
        question.choices = list(GENDER)
        return [question]

    def _type_five_points(self, record, where):
        question = self.base_question(record, where, K.SCALE)
        question.points = 5
        return [question]

    def _type_date(self, record, where):
        return [self.base_question(record, where, K.DATE)]

    def _type_display(self, record, where):
        return [self.base_question(record, where, K.DISPLAY)]


TYPE_METHODS = {
    "L": "list",
    "!": "list",
    "O": "list",
    "M": "multiple",
    "P": "multiple",
    "F": "array",
    "H": "array",
    "A": "array_fixed",
    "B": "array_fixed",
    "C": "array_fixed",
    "E": "array_fixed",
    "1": "dual_scale",
    "N": "number",
    "K": "multiple_numbers",
    "S": "short_text",
    "T": "long_text",
    "U": "long_text",
    "Q": "multiple_texts",
    "R": "ranking",
    "Y": "yes_no",
    "G": "gender",
    "5": "five_points",
    "D": "date",
    "X": "display",
}


def survey_plan(source):
    """The Plan of a LimeSurvey export (no database access): sections, questions, choices, rows and the report.
    Raises LimeSurveyError when the file cannot be read."""
    return _Planner(_parse_xml(_read(source))).plan()


# --- writing -----------------------------------------------------------------------------------------------


def campaign_problem(campaign):
    """Why ``campaign`` cannot receive an imported survey, or None."""
    if campaign.kind == Campaign.Kind.IDEATION:
        return _(
            "La campagne « %(campaign)s » ne recueille que des idées : choisissez une campagne de type questionnaire."
        ) % {"campaign": campaign}
    existing = Survey.objects.filter(campaign=campaign).first()
    if existing is not None:
        return _("La campagne « %(campaign)s » a déjà un questionnaire (« %(survey)s »).") % {
            "campaign": campaign,
            "survey": existing,
        }
    return None


def survey_import(source, *, campaign=None):
    """Create a Survey (attached to ``campaign`` when given) from a LimeSurvey export; ``(survey, report)``.

    All or nothing: a file that cannot be read raises LimeSurveyError before anything is written, and the
    writes happen in one transaction."""
    if campaign is not None and (problem := campaign_problem(campaign)):
        raise LimeSurveyError(problem, field="campaign")
    plan = survey_plan(source)
    try:
        with transaction.atomic():
            survey = _plan_write(plan, campaign)
    except IntegrityError:
        if campaign is not None and (problem := campaign_problem(campaign)):
            raise LimeSurveyError(problem, field="campaign") from None
        raise
    return survey, plan.report


def _plan_write(plan, campaign):
    survey = Survey.objects.create(
        campaign=campaign,
        title_fr=plan.title_fr,
        title_en=plan.title_en,
        concept_fr=plan.concept_fr,
        concept_en=plan.concept_en,
        thank_you_fr=plan.thank_you_fr,
        thank_you_en=plan.thank_you_en,
        anonymous=plan.anonymous,
        source=plan.report["source"][:200],
        import_report=plan.report,
    )
    sections = Section.objects.bulk_create(
        [
            Section(
                survey=survey,
                sort_order=order,
                title_fr=planned.title_fr,
                title_en=planned.title_en,
                intro_fr=planned.intro_fr,
                intro_en=planned.intro_en,
            )
            for order, planned in enumerate(plan.sections)
        ]
    )
    planned_questions, questions = [], []
    for section, planned_section in zip(sections, plan.sections):
        for order, planned in enumerate(planned_section.questions):
            planned_questions.append(planned)
            questions.append(
                Question(
                    survey=survey,
                    section=section,
                    sort_order=order,
                    code=planned.code,
                    kind=planned.kind,
                    text_fr=planned.text_fr,
                    text_en=planned.text_en,
                    help_fr=planned.help_fr,
                    help_en=planned.help_en,
                    required=planned.required,
                    dropdown=planned.dropdown,
                    allow_other=planned.allow_other,
                    randomize=planned.randomize,
                    min_choices=planned.min_choices,
                    max_choices=planned.max_choices,
                    min_value=planned.min_value,
                    max_value=planned.max_value,
                    points=planned.points,
                )
            )
    Question.objects.bulk_create(questions)
    Choice.objects.bulk_create(
        [
            Choice(question=question, sort_order=order, code=code, label_fr=label_fr, label_en=label_en)
            for question, planned in zip(questions, planned_questions)
            for order, (code, label_fr, label_en) in enumerate(planned.choices)
        ]
    )
    MatrixRow.objects.bulk_create(
        [
            MatrixRow(question=question, sort_order=order, code=code, label_fr=label_fr, label_en=label_en)
            for question, planned in zip(questions, planned_questions)
            for order, (code, label_fr, label_en) in enumerate(planned.rows)
        ]
    )
    return survey
