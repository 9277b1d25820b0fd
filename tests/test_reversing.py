"""interview_prep/reversing.py gives what Django's reverse() gives."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from interview_prep.reversing import reverse_ints

ATTEMPT_VIEWS = [
    "attempt_detail",
    "attempt_save",
    "attempt_reveal",
    "attempt_rate",
    "attempt_check",
    "attempt_save_story",
    "story_picker",
    "attempt_use_story",
]


@pytest.mark.parametrize("view", ATTEMPT_VIEWS)
@pytest.mark.parametrize(
    "args",
    [
        (1, 1),
        (19, 3),
        (123456, 10),
        (0, 0),
        (918, 273),
        # Arguments whose digits hold the sentinels themselves are put in as they are.
        (918273645002, 5),
        (1918273645002, 918273645001),
    ],
)
def test_it_matches_reverse(view, args):
    name = f"practice:{view}"
    assert reverse_ints(name, *args) == reverse(name, args=args)


@pytest.mark.parametrize("name", ["practice:session_summary", "stories:detail"])
def test_one_argument_and_a_script_prefix(name):
    assert reverse_ints(name, 7) == reverse(name, args=[7])
    set_script_prefix("/prep/")
    try:
        assert reverse_ints(name, 7) == reverse(name, args=[7]) and "/prep/" in reverse(
            name, args=[7]
        )
    finally:
        clear_script_prefix()
    assert not reverse_ints(name, 7).startswith("/prep/")


def test_what_it_cannot_take_goes_to_reverse():
    with pytest.raises(NoReverseMatch):
        reverse_ints("practice:attempt_detail", -1, 2)  # Django's int converter: no negatives
    with pytest.raises(NoReverseMatch):
        reverse_ints("practice:attempt_detail", 1)  # wrong number of arguments
    assert reverse_ints("progress") == reverse("progress")
