"""docs/security/asvs-l2.md assesses every ASVS 5.0.0 Level 1 and 2 requirement once, and its counts add up."""

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "security" / "asvs-l2.md"
# The requirement ids and levels of the standard's own CSV (OWASP/ASVS, 5.0/docs_en), Levels 1 and 2.
STANDARD = Path(__file__).with_name("asvs-5.0.0-l1-l2.txt")
STATUSES = ("met", "n/a", "exception")
ROW = re.compile(r"^\| (\d+\.\d+\.\d+) \| (\d) \| [^|]+ \| ([^|]+?) \| ([^|]*) \|$", re.M)


def standard() -> dict[str, str]:
    lines = [line.split() for line in STANDARD.read_text().splitlines() if line and not line.startswith("#")]
    return {requirement.removeprefix("V"): level for requirement, level in lines}


def rows() -> list[tuple[str, str, str, str]]:
    return ROW.findall(PAGE.read_text())


def status_of(text: str) -> str:
    return text.split(":")[0].strip()


def test_every_level_1_and_2_requirement_is_assessed_once_at_its_level():
    expected = standard()
    assert len(expected) == 253
    found = Counter(requirement for requirement, *_ in rows())
    assert sorted(name for name, count in found.items() if count > 1) == []
    assert sorted(set(expected) - set(found)) == []
    assert sorted(set(found) - set(expected)) == []
    assert {requirement: level for requirement, level, *_ in rows()} == expected


def test_each_line_has_a_status_and_says_where_or_why():
    for requirement, _, status, where in rows():
        assert status_of(status) in STATUSES, (requirement, status)
        assert len(where.strip()) > 10, requirement
        assert "partly" not in status.lower(), requirement


def test_the_counts_add_up():
    counts = Counter(status_of(status) for *_, status, _ in rows())
    levels = Counter(level for _, level, *_ in rows())
    text = PAGE.read_text()
    stated = re.search(
        r"\*\*Counts:\*\* assessed (\d+) \(Level 1: (\d+), Level 2: (\d+)\); met (\d+);\s+not applicable (\d+); "
        r"exceptions (\d+)\.",
        text,
    )
    assert stated, "the counts line is missing"
    assert [int(value) for value in stated.groups()] == [
        sum(counts.values()),
        levels["1"],
        levels["2"],
        counts["met"],
        counts["n/a"],
        counts["exception"],
    ]
