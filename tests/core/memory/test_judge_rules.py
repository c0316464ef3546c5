"""The judge's rules on their own (pure functions): each verdict, and why."""

from __future__ import annotations

import pytest

from orchestron.core import judge


@pytest.mark.parametrize(
    ("new", "new_topic", "old", "old_topic", "verdict", "why"),
    [
        ("Lint with flake8", "lint", "Lint with ruff", "lint", "conflict", "flake8 vs ruff"),
        (
            "Use spaces for indentation",
            "indent",
            "Use tabs for indentation",
            "style",
            "conflict",
            "spaces vs tabs",
        ),
        (
            "Never deploy on Fridays",
            "deploy",
            "We deploy on Fridays",
            "deploy",
            "conflict",
            "denies",
        ),
        (
            "mypy runs in default mode, not strict",
            "typing",
            "mypy runs in strict mode",
            "typing",
            "conflict",
            "strict",
        ),
        (
            "Use os.path instead of pathlib",
            "python",
            "Use pathlib instead of os.path",
            "python",
            "conflict",
            "pathlib",
        ),
        (
            "The CI matrix covers Linux only",
            "ci",
            "The CI matrix covers Linux and macOS",
            "ci",
            "conflict",
            "only",
        ),
        (
            "We use Celery for background jobs",
            "jobs",
            "Background jobs run on Celery",
            "queue",
            "same",
            "Celery",
        ),
        (
            "Staging runs on k8s",
            "staging",
            "The staging cluster runs on Kubernetes",
            "k8s",
            "same",
            "k8s",
        ),
        (
            "Cron schedules are in UTC rather than local time",
            "cron",
            "Cron jobs run in UTC, not local time",
            "cron",
            "maybe",  # by words alone; alike in meaning it is the same (below)
            "UTC",
        ),
        (
            "The worker retries failed jobs 3 times",
            "retries",
            "The worker retries failed jobs",
            "retries",
            "maybe",
            "3 times",
        ),
        (
            "Database backups run every night at 2 am",
            "database",
            "PostgreSQL is the main database",
            "database",
            "different",
            "",
        ),
        (
            "Use the b layout for module 1",
            "layout-1",
            "Use the b layout for module 0",
            "layout-0",
            "different",
            "",
        ),
        ("✅✅", "tests", "🚀🚀🚀", "deploy", "different", "no words"),
        ("🚀🚀🚀", "deploy", "🚀🚀🚀", "deploy", "same", "same text"),
    ],
)
def test_verdicts_and_their_reasons(
    new: str, new_topic: str, old: str, old_topic: str, verdict: str, why: str
) -> None:
    judged = judge(new, new_topic, old, old_topic)
    assert judged.verdict == verdict, judged
    assert why in judged.reason


def test_a_negated_claim_is_never_the_same_claim() -> None:
    judged = judge(
        "Pull requests do not touch CHANGELOG.md",
        "pr",
        "Every pull request updates CHANGELOG.md",
        "pr",
        0.9,
    )
    assert judged.verdict != "same"


def test_meaning_settles_what_words_leave_open() -> None:
    cron = judge(
        "Cron schedules are in UTC rather than local time",
        "cron",
        "Cron jobs run in UTC, not local time",
        "cron",
        meaning=0.8,
    )
    assert cron.verdict == "same"
    new, old = "Postgres is our database", "We use PostgreSQL for persistence"
    assert judge(new, "db", old, "database").verdict == "maybe"
    assert judge(new, "db", old, "database", meaning=0.9).verdict == "same"
