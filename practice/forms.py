from django import forms
from django.contrib.auth.forms import UserCreationForm

from interview_prep.widgets import HiddenInput, Textarea
from questions.forms import ANY
from questions.models import Category, Competency, Difficulty, Question, Stage

from .models import MAX_ANSWER_CHARS, RATING_MEANINGS, STAR_PARTS, Mode, Rating, Story


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional: only used to reset your password."
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


class DrillForm(forms.Form):
    mode = forms.CharField(widget=forms.HiddenInput, initial=Mode.DRILL)
    category = forms.ChoiceField(choices=ANY + Category.choices, required=False)
    stage = forms.ChoiceField(label="Workflow stage", choices=ANY + Stage.choices, required=False)
    competency = forms.ChoiceField(required=False)
    tag = forms.ChoiceField(required=False)
    difficulty = forms.ChoiceField(choices=ANY + Difficulty.choices, required=False)
    count = forms.IntegerField(label="Questions", min_value=1, max_value=20, initial=5)
    # "Practise these again" sends the exact questions.
    keys = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, competencies=(), tags=(), **kwargs):
        super().__init__(*args, label_suffix="", prefix="drill", **kwargs)
        self.fields["competency"].choices = ANY + list(competencies)
        self.fields["tag"].choices = ANY + [(t, t) for t in tags]

    def clean_keys(self) -> list[str]:
        return [k for k in self.cleaned_data["keys"].split(",") if k][:20]


class MockForm(forms.Form):
    mode = forms.CharField(widget=forms.HiddenInput, initial=Mode.MOCK)
    behavioral = forms.IntegerField(label="Behavioral", min_value=0, max_value=6, initial=2)
    technical = forms.IntegerField(label="Technical", min_value=0, max_value=6, initial=2)
    situational = forms.IntegerField(label="Situational", min_value=0, max_value=6, initial=2)
    difficulty = forms.ChoiceField(choices=ANY + Difficulty.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", prefix="mock", **kwargs)

    def clean(self):
        data = super().clean()
        if sum(data.get(c, 0) or 0 for c in Category.values) == 0:
            raise forms.ValidationError("Ask for at least one question.")
        return data


class ReviewForm(forms.Form):
    mode = forms.CharField(widget=forms.HiddenInput, initial=Mode.REVIEW)
    count = forms.IntegerField(label="Questions", min_value=1, max_value=20, initial=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", prefix="review", **kwargs)


def _answer_text(name: str, rows: int, **kwargs) -> forms.CharField:
    # No maxlength attribute: the browser would silently cut pasted text. The server refuses
    # oversize answers instead, with the limit named (clean() below). practice.js counts the
    # words of each part by its data-words.
    widget = Textarea(attrs={"rows": rows, "data-words": name})
    return forms.CharField(required=False, strip=False, widget=widget, **kwargs)


class AnswerForm(forms.Form):
    """An answer: the four STAR parts (`star=True`), or a free answer and notes."""

    situation = _answer_text(
        "situation", 3, help_text="Where and when: the context, in a sentence or two."
    )
    task = _answer_text(
        "task", 3, help_text="What you were responsible for, and what was at stake."
    )
    action = _answer_text(
        "action", 7, help_text='What you did, step by step: use "I". Most of the answer goes here.'
    )
    result = _answer_text(
        "result", 3, help_text="What happened: numbers, outcomes, what you learned."
    )
    answer = _answer_text("answer", 10, label="Your answer")
    notes = _answer_text("notes", 3, label="Notes (optional)")
    version = forms.IntegerField(min_value=0, widget=HiddenInput)
    elapsed = forms.IntegerField(required=False, min_value=0, widget=HiddenInput)
    force = forms.BooleanField(required=False, widget=HiddenInput)

    def __init__(self, *args, star: bool, **kwargs):
        # Django deep-copies `base_fields` for every form: copy only the fields this kind of
        # answer has (a tenth of the practice page's view time went on copying the others).
        self.base_fields = _STAR_FIELDS if star else _PLAIN_FIELDS
        super().__init__(*args, label_suffix="", **kwargs)

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str) and len(value) > MAX_ANSWER_CHARS:
                self.add_error(
                    name,
                    f"This field has {len(value):,} characters; the limit is "
                    f"{MAX_ANSWER_CHARS:,}. Your text is still here: shorten it and save again.",
                )
        return data

    def texts(self) -> dict[str, str]:
        return {n: v for n, v in self.cleaned_data.items() if isinstance(v, str)}


_STAR_FIELDS = {n: f for n, f in AnswerForm.base_fields.items() if n not in ("answer", "notes")}
_PLAIN_FIELDS = {n: f for n, f in AnswerForm.base_fields.items() if n not in STAR_PARTS}


class ChecklistForm(forms.Form):
    covered = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    red_flags = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, question, flags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["covered"].choices = list(enumerate(question.key_points))
        self.fields["red_flags"].choices = [(f.pk, f.title) for f in flags]


class RateForm(forms.Form):
    rating = forms.ChoiceField(choices=Rating.choices)
    elapsed = forms.IntegerField(required=False, min_value=0, max_value=6 * 60 * 60)


# The keys as text: the page shows each three times, and Django localizes every number it
# renders (~6 µs each).
RATING_BUTTONS = [
    {"value": r.value, "label": r.label, "key": str(n), "meaning": RATING_MEANINGS[r]}
    for n, r in enumerate((Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY), start=1)
]


class StoryForm(forms.ModelForm):
    tags = forms.CharField(
        required=False,
        max_length=300,
        help_text="Optional, separated by commas: e.g. fraud, on-call.",
    )

    class Meta:
        model = Story
        fields = (
            "title",
            "situation",
            "task",
            "action",
            "result",
            "competencies",
            "tags",
            "questions",
        )
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 3}),
            "task": forms.Textarea(attrs={"rows": 3}),
            "action": forms.Textarea(attrs={"rows": 6}),
            "result": forms.Textarea(attrs={"rows": 3}),
            "competencies": forms.CheckboxSelectMultiple,
            "questions": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "title": "A short name you'll recognise, such as “Fraud model rescue”.",
            "competencies": "What this story shows an interviewer.",
            "questions": "Tick the behavioral and situational questions this story answers.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["questions"].queryset = (
            Question.objects.published()
            .exclude(category="technical")
            .order_by("category", "prompt")
            .only("pk", "prompt", "category")
        )
        self.fields["questions"].label_from_instance = lambda q: q.prompt
        self.fields["competencies"].queryset = Competency.objects.order_by("name")
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(self.instance.tags)
        for part in STAR_PARTS:
            self.fields[part].widget.attrs["data-words"] = part

    def question_groups(self) -> list[tuple[str, list]]:
        """The question checkboxes under their category's name, linked ones first (they come
        in the queryset's order: category, then prompt; each carries its question)."""
        groups: dict[str, list] = {}
        for option in self["questions"]:
            groups.setdefault(option.data["value"].instance.category, []).append(option)
        return [
            (Category(category).label, sorted(options, key=lambda o: not o.data["selected"]))
            for category, options in groups.items()
        ]

    def clean_tags(self) -> list[str]:
        tags = [t.strip().lower() for t in self.cleaned_data["tags"].split(",")]
        return list(dict.fromkeys(t for t in tags if t))[:12]

    def clean(self):
        data = super().clean()
        for part in STAR_PARTS:
            if len(data.get(part) or "") > MAX_ANSWER_CHARS:
                self.add_error(
                    part,
                    f"The limit is {MAX_ANSWER_CHARS:,} characters; this has {len(data[part]):,}.",
                )
        if not any((data.get(part) or "").strip() for part in STAR_PARTS):
            raise forms.ValidationError("Write at least one part of the story.")
        return data
