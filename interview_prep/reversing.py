"""`reverse()` for URLs with integer arguments, worked out once per process and URL name.

Django's `reverse()` costs ~35 µs a call; the practice page needs a dozen (one per question
of the session, one per button). `reverse_ints` reverses each name once, with sentinel
numbers for its arguments, and afterwards only puts the numbers in: the same string
`reverse()` gives for `<int:…>` arguments (tests/test_reversing.py), at ~1 µs.
"""

from django.urls import get_script_prefix, reverse

# Numbers no URL of ours holds otherwise, one per argument position.
_SENTINELS = ("918273645001", "918273645002", "918273645003")
_templates: dict[tuple[str, str, int], str] = {}
MAX_TEMPLATES = 200  # a few dozen names; never let odd script prefixes grow this unbounded


def reverse_ints(viewname: str, *args: int) -> str:
    if len(args) > len(_SENTINELS) or not all(type(a) is int and a >= 0 for a in args):
        return reverse(viewname, args=args)
    key = (get_script_prefix(), viewname, len(args))
    template = _templates.get(key)
    if template is None:
        template = reverse(viewname, args=[int(s) for s in _SENTINELS[: len(args)]])
        if any(template.count(s) != 1 for s in _SENTINELS[: len(args)]):
            return reverse(viewname, args=args)  # not a plain int path: leave it to Django
        if len(_templates) < MAX_TEMPLATES:
            _templates[key] = template
    for sentinel, value in zip(_SENTINELS, args, strict=False):
        template = template.replace(sentinel, str(value))
    return template
