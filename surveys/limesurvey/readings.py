"""What the planner reads for every question type, the readings type modules ask for when they map a
LimeSurvey question (``QuestionType.from_limesurvey``): texts in French and English, sanitised and reported;
codes made unique; subquestions and answers as options; question attributes as counts and numbers; a planned
question with its texts, or one per subquestion. Each reading reports what it could not keep."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from surveys.limesurvey.html import code_from, one_line, short, text_from_html
from surveys.limesurvey.read import Export
from surveys.types import question_type

UNSET = {"", "0", "N"}


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
    settings: dict = field(default_factory=dict)  # the type's settings (Question.settings)
    choices: list = field(default_factory=list)  # (code, label_fr, label_en)
    rows: list = field(default_factory=list)  # (code, label_fr, label_en)
    show_when: str = ""  # the condition of the question (surveys.logic.expressions)
    choice_conditions: dict = field(default_factory=dict)  # choice code -> condition
    row_conditions: dict = field(default_factory=dict)  # row code -> condition
    source_qid: int | None = None  # the LimeSurvey question it comes from
    source_sub: str = ""  # the LimeSurvey subquestion it asks alone (one question per subquestion)


class Readings(Export):
    """An export's records (``Export``) with the readings questions need, and the report they fill: ``mapped``
    (what came across) and ``not_mapped`` (what did not)."""

    def __init__(self, root):
        super().__init__(root)
        self.mapped = []
        self.not_mapped = []
        self.codes = set()  # the codes taken, in lower case

    def done(self, line):
        if line not in self.mapped:
            self.mapped.append(line)

    def missed(self, line):
        if line not in self.not_mapped:
            self.not_mapped.append(line)

    def pair(self, texts, name, where, what, *, single_line=False, fallback="", limit=None):
        """``(French, English)`` plain texts of ``texts[language][name]``, sanitised, reported."""
        french = self._clean(texts, name, self.french_from, where, what, single_line)
        english = self._clean(texts, name, self.en, where, what, single_line) if self.en else ""
        if not french and fallback is not None:
            french = self._french_elsewhere(texts, name, where, what, single_line) or fallback
        if limit:
            french, english = self.fit(french, limit, where, what), self.fit(english, limit, where, what)
        return french, english

    def _clean(self, texts, name, language, where, what, single_line):
        """The text of ``language`` without its HTML; a script or a medium removed is reported."""
        text, removed = text_from_html(_raw(texts, name, language))
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
        return one_line(text) if single_line else text

    def _french_elsewhere(self, texts, name, where, what, single_line):
        """For a text missing in French, the text of another language (reported: to translate), or ""."""
        other = next(
            (
                language
                for language in [self.base, *self.languages]
                if language != self.french_from and _raw(texts, name, language).strip()
            ),
            None,
        )
        if other is None or not self._clean(texts, name, other, where, what, single_line):
            return ""
        self.missed(
            _("%(where)s, %(what)s : pas de texte en %(language)s, texte %(other)s utilisé, à traduire.")
            % {"where": where, "what": what, "language": self.french_from, "other": other}
        )
        return self._clean(texts, name, other, where, what, single_line)

    def fit(self, text, limit, where, what):
        if len(text) <= limit:
            return text
        self.missed(
            _("%(where)s, %(what)s : tronqué à %(limit)s caractères.") % {"where": where, "what": what, "limit": limit}
        )
        return text[: limit - 1] + "…"

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
            code = code_from(entry.get("title", entry.get("code")), str(len(found) + 1))[:40]
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
            found.append((code, label_fr, label_en))
        return found

    def answer_options(self, record, where, scale=0):
        entries = sorted(
            self.answers_of.get((record["qid"], scale), []), key=lambda answer: (answer["order"], answer["code"])
        )
        return self.options(entries, where, _("choix"), "answer")

    def sub_options(self, record, where, what):
        return self.options(self.children(record), where, what, "question")

    def base_question(self, record, where, kind, *, code=None, text=None):
        text_fr, text_en = text or self.pair(
            record["texts"], "question", where, _("texte"), fallback=record["title"] or str(record["qid"])
        )
        help_fr, help_en = self.pair(record["texts"], "help", where, _("aide"), fallback=None)
        return PlannedQuestion(
            source_qid=record["qid"],
            code=self.unique_code(code or code_from(record["title"], f"Q{record['qid']}"), where),
            kind=kind,
            text_fr=text_fr,
            text_en=text_en,
            help_fr=help_fr,
            help_en=help_en,
            required=record["mandatory"] in ("Y", "S") and question_type(kind).answerable,
        )

    def attribute(self, record, name):
        """The value of a question attribute, "" when unset."""
        return self.attributes.get(record["qid"], {}).get(name, "")

    def attribute_set(self, record, name):
        return self.attribute(record, name) not in UNSET

    def randomized(self, record):
        """Random order: ``random_order`` (LimeSurvey 2 to 5) or ``answer_order`` "random" (LimeSurvey 6)."""
        return self.attribute_set(record, "random_order") or self.attribute(record, "answer_order") == "random"

    def count_attribute(self, record, name, where):
        value = self.attributes.get(record["qid"], {}).get(name, "")
        if value == "":
            return None
        if not value.isdigit() or int(value) > 32767:
            self.missed(
                _("%(where)s : %(name)s « %(value)s » n'est pas un nombre de choix, non importé.")
                % {"where": where, "name": name, "value": short(value, 120)}
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
                % {"where": where, "name": name, "value": short(value, 120)}
            )
            return None
        return number.quantize(Decimal("0.0001"))

    def number_bounds(self, question, record, where):
        """The minimum and maximum of a number (or of each item of several numbers)."""
        low = self.number_attribute(record, "min_num_value_n", where)
        high = self.number_attribute(record, "max_num_value_n", where)
        if low is not None and high is not None and low > high:
            self.missed(
                _("%(where)s : minimum (%(low)s) supérieur au maximum (%(high)s), non importés.")
                % {"where": where, "low": low, "high": high}
            )
            low = high = None
        question.min_value, question.max_value = low, high

    def per_subquestion(self, record, where, kind, *, each=None):
        """One question of ``kind`` per subquestion (``each(question)`` completes each)."""
        text_fr, text_en = self.pair(
            record["texts"], "question", where, _("texte"), fallback=record["title"] or str(record["qid"])
        )
        questions = []
        for code, label_fr, label_en in self.sub_options(record, where, _("sous-question")):
            question = self.base_question(
                record,
                where,
                kind,
                code=f"{code_from(record['title'], 'Q' + str(record['qid']))}_{code}",
                text=(f"{text_fr} — {label_fr}", f"{text_en} — {label_en or label_fr}" if text_en else ""),
            )
            question.source_sub = code
            if each is not None:
                each(question)
            questions.append(question)
        if not questions:
            self.missed(_("%(where)s : aucune sous-question dans le fichier.") % {"where": where})
        if self.randomized(record):
            self.missed(_("%(where)s : ordre aléatoire des sous-questions non importé.") % {"where": where})
        return questions


def _raw(texts, name, language):
    return (texts.get(language) or {}).get(name) or "" if language else ""
