"""The plan's success metrics from a synthetic log."""

from __future__ import annotations

from analytics_log import Log, at

from orchestron.core.analytics import build_history, success_metrics


def _log() -> Log:
    log = Log()
    for i in range(1, 9):
        log.add(at(0, i), f"S-{i}", "session.started", agent="claude-1")
        log.add(at(0, i), f"S-{i}", "session.resumed", kind="startup", context_restored=i != 8)
    log.add(
        at(1), "S-1", "session.resumed", kind="compact", context_restored=False
    )  # S-1 already ok
    log.add(
        at(1), "S-9", "session.resumed", kind="fresh", context_restored=False
    )  # nothing to restore
    for i in range(1, 11):
        tid = f"TASK-{i:03d}"
        log.create(tid, at(0)).start(tid, at(0, 1))
        if i == 1:
            log.block(tid, at(0, 2)).unblock(tid, at(0, 3))
        if i == 2:
            log.add(
                at(0, 2),
                "REQ-001",
                "request.created",
                task_id=tid,
                kind="CLARIFICATION",
                blocking=False,
            )
        log.finish(tid, at(0, 4))
    log.create("TASK-011", at(0)).start("TASK-011", at(0, 1)).block(
        "TASK-011", at(0, 2)
    )  # not done
    for size in (1000, 2000, 3000, 5000, 4000):
        log.add(at(1), "S-1", "context.saved", size_bytes=size)
    for i in range(1, 11):
        log.add(at(1), f"H-{i}", "handoff.prepared", to_agent=None)
        if i != 10:
            log.add(at(2), f"H-{i}", "handoff.accepted", by="S-2")
    return log


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
