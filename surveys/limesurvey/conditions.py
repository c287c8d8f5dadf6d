"""The logic of a LimeSurvey export on its plan: relevance of groups, questions and subquestions, old-format
``conditions``, array filters (``array_filter``, ``array_filter_exclude``) and tailoring in texts, translated
by ``surveys.limesurvey.expressions`` into ``show_when`` conditions of pages, questions, choices and rows and
into piping. The names of the file resolve against what the plan holds (a question not imported, or asked
later, cannot be read); what cannot be expressed is a line of the report saying its effect, and the report
counts the conditions translated and not."""

import re

from django.utils.translation import gettext as _

from surveys.limesurvey.expressions import Operand, Untranslatable, always, tailoring, translate
from surveys.limesurvey.html import short
from surveys.limesurvey.old_conditions import conditions_equation
from surveys.limesurvey.read import table
from surveys.limesurvey.scope import (
    CELL_KINDS,
    CHECKBOX_LETTERS,
    CHOICE_KINDS,
    ROW_KINDS,
    SGQA,
    TOKEN_ATTRIBUTES,
    VALUE_PROPERTIES,
    Here,
    both,
)


class Logic:
    """Translates the logic of the planner's records into the plan (``apply``)."""

    def __init__(self, planner, plan):
        self.planner, self.plan = planner, plan
        self.records = planner.questions
        self.titles = {}
        for record in sorted(self.records.values(), key=lambda record: record["qid"]):
            if not record["parent"]:
                self.titles.setdefault(record["title"], record)
        self.place = {}  # qid -> (page index, index of its first question)
        for page, section in enumerate(plan.sections):
            for index, question in enumerate(section.questions):
                self.place.setdefault(question.source_qid, (page, index))
        self.translated = 0
        self.not_translated = 0
        self.checkboxes = {
            str(qid)
            for qid, record in self.records.items()
            if record["type"] in CHECKBOX_LETTERS and not record["parent"]
        }
        self.removed = {}  # where -> [(braces removed, why)]
        self.conditions_of = {}
        for row in table(planner.root, "conditions"):
            self.conditions_of.setdefault(row.number("qid"), []).append(row.values)

    # --- names -------------------------------------------------------------------------------------------

    def scope(self, name, here):
        if name.startswith("TOKEN:"):
            if name in TOKEN_ATTRIBUTES:
                return Operand(TOKEN_ATTRIBUTES[name])
            raise Untranslatable(_("lit l'attribut de participant « %(name)s »") % {"name": name[6:]})
        if name.startswith("INSERTANS:"):
            name = name[10:]
        parts = name.split(".")
        base, properties = parts[0], parts[1:]
        sub = None
        if base in ("self", "that"):
            if base == "self":
                record = here.record
            else:
                if not properties:
                    raise Untranslatable(_("« that » sans question"))
                record = self.titles.get(properties.pop(0))
            if properties and properties[0].startswith("sq_"):
                sub = properties.pop(0)[3:]
            if record is None:
                raise Untranslatable(_("« %(name)s » ne désigne aucune question du fichier") % {"name": name})
            self._properties(name, properties, here)
            return self.operand(record, sub, here, name, whole=sub is None)
        self._properties(name, properties, here)
        record, sub = self.record_of(base)
        if record is None:
            raise Untranslatable(_("« %(name)s » ne désigne aucune question du fichier") % {"name": base})
        return self.operand(record, sub, here, name)

    def _properties(self, name, properties, here):
        for prop in properties:
            if prop not in VALUE_PROPERTIES:
                raise Untranslatable(_("lit « %(name)s »") % {"name": name})
            if prop == "shown" and not here.piping:  # the label shown, where ours compare codes
                raise Untranslatable(_("compare le libellé affiché « %(name)s »") % {"name": name})

    def record_of(self, base):
        """(record, subquestion code or None) of a name: a code, ``CODE_SUB``, or SGQA ``123X4X56SUB``."""
        match = SGQA.match(base)
        if match:
            record = self.records.get(int(match.group(3)))
            if record is None or record["parent"]:
                return None, None
            return record, match.group(4) or None
        if base in self.titles:
            return self.titles[base], None
        for index in [i for i, char in enumerate(base) if char == "_"][::-1]:
            record = self.titles.get(base[:index])
            if record is not None:
                return record, base[index + 1 :]
        return None, None

    def operand(self, record, sub, here, name, whole=False):
        planned = self.planner.planned.get(record["qid"], [])
        code = record["title"]
        if not planned:
            raise Untranslatable(_("lit « %(code)s », question non importée") % {"code": code})
        self._check_earlier(record, here, code)
        if len(planned) > 1 or planned[0].source_sub:
            by_sub = {question.source_sub: question for question in planned}
            if sub is None:
                return Operand(planned[0].code, items=tuple(question.code for question in planned))
            if sub not in by_sub:
                raise Untranslatable(_("lit « %(name)s », sous-question non importée") % {"name": name})
            return Operand(by_sub[sub].code)
        question = planned[0]
        if sub is None:
            if question.kind in ROW_KINDS:
                return Operand(question.code, items=tuple(f"{question.code}.{row[0]}" for row in question.rows))
            if whole and question.kind == "multiple":
                return Operand(question.code, items=(question.code,))
            return Operand(question.code)
        if record["type"] == "1" and re.fullmatch(r".+_[01]", sub):
            sub, scale = sub.rsplit("_", 1)
            if scale == "1":
                raise Untranslatable(_("lit la seconde échelle de « %(code)s », non importée") % {"code": code})
        return Operand(self._sub_name(question, sub, name))

    def _sub_name(self, question, sub, name):
        """``CODE.SUB`` of a subquestion of a question imported whole."""
        if sub == "other" and question.allow_other:  # the text of "other" (its choice reads "-oth-")
            return f"{question.code}.other"
        if question.kind == "ranking" and sub.isdigit() and 0 < int(sub) <= len(question.choices):
            return f"{question.code}.{int(sub)}"  # the code ranked at that place
        subs = {entry[0] for entry in question.rows}
        if question.kind == "multiple":
            subs |= {entry[0] for entry in question.choices}
        elif question.kind in CELL_KINDS:  # Q.ROW_COLUMN, and Q.ROW when there is one column
            subs = {f"{row[0]}_{column[0]}" for row in question.rows for column in question.choices} | (
                subs if len(question.choices) == 1 else set()
            )
        if sub not in subs:
            if sub in ("other", "comment") or sub.endswith("comment"):
                raise Untranslatable(_("lit le texte libre « %(name)s », non importé") % {"name": name})
            raise Untranslatable(_("lit « %(name)s », sous-question non importée") % {"name": name})
        return f"{question.code}.{sub}"

    def _check_earlier(self, record, here, code):
        place = self.place.get(record["qid"])
        if place is None:
            raise Untranslatable(_("lit « %(code)s », question non importée") % {"code": code})
        if here.record is not None and record["qid"] == here.record["qid"] and here.same_question:
            return
        if here.question is None:
            if place[0] >= here.page:
                raise Untranslatable(_("lit « %(code)s », posée sur cette page ou plus loin") % {"code": code})
        elif place >= (here.page, here.question):
            raise Untranslatable(_("lit « %(code)s », posée plus loin") % {"code": code})

    # --- conditions ----------------------------------------------------------------------------------------

    def condition(self, equation, here, lost):
        """Our condition for a LimeSurvey equation, or "" after reporting ``lost(reason)`` when it cannot be."""
        try:
            translated = translate(equation, self.scope, here)
        except Untranslatable as exc:
            self.not_translated += 1
            lost(str(exc))
            return ""
        self.translated += 1
        return translated

    def apply(self):
        for page, (section, group) in enumerate(zip(self.plan.sections, self.planner.section_groups)):
            if not always(group["relevance"]):
                title = short(section.title_fr)
                section.show_when = self.condition(
                    group["relevance"],
                    Here(page=page),
                    lambda reason, title=title, equation=group["relevance"]: self.planner.missed(
                        _("Page « %(title)s » toujours affichée : %(reason)s (condition « %(condition)s »).")
                        % {"title": title, "reason": reason, "condition": short(equation, 200)}
                    ),
                )
            self._texts(section, page)
        records = {}
        for section in self.plan.sections:
            for question in section.questions:
                records.setdefault(question.source_qid, []).append(question)
        for qid in records:
            self._question(self.records[qid])
        self._survey_texts()
        self._report_removed()
        if self.translated or self.not_translated:
            self.planner.done(
                _("Conditions : %(translated)s traduites, %(lost)s non traduites.")
                % {"translated": self.translated, "lost": self.not_translated}
            )
        return {"translated": self.translated, "not_translated": self.not_translated}

    def _question(self, record):
        planned = self.planner.planned[record["qid"]]
        page, index = self.place[record["qid"]]
        code = record["title"] or str(record["qid"])
        here = Here(record, page, index)
        equation = record["relevance"]
        if always(equation) and self.conditions_of.get(record["qid"]):
            try:
                equation = conditions_equation(self.conditions_of[record["qid"]], self.checkboxes)
            except Untranslatable as exc:
                self.not_translated += 1
                self._lost_question(code, str(exc), _("conditions de l'ancien format"))
                equation = ""
        if not always(equation):
            condition = self.condition(
                equation, here, lambda reason: self._lost_question(code, reason, short(equation, 200))
            )
            for question in planned:
                question.show_when = condition
        children = self.planner.children(record)
        if record["type"] in (":", ";"):  # the columns, subquestions of the second scale
            children += self.planner.children(record, scale=1)
        for child in children:
            if always(child["relevance"]):
                continue
            self._sub_condition(record, planned, child["title"], child["relevance"], here, _("condition"))
        for name, wanted in (("array_filter", "Y"), ("array_filter_exclude", "")):
            value = self.planner.attribute(record, name)
            if value.strip():
                self._array_filter(record, planned, value, wanted, here, name)
        for question in planned:
            self._question_texts(question, record, here)

    def _lost_question(self, code, reason, condition):
        self.planner.missed(
            _("Question %(code)s toujours affichée : %(reason)s (condition « %(condition)s »).")
            % {"code": code, "reason": reason, "condition": condition}
        )

    def _sub_condition(self, record, planned, sub, equation, here, what, count=True):
        """The condition of subquestion ``sub`` onto what holds it: the question asking it alone, or the
        choice or row of the question."""
        code = record["title"] or str(record["qid"])
        target, holder = self._sub_target(planned, sub)
        own = Here(record, here.page, here.question, same_question=True)

        def lost(reason):
            self.planner.missed(
                _("Question %(code)s, sous-question %(sub)s toujours proposée : %(reason)s (%(what)s « %(cond)s »).")
                % {"code": code, "sub": sub, "reason": reason, "what": what, "cond": short(equation, 200)}
            )

        if target is None:
            if count:
                self.not_translated += 1
            lost(_("sous-question non importée"))
            return False
        if not count:
            try:
                condition = translate(equation, self.scope, own)
            except Untranslatable as exc:
                lost(str(exc))
                return False
        else:
            condition = self.condition(equation, own, lost)
            if not condition:
                return False
        if holder is None:
            target.show_when = both(target.show_when, condition)
        else:
            holder[sub] = both(holder.get(sub, ""), condition)
        return True

    def _sub_target(self, planned, sub):
        """(planned question, None) when the subquestion is a question of its own, (planned question, its
        choice or row conditions) otherwise, (None, None) when it was not imported."""
        for question in planned:
            if question.source_sub:
                if question.source_sub == sub:
                    return question, None
                continue
            if any(entry[0] == sub for entry in question.rows):
                return question, question.row_conditions
            if question.kind in CHOICE_KINDS and any(entry[0] == sub for entry in question.choices):
                return question, question.choice_conditions
        return None, None

    def _array_filter(self, record, planned, value, wanted, here, name):
        """Rows (or choices) of ``record`` shown only when the same code is checked (``array_filter``) or not
        checked (``array_filter_exclude``) in the questions named: one condition for the question."""
        sources = [self.titles.get(source.strip()) for source in value.split(";") if source.strip()]
        code = record["title"] or str(record["qid"])
        if any(source is None for source in sources):
            self.not_translated += 1
            self.planner.missed(
                _("Question %(code)s : filtre « %(filter)s » sur une question absente du fichier, non importé.")
                % {"code": code, "filter": short(value, 80)}
            )
            return
        lost = filtered = 0
        # The subquestions filtered, or the answer options of a list.
        codes = [child["title"] for child in self.planner.children(record)] or [
            answer["code"] for answer in self.planner.answers_of.get((record["qid"], 0), [])
        ]
        for sub in codes:
            parts = self._filter_parts(sources, sub, wanted)
            if not parts:
                continue
            filtered += 1
            if not self._sub_condition(
                record, planned, sub, " and ".join(parts), here, _("filtre %(name)s") % {"name": name}, count=False
            ):
                lost += 1
        if not filtered:
            self.planner.missed(
                _("Question %(code)s : filtre « %(filter)s » sans code commun avec la question filtrée, sans effet.")
                % {"code": code, "filter": short(value, 80)}
            )
        if lost or not filtered:
            self.not_translated += 1
        else:
            self.translated += 1

    def _filter_parts(self, sources, sub, wanted):
        """LimeSurvey's equations of an array filter for the code ``sub``: checked (or answered) in each source
        holding it, or not (``wanted`` "" for an exclusion)."""
        parts = []
        for source in sources:
            if not any(entry["title"] == sub for entry in self.planner.children(source)):
                continue
            variable = f"{source['title']}_{sub}.NAOK"
            checked = f'{variable} == "Y"' if source["type"] in CHECKBOX_LETTERS else f"!is_empty({variable})"
            parts.append(checked if wanted == "Y" else f"!({checked})")
        return parts

    # --- tailoring -------------------------------------------------------------------------------------------

    def _piped(self, text, here, where, scope=None):
        if not text or ("{" not in text and "}" not in text):
            return text
        if here is not None:
            here = Here(here.record, here.page, here.question, piping=True)
        piped, problems = tailoring(text, scope or self.scope, here)
        for braces, reason in problems:
            self.removed.setdefault(where, []).append((braces, reason))
        return piped

    def _report_removed(self):
        """One line per text holder: the expressions removed and why (the first few)."""
        for where, removed in self.removed.items():
            unique = list(dict.fromkeys(removed))
            parts = "; ".join(f"« {short(braces, 60)} » ({reason})" for braces, reason in unique[:4])
            more = _(" et %(count)s autres") % {"count": len(unique) - 4} if len(unique) > 4 else ""
            self.planner.missed(
                _("%(where)s : retiré du texte, affiché sans : %(parts)s%(more)s.")
                % {"where": where, "parts": parts, "more": more}
            )

    def _texts(self, section, page):
        here = Here(page=page)
        where = _("Page « %(title)s »") % {"title": short(section.title_fr)}
        for name in ("title_fr", "title_en", "intro_fr", "intro_en"):
            setattr(section, name, self._piped(getattr(section, name), here, where))

    def _question_texts(self, question, record, here):
        where = _("Question %(code)s") % {"code": question.code}
        for name in ("text_fr", "text_en", "help_fr", "help_en"):
            setattr(question, name, self._piped(getattr(question, name), here, where))
        for options in ("choices", "rows"):
            setattr(
                question,
                options,
                [
                    (code, self._piped(label_fr, here, where), self._piped(label_en, here, where))
                    for code, label_fr, label_en in getattr(question, options)
                ],
            )

    def _survey_texts(self):
        """Texts shown before any answer: nothing to pipe, every expression is removed (and reported)."""

        def nothing(name, here):
            raise Untranslatable(_("texte du questionnaire, sans réponses à citer"))

        for name in ("title_fr", "title_en", "concept_fr", "concept_en", "thank_you_fr", "thank_you_en"):
            setattr(self.plan, name, self._piped(getattr(self.plan, name), None, _("Questionnaire"), nothing))
