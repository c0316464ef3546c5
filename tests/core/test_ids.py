"""The one parser for ids and counts every door uses (domain/ids)."""

from __future__ import annotations

import pytest

from orchestron.core import InvalidInputError, as_id, id_sort_key, parse_count, parse_id
from orchestron.core.domain.ids import MAX_ID_LENGTH, MAX_NUMBER, id_number


@pytest.mark.parametrize(
    ("typed", "prefix", "expected"),
    [
        ("TASK-007", None, "TASK-007"),
        ("task-7", None, "TASK-007"),
        ("  Task-0007 ", None, "TASK-007"),
        ("7", "TASK", "TASK-007"),
        ("12", "SPRINT", "SPRINT-012"),
        ("mem-1234", None, "MEM-1234"),
        (f"TASK-{MAX_NUMBER}", None, f"TASK-{MAX_NUMBER}"),
        ("3f9a-uuid-like", None, "3F9A-UUID-LIKE"),
        ("TASK-²", None, "TASK-²"),  # isdigit() says yes, int() says no: not a number
        ("TASK-١٢", None, "TASK-١٢"),  # Arabic-Indic digits are not an id's number
    ],
)
def test_ids_normalise(typed: str, prefix: str | None, expected: str) -> None:
    assert parse_id(typed, prefix=prefix) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        (7, "not int"),
        (None, "not NoneType"),
        ("TASK-" + "9" * 5000, f"at most {MAX_ID_LENGTH}"),
        ("9" * 5000, f"at most {MAX_ID_LENGTH}"),
        (f"TASK-{MAX_NUMBER + 1}", "out of range"),
        (f"TASK-{2**63}", "out of range"),
    ],
)
def test_bad_ids_are_refused_naming_the_field(value: object, words: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_id(value, "taskId")
    assert raised.value.field == "taskId"
    assert words in raised.value.message
    assert len(raised.value.message) < 200


def test_free_text_is_an_id_only_when_it_can_be() -> None:
    assert as_id("task-3") == "TASK-003"
    assert as_id("working on the API for the next release, see the notes" * 3) is None
    assert as_id("TASK-" + "9" * 40) is None


@pytest.mark.parametrize(
    ("value", "low", "high", "expected"),
    [(0, 0, 10, 0), ("10", 0, 10, 10), (" 3 ", 1, 5, 3), ("-4", -5, 5, -4), ("+2", 0, 5, 2)],
)
def test_counts_parse(value: object, low: int, high: int, expected: int) -> None:
    assert parse_count(value, "limit", low=low, high=high) == expected


@pytest.mark.parametrize(
    "value",
    [11, -1, "11", "9" * 5000, 2**63, 10**5000, True, 1.5, "1.5", "nan", "", "1e3", "²", None],
    ids=lambda v: type(v).__name__ + (str(len(str(v))) if isinstance(v, str) else ""),
)
def test_counts_out_of_range_or_not_whole_are_refused(value: object) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_count(value, "limit", low=0, high=10)
    assert raised.value.field == "limit"
    assert "whole number from 0 to 10" in raised.value.message
    assert len(raised.value.message) < 200  # the 5,000 digits are not echoed


def test_sort_key_orders_numbers_and_never_overflows() -> None:
    ids = ["TASK-10", "TASK-2", "TASK-" + "9" * 40, "SPRINT-1", "TASK-x", "TASK-²"]
    ordered = sorted(ids, key=id_sort_key)
    assert ordered.index("TASK-2") < ordered.index("TASK-10")
    for ident in ids:
        number = id_sort_key(ident)[1]
        assert -1 <= number <= MAX_NUMBER < 2**63
    assert id_number("TASK-" + "9" * 40) is None and id_number("TASK-7") == 7
