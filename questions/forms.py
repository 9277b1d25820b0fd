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
