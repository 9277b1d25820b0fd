"""`.ci/advisories.py`: the fallback audit reads PyPI's advisories, and never passes what it
could not check."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("advisories", ROOT / ".ci" / "advisories.py")
advisories = importlib.util.module_from_spec(spec)
spec.loader.exec_module(advisories)

VULN = {
    "id": "PYSEC-2026-1",
    "aliases": ["CVE-2026-0001"],
    "fixed_in": ["2.0.1"],
    "withdrawn": None,
}
PAGES = {
    # A full index: the release's own page.
    "https://pypi.org/pypi/exact/1.0/json": {"info": {"version": "1.0"}, "vulnerabilities": []},
    "https://pypi.org/pypi/badexact/1.0/json": {
        "info": {"version": "1.0"},
        "vulnerabilities": [VULN],
    },
    # A mirror with projects' pages only.
    "https://pypi.org/pypi/latest/json": {"info": {"version": "3.0"}, "vulnerabilities": []},
    "https://pypi.org/pypi/badlatest/json": {
        "info": {"version": "2.0"},
        "vulnerabilities": [VULN, {**VULN, "id": "GHSA-old", "withdrawn": "2026-01-01"}],
    },
    "https://pypi.org/pypi/older/json": {"info": {"version": "5.1"}, "vulnerabilities": []},
}


def audit(locked):
    return advisories.audit(locked, get=PAGES.get)


def test_a_release_page_or_the_latest_release_counts_as_checked():
    assert audit([("exact", "1.0"), ("latest", "3.0"), ("latest", "3.0.0")]) == (3, [], [])


def test_vulnerabilities_are_reported_withdrawn_ones_are_not():
    checked, found, unchecked = audit([("badexact", "1.0"), ("badlatest", "2.0")])
    assert checked == 2 and unchecked == []
    assert found == [
        "badexact 1.0: PYSEC-2026-1 (CVE-2026-0001), fixed in 2.0.1",
        "badlatest 2.0: PYSEC-2026-1 (CVE-2026-0001), fixed in 2.0.1",
    ]


def test_an_older_release_or_an_unreachable_project_is_not_checked_never_passed():
    checked, found, unchecked = audit([("older", "5.0"), ("gone", "1.0")])
    assert (checked, found) == (0, [])
    assert unchecked == [
        "older 5.0: only the latest release's advisories (5.1) could be read",
        "gone 1.0: PyPI has no data for it",
    ]


def test_an_unreachable_pypi_is_given_up_on_quickly():
    asked = []

    def down(url):
        asked.append(url)
        raise advisories.Unreachable("no route to host")

    locked = [(f"p{i}", "1.0") for i in range(50)]
    checked, found, unchecked = advisories.audit(locked, get=down)
    assert (checked, found, len(unchecked)) == (0, [], 50)
    assert unchecked[0] == "p0 1.0: PyPI could not be reached"
    assert len(asked) == advisories.GIVE_UP_AFTER


def test_the_exit_status_and_the_words_ci_looks_for(tmp_path, monkeypatch, capsys):
    lock = tmp_path / "requirements.lock"
    lock.write_text("# pins\nexact==1.0\nlatest==3.0 ; python_version >= '3.12'\n")
    monkeypatch.setattr(advisories, "fetch", PAGES.get)
    assert advisories.main(["advisories.py", str(lock)]) == 0
    assert "2 of 2 locked releases checked" in capsys.readouterr().out
    lock.write_text("badlatest==2.0\nolder==5.0\n")
    assert advisories.main(["advisories.py", str(lock)]) == 1
    out = capsys.readouterr().out
    assert "known vulnerabilities" in out and "not checked: older 5.0" in out


@pytest.mark.parametrize("line", ["Django==6.1.3", "zope.interface==7.2", "typing_extensions==4.1"])
def test_pins_are_read(tmp_path, line):
    lock = tmp_path / "lock"
    lock.write_text(f"{line}\n-e .\n\n")
    assert list(advisories.pins(str(lock))) == [tuple(line.split("=="))]


def test_lines_that_are_not_pins_are_listed_not_checked(tmp_path):
    lock = tmp_path / "lock"
    lock.write_text("# a comment\n-e .\npkg[extra]==1.0\nother===2.0\nexact==1.0\n")
    locked = list(advisories.pins(str(lock)))
    assert locked == [("pkg[extra]==1.0", None), ("other===2.0", None), ("exact", "1.0")]
    checked, found, unchecked = audit(locked)
    assert (checked, found) == (1, [])
    assert unchecked == [
        "pkg[extra]==1.0: not read as a name==version pin",
        "other===2.0: not read as a name==version pin",
    ]


def test_a_page_without_release_information_is_not_checked():
    pages = {"https://pypi.org/pypi/odd/json": {"info": None, "vulnerabilities": []}}
    assert advisories.audit([("odd", "1.0")], get=pages.get) == (
        0,
        [],
        ["odd 1.0: only the latest release's advisories (?) could be read"],
    )
