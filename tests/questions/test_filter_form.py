"""The bank's filter form: choices shared between copies, never leaked between forms."""

import copy

from django import forms

from questions.forms import QuestionFilterForm, SharedChoiceField

COMPETENCIES = [("ml-design", "ML system design"), ("comms", "Communication")]
TAGS = ["drift", "leakage"]


def form(data, competencies=COMPETENCIES, tags=TAGS):
    return QuestionFilterForm(data, competencies=competencies, tags=tags)


def test_known_values_filter_and_unknown_ones_are_refused():
    good = form({"category": "technical", "competency": "comms", "tag": "drift"})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["tag"] == "drift" and good.cleaned_data["competency"] == "comms"
    bad = form({"category": "cooking", "competency": "nope", "tag": "nope"})
    assert not bad.is_valid()
    assert set(bad.errors) == {"category", "competency", "tag"}


def test_each_form_has_its_own_choices():
    first = form({"tag": "drift"})
    second = form({"tag": "drift"}, tags=["other"])
    assert first.is_valid() and not second.is_valid()
    assert [v for v, _ in first.fields["tag"].choices] == ["", "drift", "leakage"]
    assert [v for v, _ in second.fields["tag"].choices] == ["", "other"]
    assert "drift" in str(first["tag"]) and "drift" not in str(second["tag"])
    # The class's own fields are untouched by either.
    assert list(QuestionFilterForm.base_fields["tag"].choices) == []


def test_a_copy_shares_choices_but_not_attributes():
    field = SharedChoiceField(choices=[("a", "A")])
    twin = copy.deepcopy(field)
    assert twin.choices is field.choices and twin.widget.choices is field.widget.choices
    twin.widget.attrs["class"] = "x"
    twin.choices = [("b", "B")]
    assert field.widget.attrs == {} and list(field.choices) == [("a", "A")]
    assert list(field.widget.choices) == [("a", "A")]
    # Renders as Django's own ChoiceField does.
    django = forms.ChoiceField(choices=[("a", "A")])
    assert field.widget.render("f", "a") == django.widget.render("f", "a")
