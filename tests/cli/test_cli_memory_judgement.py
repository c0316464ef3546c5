"""`orchestron memory add | search | stale` judging by meaning, as a person runs them, and
issue 18's memory findings (texts without words, c++ and c#, topics in any script)."""

from __future__ import annotations

from cli_harness import Cli


def add(cli: Cli, text: str, topic: str, kind: str = "decision") -> str:
    return cli("memory", "add", text, "-k", kind, "--topic", topic)


def test_texts_with_no_word_characters_are_two_claims_not_one(cli: Cli) -> None:
    rocket = cli.json("memory", "add", "🚀🚀🚀", "-k", "fact", "--topic", "deploy")
    ticks = cli.json("memory", "add", "✅✅", "-k", "fact", "--topic", "tests")
    assert (rocket["outcome"], ticks["outcome"]) == ("added", "added")
    assert ticks["entry"]["id"] != rocket["entry"]["id"]
    listed = cli.json("memory", "list")["entries"]
    assert [(e["topic"], e["text"], e["status"]) for e in listed] == [
        ("deploy", "🚀🚀🚀", "ACTIVE"),
        ("tests", "✅✅", "ACTIVE"),
    ]
    assert cli.json("inbox")["requests"] == []
    assert "a bug in" not in cli.run("memory", "list").stderr


def test_c_plus_plus_and_c_sharp_are_two_topics_and_raise_no_dispute(cli: Cli) -> None:
    out = add(cli, "Format the code with clang-format", "c++", "convention")
    assert "added: MEM-001 CONVENTION c++:" in out
    out = add(cli, "Format the code with dotnet format", "C#", "convention")
    assert "added: MEM-002 CONVENTION c#:" in out and "DISPUTED" not in out
    assert [e["topic"] for e in cli.json("memory", "list")["entries"]] == ["c++", "c#"]
    assert cli.json("inbox")["requests"] == []


def test_a_topic_in_another_script_is_accepted(cli: Cli) -> None:
    done = cli.run("memory", "add", "We use PostgreSQL", "-k", "decision", "--topic", "数据库")
    assert done.returncode == 0, done.stderr
    assert "a bug in" not in done.stderr + done.stdout
    assert "added: MEM-001 DECISION 数据库: We use PostgreSQL" in done.stdout
    assert [e["id"] for e in cli.json("memory", "list", "--topic", "数据库")["entries"]] == [
        "MEM-001"
    ]
    refused = cli.run("memory", "add", "We use SQLite", "-k", "decision", "--topic", "+++")
    assert refused.returncode != 0 and "a bug in" not in refused.stderr
    assert "topic: '+++' has no letters or digits" in refused.stderr


def test_the_three_outcomes_each_say_why(cli: Cli) -> None:
    add(cli, "Background jobs run on Celery", "queue")
    merged = add(cli, "We use Celery for background jobs", "jobs")
    assert merged.startswith("merged: MEM-001") and "why: the same claim as MEM-001" in merged
    disputed = add(cli, "Background jobs run on RQ", "queue")
    assert disputed.startswith("disputed: MEM-002")
    assert "why: conflicts with MEM-001" in disputed and "RQ vs Celery" in disputed
    assert "orchestron memory resolve REQ-001" in disputed
    beside = add(cli, "Celery workers are restarted every night", "queue")
    assert beside.startswith("added: MEM-003") and "why: a claim of its own" in beside
    assert "by words only" not in merged + disputed + beside
    [request] = cli.json("inbox")["requests"]  # one request, for the one conflict
    assert request["id"] == "REQ-001"


def test_weak_evidence_is_kept_and_listed_as_maybe_the_same_in_stale(cli: Cli) -> None:
    add(cli, "The worker retries failed jobs", "retries", "fact")
    out = add(cli, "The worker retries failed jobs 3 times", "retries", "fact")
    assert out.startswith("added: MEM-002")
    assert "maybe the same as MEM-001" in out and "orchestron memory stale" in out
    stale = cli("memory", "stale")
    assert "MEM-002" in stale and 'maybe the same as MEM-001 "The worker retries' in stale
    listed = cli.json("memory", "stale")["stale"]
    assert [(s["id"], s.get("maybe_same_as")) for s in listed] == [("MEM-002", "MEM-001")]
    cli("memory", "confirm", "MEM-002")
    assert "nothing to check" in cli("memory", "stale")


def test_search_by_meaning_finds_an_entry_sharing_no_word(cli: Cli) -> None:
    add(cli, "The test DB needs TZ=UTC", "tests", "gotcha")
    add(cli, "Use ruff for linting", "lint", "convention")
    found = cli.json("memory", "search", "timezone")
    assert [e["id"] for e in found["entries"]][:1] == ["MEM-001"]


def test_without_an_embedding_model_memory_says_it_judges_by_words(cli: Cli) -> None:
    words = {"ORCHESTRON_EMBEDDER": "none"}
    done = cli.run(
        "memory", "add", "Use ruff for linting", "-k", "convention", "--topic", "lint", env=words
    )
    assert done.returncode == 0, done.stderr
    assert "judged by words only" in done.stdout
    assert "ORCHESTRON_EMBEDDER=none asks for words alone" in done.stdout
    searched = cli.run("memory", "search", "timezone", env=words)
    assert "matched by words only" in searched.stdout
    bad = cli.run("memory", "search", "x", env={"ORCHESTRON_EMBEDDER": "bert"})
    assert bad.returncode != 0 and "ORCHESTRON_EMBEDDER" in bad.stderr
    assert "a bug in" not in bad.stderr


def test_reindex_gives_entries_kept_without_a_model_their_vectors(cli: Cli) -> None:
    words = {"ORCHESTRON_EMBEDDER": "none"}
    for n in range(3):
        done = cli.run(
            "memory",
            "add",
            f"Service {n} listens on port {8000 + n}",
            "-k",
            "fact",
            "--topic",
            f"svc-{n}",
            env=words,
        )
        assert done.returncode == 0, done.stderr
    skipped = cli.run("memory", "reindex", env=words)
    assert skipped.returncode == 0 and "nothing to do" in skipped.stdout
    assert cli.json("memory", "reindex")["embedded"] == 3
    assert cli.json("memory", "reindex")["embedded"] == 0
