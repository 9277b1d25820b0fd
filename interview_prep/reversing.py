"""`reverse()` for URLs with integer arguments, worked out once per process and URL name.

Django's `reverse()` costs ~35 µs a call; the practice page needs a dozen (one per question
of the session, one per button). `reverse_ints` reverses each name once, with sentinel
numbers for its arguments, and afterwards only puts the numbers in: the same string
`reverse()` gives for `<int:…>` arguments (tests/test_reversing.py), at ~1 µs.
"""

import re

from django.urls import get_script_prefix, reverse

# Numbers no URL of ours holds otherwise, one per argument position.
_SENTINELS = ("918273645001", "918273645002", "918273645003")
_SPLIT = re.compile("(" + "|".join(_SENTINELS) + ")")
# Per (script prefix, name, argument count): the URL's literal parts, with the argument index
# between them (parts[1::2]); filling in joins them, so no argument's digits are ever
# mistaken for a sentinel.
_templates: dict[tuple[str, str, int], list] = {}
MAX_TEMPLATES = 200  # a few dozen names; never let odd script prefixes grow this unbounded


def reverse_ints(viewname: str, *args: int) -> str:
    if len(args) > len(_SENTINELS) or not all(type(a) is int and a >= 0 for a in args):
        return reverse(viewname, args=args)
    key = (get_script_prefix(), viewname, len(args))
    parts = _templates.get(key)
    if parts is None:
        url = reverse(viewname, args=[int(s) for s in _SENTINELS[: len(args)]])
        if any(url.count(s) != 1 for s in _SENTINELS[: len(args)]):
            return reverse(viewname, args=args)  # not a plain int path: leave it to Django
        parts = _SPLIT.split(url)
        parts[1::2] = [_SENTINELS.index(s) for s in parts[1::2]]
        if len(_templates) < MAX_TEMPLATES:
            _templates[key] = parts
    return "".join(str(args[p]) if i % 2 else p for i, p in enumerate(parts))
