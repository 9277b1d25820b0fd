from django import forms

from .models import Category, Difficulty, Stage

ANY = [("", "Any")]


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
    category = forms.ChoiceField(choices=ANY + Category.choices, required=False)
    difficulty = forms.ChoiceField(choices=ANY + Difficulty.choices, required=False)
    stage = forms.ChoiceField(label="Workflow stage", choices=ANY + Stage.choices, required=False)
    competency = forms.ChoiceField(required=False)
    tag = forms.ChoiceField(required=False)

    def __init__(self, *args, competencies: list[tuple[str, str]], tags: list[str], **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["competency"].choices = ANY + competencies
        self.fields["tag"].choices = ANY + [(t, t) for t in tags]

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
