"""The plan's success metrics from a synthetic log."""

from __future__ import annotations

from analytics_log import Log, at

from orchestron.core.analytics import build_history, success_metrics


def _log() -> Log:
    log = Log()
    for i in range(1, 9):
        log.add(at(0, i), f"S-{i}", "session.started", agent="claude-1")
        restored = i != 8
        log.add(at(0, i), f"S-{i}", "session.resumed", kind="handoff", context_restored=restored)
    # S-1 restored once already; a second resume does not count it twice.
    log.add(at(1), "S-1", "session.resumed", kind="unfinished", context_restored=False)
    # Nothing to restore: a fresh task, or no work at all.
    log.add(at(1), "S-9", "session.resumed", kind="next", context_restored=False)
    log.add(at(1), "S-10", "session.resumed", kind="idle", context_restored=False)
    for i in range(1, 11):
        tid = f"TASK-{i:03d}"
        log.create(tid, at(0)).start(tid, at(0, 1))
        if i == 1:
            log.block(tid, at(0, 2)).unblock(tid, at(0, 3))
        if i == 2:
            # As the human channel emits it: on the task, not blocking.
            log.add(at(0, 2), tid, "request.opened", request="REQ-001", blocking=False)
        log.finish(tid, at(0, 4))
    # Blocked but not done: not counted.
    log.create("TASK-011", at(0)).start("TASK-011", at(0, 1)).block("TASK-011", at(0, 2))
    for size in (1000, 2000, 3000):
        log.add(at(1), "S-1", "context.saved", size_bytes=size)
    for size in (5000, 4000):  # the sessions service names the key `size`
        log.add(at(1), "S-1", "context.saved", task=None, size=size, budget=4096)
    for i in range(1, 11):
        log.add(at(1), f"HO-{i:03d}", "handoff.prepared", session="S-1", to_agent=None)
        if i != 10:
            log.add(at(2), f"HO-{i:03d}", "handoff.accepted", session="S-2")
    return log


def test_a_request_named_in_the_data_counts_too() -> None:
    log = Log()
    for i in range(1, 6):
        tid = f"TASK-{i:03d}"
        log.done_task(tid, at(0), at(0, 1), at(0, 2))
    log.add(at(0, 1), "REQ-001", "request.created", task_id="TASK-001", blocking=False)
    human = success_metrics(build_history(log.events)).get("needed_human")
    assert (human.numerator, human.denominator, human.value) == (1, 5, 0.2)


def test_success_metrics_with_numerators_and_denominators() -> None:
    m = success_metrics(build_history(_log().events))
    got = {x.name: (x.numerator, x.denominator, x.value, x.target, x.met) for x in m.metrics}
    assert got == {
        "context_restored": (7, 8, 0.875, 0.95, False),
        "finished_without_block": (9, 10, 0.9, 0.8, True),
        "needed_human": (2, 10, 0.2, 0.2, False),  # the target is strictly below 20%
        "context_size": (15000, 5, 3000.0, 4096.0, True),
        "handoffs_accepted": (9, 10, 0.9, 0.9, True),
    }
    assert m.get("context_size").unit == "bytes" and m.get("needed_human").goal == "below"


def test_an_empty_log_is_not_enough_data_never_zero_percent() -> None:
    m = success_metrics(build_history([]))
    for x in m.metrics:
        assert x.value is None and x.met is None and x.denominator == 0
        assert x.reason is not None and x.reason.startswith("not enough data: 0 ")
    assert m.to_dict()["metrics"][0]["enough_data"] is False


def test_few_cases_show_their_counts_but_no_share() -> None:
    log = Log()
    for i in range(3):
        log.add(at(0), f"S-{i}", "session.resumed", kind="startup", context_restored=True)
    x = success_metrics(build_history(log.events)).get("context_restored")
    assert (x.numerator, x.denominator, x.value) == (3, 3, None)
    assert x.reason == "not enough data: 3 resumed sessions so far; need at least 5"
