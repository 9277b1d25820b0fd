import copy

from django import forms

from .models import Category, Difficulty, Stage

ANY = [("", "Any")]


class _SharedChoicesSelect(forms.Select):
    def __deepcopy__(self, memo):
        # Django's Select re-normalises its choices on every copy; these are shared instead.
        result = copy.copy(self)
        result.attrs = self.attrs.copy()
        memo[id(self)] = result
        return result


class SharedChoiceField(forms.ChoiceField):
    """A ChoiceField whose choices are shared by the form's copies, not deep-copied.

    Django deep-copies every field of a form for each instance, and a ChoiceField its whole
    list of choices (normalised again by its widget): three quarters of the bank's filter
    form, ~0.2 ms a request (docs/performance.md). Safe because nothing changes a choices
    list in place: a new list is assigned instead.
    """

    widget = _SharedChoicesSelect

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class QuestionFilterForm(forms.Form):
    """The bank's search and filters. Choices for competency and tag come from the caller,
    so validating the form runs no queries of its own."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. drift, overfitting, stakeholder"}
        ),
    )
    category = SharedChoiceField(choices=ANY + Category.choices, required=False)
    difficulty = SharedChoiceField(choices=ANY + Difficulty.choices, required=False)
    stage = SharedChoiceField(label="Workflow stage", choices=ANY + Stage.choices, required=False)
    competency = SharedChoiceField(required=False)
    tag = SharedChoiceField(required=False)

    def __init__(self, *args, competencies: list[tuple[str, str]], tags: list[str], **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        # Callables: Django normalises a list when it is assigned, a callable only when the
        # choices are read (to check a chosen value, or to draw the menu).
        self.fields["competency"].choices = lambda: ANY + competencies
        self.fields["tag"].choices = lambda: ANY + [(t, t) for t in tags]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class SuggestionForm(forms.Form):
    prompt = forms.CharField(
        label="Your question",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="As an interviewer would ask it.",
    )
    category = forms.ChoiceField(choices=Category.choices)
    why = forms.CharField(
        label="Why it matters",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: where you were asked it, or what it reveals about a candidate.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_prompt(self) -> str:
        prompt = " ".join(self.cleaned_data["prompt"].split())
        if len(prompt) < 15:
            raise forms.ValidationError("Write the whole question: at least 15 characters.")
        return prompt
