"""interview_prep/widgets.py renders exactly what Django's widget templates render."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from interview_prep.widgets import HiddenInput, Textarea
from practice.forms import AnswerForm

VALUES = [None, "", "plain", 'tags <b>&amp; "quotes"\' &', "\nleading newline", 0, 42, "ünï ✓"]
ATTRS = [
    None,
    {"id": "id_x"},
    {"id": "id_x", "rows": 3, "data-words": "x", "aria-describedby": "a b", "required": True},
    {"hidden": False, "title": 'say "hi" <now>', "data-n": None},
]


@pytest.mark.parametrize("value", [*VALUES, mark_safe("<i>safe</i>")])
@pytest.mark.parametrize("attrs", ATTRS)
def test_textarea_matches_djangos_template(value, attrs):
    ours = Textarea(attrs={"rows": 7, "class": "c"})
    django = forms.Textarea(attrs={"rows": 7, "class": "c"})
    assert ours.render("answer", value, attrs) == django.render("answer", value, attrs)


@pytest.mark.parametrize("value", [*VALUES, mark_safe("<i>safe</i>")])
@pytest.mark.parametrize("attrs", ATTRS)
def test_hidden_input_matches_djangos_template(value, attrs):
    assert HiddenInput().render("version", value, attrs) == forms.HiddenInput().render(
        "version", value, attrs
    )


@pytest.mark.parametrize("star", [True, False])
@pytest.mark.parametrize("bound", [False, True])
def test_the_answer_form_renders_as_with_djangos_widgets(star, bound):
    """The whole form, bound (with an error) and unbound, as Django's own widgets render it."""
    data = {"situation": "At a <bank>", "answer": "x" * 30, "version": "nope", "elapsed": "5"}
    ours = AnswerForm(data if bound else None, star=star, initial={"version": 3})
    theirs = AnswerForm(data if bound else None, star=star, initial={"version": 3})
    for field in theirs.fields.values():
        field.widget = (
            forms.HiddenInput(attrs=field.widget.attrs)
            if field.widget.is_hidden
            else forms.Textarea(attrs=field.widget.attrs)
        )
    assert all(isinstance(f.widget, (Textarea, HiddenInput)) for f in ours.fields.values())
    if bound:
        assert ours.errors and theirs.errors  # an invalid version: aria-invalid, error ids
    for name in ours.fields:
        assert str(ours[name]) == str(theirs[name]), name


@pytest.mark.django_db
@pytest.mark.parametrize("star", [True, False])
@pytest.mark.parametrize("bound", [False, True])
def test_the_practice_page_writes_the_answer_form_as_django_would(auth_client, user, star, bound):
    """The page writes labels and hidden inputs itself (docs/performance.md): they must be
    what the form's own `label_tag()` and widgets render, unbound and re-rendered after a
    refused save (an over-long part, no JavaScript), when they carry what was posted."""
    from practice.models import MAX_ANSWER_CHARS
    from tests.factories import AttemptFactory, QuestionFactory

    question = QuestionFactory(category="behavioral" if star else "technical")
    attempt = AttemptFactory(
        session__user=user, question=question, position=1, elapsed_seconds=7, version=3
    )
    assert attempt.uses_star is star
    url = attempt.get_absolute_url()
    data = None
    long_field = "action" if star else "answer"
    if bound:
        # Posted from an older copy (version 1 of 3): the page must carry what was posted.
        text = "word " * (MAX_ANSWER_CHARS // 5 + 1)
        data = {long_field: text, "version": "1", "elapsed": "12"}
        response = auth_client.post(url + "save/", data)
    else:
        response = auth_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    form = AnswerForm(data, star=star, initial={"version": 3, "elapsed": 7})
    assert form.is_bound is bound
    if bound:
        assert not form.is_valid() and str(form[long_field].errors) in html
        assert 'value="1" id="id_version"' in html and 'value="3"' not in html
    else:
        assert 'value="3" id="id_version"' in html
    for name, field in form.fields.items():
        bf = form[name]
        if name == "force":
            assert 'name="force"' not in html.split('id="answer-form"')[1].split("</form>")[0]
        elif field.widget.is_hidden:
            assert str(bf) in html, name
        else:
            assert bf.label_tag() in html and str(bf) in html, name
