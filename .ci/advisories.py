"""Known vulnerabilities of the locked releases, read from PyPI where pip-audit cannot read them.

pip-audit asks PyPI for each locked release's page (`/pypi/<name>/<version>/json`), whose
`vulnerabilities` are the release's advisories (from the OSV database). Some networks, this
project's sandbox among them, reach only a mirror that serves each project's page
(`/pypi/<name>/json`) and not the releases' pages, and pip-audit then reports every package
as "not audited". A project's page carries the advisories of the project's latest release:
for a package locked at that release they are exactly what pip-audit would have reported.
A package locked at an older release is listed as not checked, never passed.

    python .ci/advisories.py [requirements.lock]

Exits 1 if a locked release has a known vulnerability (and prints "known vulnerabilities",
which CI looks for), 0 otherwise.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

from packaging.version import InvalidVersion, Version

INDEX = "https://pypi.org/pypi"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#=][^\s;#]*)")


def pins(path: str) -> Iterator[tuple[str, str | None]]:
    """(name, version) per pinned line; (line, None) for a line this cannot read as a pin."""
    with open(path, encoding="utf-8") as lock:
        for line in lock:
            line = line.strip()
            if match := PIN.match(line):
                yield match.group(1), match.group(2)
            elif line and not line.startswith(("#", "-")):
                yield line, None


# After this many pages in a row fail to arrive (no network, a hanging proxy), the rest are
# not tried: the audit must not hold CI up for minutes of timeouts.
GIVE_UP_AFTER = 3


class Unreachable(Exception):
    """PyPI did not answer at all (as opposed to answering "no such page")."""


def fetch(url: str) -> dict | None:
    """A PyPI JSON page, None if PyPI has no such page; Unreachable if PyPI did not answer."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            page = json.load(response)
    except urllib.error.HTTPError:
        return None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        raise Unreachable(str(exc)) from exc
    return page if isinstance(page, dict) else None


def same_release(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def audit(
    locked: list[tuple[str, str | None]], get: Callable[[str], dict | None] | None = None
) -> tuple[int, list[str], list[str]]:
    """(releases checked, vulnerabilities found, releases not checked), one line each."""
    get = get or fetch
    checked, found, unchecked = 0, [], []
    failures = 0  # pages in a row that did not arrive
    for name, version in locked:
        if version is None:
            unchecked.append(f"{name}: not read as a name==version pin")
            continue
        try:
            if failures >= GIVE_UP_AFTER:
                raise Unreachable("not tried")
            page = get(f"{INDEX}/{name}/{version}/json") or get(f"{INDEX}/{name}/json")
        except Unreachable:
            failures += 1
            unchecked.append(f"{name} {version}: PyPI could not be reached")
            continue
        failures = 0
        if page is None:
            unchecked.append(f"{name} {version}: PyPI has no data for it")
            continue
        # A release's page is about that release; a project's page about its latest one.
        shown = str((page.get("info") or {}).get("version") or "?")
        if not same_release(shown, version):
            unchecked.append(
                f"{name} {version}: only the latest release's advisories ({shown}) could be read"
            )
            continue
        checked += 1
        for vuln in page.get("vulnerabilities") or []:
            if vuln.get("withdrawn"):
                continue
            aliases = ", ".join(vuln.get("aliases") or [])
            fixed = ", ".join(vuln.get("fixed_in") or []) or "no fixed release yet"
            found.append(
                f"{name} {version}: {vuln.get('id', '?')}"
                + (f" ({aliases})" if aliases else "")
                + f", fixed in {fixed}"
            )
    return checked, found, unchecked


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "requirements.lock"
    locked = list(pins(path))
    checked, found, unchecked = audit(locked)
    for line in unchecked:
        print(f"not checked: {line}")
    for line in found:
        print(f"VULNERABLE: {line}")
    print(
        f"PyPI advisories: {checked} of {len(locked)} locked releases checked, "
        f"{len(unchecked)} not checked."
    )
    if found:
        print(f"Found {len(found)} known vulnerabilities.")
        return 1
    print("No known vulnerabilities in the releases checked.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
