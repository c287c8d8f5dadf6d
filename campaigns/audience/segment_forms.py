"""The segment form of the admin: each rule's values picked from the list of its attribute (names shown, codes
stored), and checked when saved, so that a segment never holds a value that no ambassador can have."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from campaigns.audience.segments import DATE_ATTRIBUTES, rule_choices, rule_value_cleaned, split_values
from campaigns.models import SegmentRule


class RuleValuesWidget(forms.TextInput):
    """A text field (codes or names, or a date) and, for each attribute that takes values from a list, the list as
    checkboxes; a small script shows the list of the chosen attribute and writes the codes of the boxes ticked."""

    template_name = "campaigns/widgets/rule_values.html"

    class Media:
        js = ["campaigns/rule_values.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {item.casefold() for item in split_values(value or "")}
        context["lists"] = [
            {
                "attribute": attribute,
                "choices": [(code, name, code.casefold() in chosen) for code, name in rule_choices(attribute)],
            }
            for attribute in SegmentRule.Attribute.values
            if attribute not in DATE_ATTRIBUTES
        ]
        return context


class SegmentAdminForm(WagtailAdminModelForm):
    """Refuses a rule whose values are not on its attribute's list, at the rule's own field; stores codes."""

    def clean(self):
        cleaned = super().clean()
        rules = self.formsets.get("rules")
        if rules is None:
            return cleaned
        for form in rules.forms:
            if not form.is_valid():
                continue
            data = form.cleaned_data
            if not data or data.get("DELETE") or not data.get("attribute"):
                continue
            try:
                value = rule_value_cleaned(data["attribute"], data.get("value", ""))
            except ValidationError as exc:
                form.add_error("value", exc)
                continue
            data["value"] = value
            form.instance.value = value
        return cleaned
