"""The plan of a LimeSurvey export: pages, questions, choices and rows in our terms, and the report of what
maps onto our question types and what does not. Nothing is dropped silently: what is not imported is a line
of the report. How each LimeSurvey question type maps is its question type's (``surveys.types``, asked by
LimeSurvey letter); the planner gives them its generic readings (texts, options, attributes)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.limesurvey.conditions import Logic
from surveys.limesurvey.html import rich_text, short
from surveys.limesurvey.read import file_bytes, parse_xml, table
from surveys.limesurvey.readings import UNSET, Readings
from surveys.types import limesurvey_types, question_type
from surveys.types.base import decimal_text

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

# Attributes that mean something only for some LimeSurvey types (the others keep them unset or meaningless).
NUMBERS_ONLY = r"^-?[0-9]*[.,]?[0-9]+$"

ATTRIBUTE_LETTERS = {"min_num_value": {"K"}, "max_num_value": {"K"}}


@dataclass
class PlannedSection:
    title_fr: str
    title_en: str = ""
    intro_fr: str = ""
    intro_en: str = ""
    show_when: str = ""  # the condition of the page (surveys.logic.expressions)
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


class Planner(Readings):
    """Reads an export (``Export``, ``Readings``) and plans it; ``plan()`` returns the Plan."""

    def __init__(self, root):
        super().__init__(root)
        self.types = limesurvey_types()

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
            concept_fr=rich_text("\n\n".join(part for part in (description[0], welcome[0]) if part)),
            concept_en=rich_text("\n\n".join(part for part in (description[1], welcome[1]) if part)),
            thank_you_fr=end[0],
            thank_you_en=end[1],
            anonymous=self.survey_row.get("anonymized") == "Y",
        )
        self.done(_("Questionnaire « %(title)s » → titre du questionnaire.") % {"title": short(title_fr)})
        if plan.concept_fr:
            self.done(_("Description et texte d'accueil → concept présenté."))
        if plan.thank_you_fr:
            self.done(_("Texte de fin → message de remerciement."))
        if plan.anonymous:
            self.done(_("Réponses anonymes dans LimeSurvey → questionnaire anonyme."))
        self.codes = set()
        self.planned, self.section_groups = {}, []
        self._plan_sections(plan)
        counts = Logic(self, plan).apply()
        if any(question.kind == "file_upload" for section in plan.sections for question in section.questions):
            self.done(_("Questions d'envoi de fichier → envoi de fichiers autorisé pour ce questionnaire."))
        self._report_survey_extras()
        plan.report = self._report(plan)
        plan.report["conditions"] = counts
        return plan

    def _report(self, plan):
        questions = [question for section in plan.sections for question in section.questions]
        return {
            "source": f"LimeSurvey {self.sid}",
            "db_version": self.db_version,
            "languages": self.languages,
            "mapped": self.mapped,
            "not_mapped": self.not_mapped,
            "counts": {
                "sections": len(plan.sections),
                "questions": len(questions),
                "choices": sum(len(question.choices) for question in questions),
                "rows": sum(len(question.rows) for question in questions),
            },
        }

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
        for name, label in (
            ("quota", _("quotas")),
            ("assessments", _("évaluations")),
            ("defaultvalues", _("valeurs par défaut")),
            ("label_sets", _("jeux d'étiquettes")),
            ("quota_members", _("membres de quotas")),
        ):
            count = len(table(self.root, name))
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
                % {"gid": group["gid"], "title": short(title_fr), "number": number}
            )
            records = sorted(
                self.questions_of.get(group["gid"], []), key=lambda record: (record["order"], record["qid"])
            )
            for record in records:
                section.questions.extend(self._plan_question(record))
            if not section.questions:
                self.missed(
                    _("Page « %(title)s » : aucune question importée, la page est gardée vide.")
                    % {"title": short(title_fr)}
                )
            plan.sections.append(section)
            self.section_groups.append(group)

    def _plan_question(self, record):
        letter = record["type"]
        type_name = TYPE_NAMES.get(letter, _("type inconnu"))
        where = _("Question %(code)s") % {"code": record["title"] or record["qid"]}
        declared = self.types.get(letter)
        if declared is None:
            text = self.pair(record["texts"], "question", where, _("texte"), single_line=True, fallback=None)[0]
            self.missed(
                _("%(where)s (%(letter)s, %(type)s) « %(text)s » : type non pris en charge, question non créée.")
                % {"where": where, "letter": letter or "?", "type": type_name, "text": short(text)}
            )
            return []
        declared = self._time_instead(record, where) or declared
        questions = declared.from_limesurvey(self, record, where)
        self._attributes(record, questions, where)
        self.planned[record["qid"]] = questions
        self._report_common(record, where, declared)
        if not questions:
            self.missed(
                _("%(where)s (%(letter)s, %(type)s) : rien à créer, question non créée.")
                % {"where": where, "letter": letter, "type": type_name}
            )
            return []
        kinds = ", ".join(dict.fromkeys(str(question_type(question.kind).label) for question in questions))
        details = _details(questions)
        self.done(
            _("%(where)s (%(letter)s, %(type)s) → %(kinds)s%(details)s.")
            % {
                "where": where,
                "letter": letter,
                "type": type_name,
                "kinds": kinds,
                "details": (" : " + ", ".join(str(detail) for detail in details)) if details else "",
            }
        )
        return questions

    def _time_instead(self, record, where):
        """The time type for a date question whose format holds no day (``HH:MM``), else None."""
        if record["type"] != "D" or not time_only(self.attribute(record, "date_format")):
            return None
        self.done(
            _("%(where)s : format « %(format)s » sans jour → heure.")
            % {"where": where, "format": self.attribute(record, "date_format")}
        )
        return question_type("time")

    def _attributes(self, record, questions, where):
        """The attributes every type may meet: whole numbers, digits only, slider bounds, the "other" text."""
        if self.attribute_set(record, "num_value_int_only"):
            self._setting(questions, "integer_only", True, where, _("nombres entiers seulement"))
        if self.attribute_set(record, "numbers_only") and record["type"] in ("S", "Q"):
            self._setting(questions, "pattern", NUMBERS_ONLY, where, _("chiffres seulement"))
            for question in questions:
                if "pattern" in question.settings:
                    question.settings["pattern_message"] = str(_("Saisissez un nombre."))
        if self.attribute_set(record, "slider_layout") or record["type"] == "K":
            for name, bound in (("slider_min", "min_value"), ("slider_max", "max_value")):
                value = self.number_attribute(record, name, where) if self.attribute(record, name) else None
                if value is None:
                    continue
                for question in questions:
                    if getattr(question, bound) is None and question.kind in ("number", "multiple_numeric"):
                        setattr(question, bound, value)
                self.done(
                    _("%(where)s : borne du curseur %(value)s → borne du nombre.")
                    % {"where": where, "value": decimal_text(value)}
                )
        if record["other"] == "Y" and any(question.allow_other for question in questions):
            if self.attribute_set(record, "other_comment_mandatory"):
                self.done(_("%(where)s : texte de « Autre » obligatoire → toujours demandé.") % {"where": where})
            replaced = self.attribute(record, "other_replace_text")
            if replaced.strip():
                self.missed(
                    _("%(where)s : libellé « %(label)s » au lieu de « Autre » non importé, « Autre » est affiché.")
                    % {"where": where, "label": short(replaced, 80)}
                )

    def _setting(self, questions, name, value, where, what):
        taken = [question for question in questions if name in question_type(question.kind).settings_fields]
        for question in taken:
            question.settings[name] = value
        if taken:
            self.done(_("%(where)s : %(what)s → réglage de la question.") % {"where": where, "what": what})
        else:
            self.missed(_("%(where)s : %(what)s non importé.") % {"where": where, "what": what})

    def _report_common(self, record, where, declared):
        if record["mandatory"] == "S":
            self.done(_("%(where)s : réponse obligatoire « souple » → obligatoire.") % {"where": where})
        if record["preg"]:
            self.missed(
                _("%(where)s : validation par expression « %(preg)s » non importée.")
                % {"where": where, "preg": short(record["preg"], 120)}
            )
        if any((texts.get("script") or "").strip() for texts in record["texts"].values()):
            self.missed(_("%(where)s : script non importé.") % {"where": where})
        attributes = self.attributes.get(record["qid"], {})
        if attributes.get("hidden") == "1":
            self.missed(
                _("%(where)s : question cachée dans LimeSurvey, importée visible (à revoir).") % {"where": where}
            )
        for name, label in ATTRIBUTE_NOTES.items():
            if name in declared.limesurvey_attributes or record["type"] not in ATTRIBUTE_LETTERS.get(
                name, {record["type"]}
            ):
                continue
            if attributes.get(name, "") not in UNSET:
                self.missed(
                    _("%(where)s : réglage non importé, %(what)s « %(value)s ».")
                    % {"where": where, "what": label, "value": short(attributes[name], 120)}
                )


def time_only(date_format):
    """Whether a LimeSurvey date format holds hours and no day, month or year ("HH:MM": in LimeSurvey's formats
    dd, mm and yyyy are the date, HH and MM the time)."""
    letters = set(date_format or "")
    return "H" in letters and not letters & set("dmy")


def survey_plan(source):
    """The Plan of a LimeSurvey export (no database access): sections, questions, choices, rows and the report.
    Raises LimeSurveyError when the file cannot be read."""
    return Planner(parse_xml(file_bytes(source))).plan()


def _details(questions):
    """What the report says of the questions planned from one LimeSurvey question."""
    details = []
    if len(questions) > 1:
        details.append(_("%(count)s questions (une par sous-question)") % {"count": len(questions)})
    first = questions[0]
    if first.rows and question_type(first.kind).has_choices:
        details.append(
            _("%(rows)s lignes, %(columns)s colonnes") % {"rows": len(first.rows), "columns": len(first.choices)}
        )
    elif first.rows:
        details.append(_("%(count)s éléments") % {"count": len(first.rows)})
    elif first.choices:
        details.append(_("%(count)s choix") % {"count": len(first.choices)})
    for flag, label in (
        (first.required, _("obligatoire")),
        (first.allow_other, _("avec « Autre »")),
        (first.dropdown, _("liste déroulante")),
        (first.randomize, _("ordre aléatoire")),
    ):
        if flag:
            details.append(label)
    return details
