"""The project config: defaults, custom rules, and refusals that name the key."""

from __future__ import annotations

import re

import pytest

from orchestron.core import (
    DEFAULT_CONFIG_TOML,
    DEFAULT_RULES,
    InvalidInputError,
    ProjectConfig,
    Rule,
    RuleSet,
    Settings,
    TaskStatus,
    WebhookConfig,
)


def refusal(text: str) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as refused:
        ProjectConfig.from_toml(text, source="/p/.orchestron/config.toml")
    return refused.value


def test_no_config_means_the_defaults() -> None:
    config = ProjectConfig.from_toml("")
    assert config.settings == Settings()
    assert config.rules == RuleSet()
    assert config.webhooks == []
    assert config.log_notifications is False


def test_the_default_config_file_is_all_defaults() -> None:
    config = ProjectConfig.from_toml(DEFAULT_CONFIG_TOML)
    assert config.settings == Settings()
    assert config.rules.rules == DEFAULT_RULES


def test_every_commented_line_of_the_default_config_is_valid_when_uncommented() -> None:
    setting = re.compile(r"^# (\[|[a-z_]+ = )")
    lines = [line[2:] if setting.match(line) else line for line in DEFAULT_CONFIG_TOML.splitlines()]
    config = ProjectConfig.from_toml("\n".join(lines))
    assert config.settings == Settings()
    assert config.rules.find(TaskStatus.IN_REVIEW, "review_approved")[0].guard == "checkpoints_done"
    assert config.webhooks == [
        WebhookConfig(
            url="https://example.com/orchestron",
            events=("INTERVENTION_NEEDED", "CLARIFICATION_REQUESTED"),
        )
    ]


def test_every_section_is_read() -> None:
    config = ProjectConfig.from_toml(
        """
        [sessions]
        lease_seconds = 120
        [context]
        budget_bytes = 8192
        [workflow]
        auto_complete_parents = false
        [notify]
        log = true
        [[notify.webhooks]]
        url = "http://127.0.0.1:9/hook"
        events = ["task_done"]
        timeout = 2.5
        retries = 1
        [hooks]
        session_start = { resume = true }
        """
    )
    assert config.settings == Settings(
        lease_seconds=120, context_budget=8192, auto_complete_parents=False
    )
    assert config.log_notifications is True
    assert config.webhooks == [
        WebhookConfig(url="http://127.0.0.1:9/hook", events=("TASK_DONE",), timeout=2.5, retries=1)
    ]
    assert config.hooks == {"session_start": {"resume": True}}


def test_a_custom_rule_takes_precedence_over_the_default_for_its_event_and_status() -> None:
    config = ProjectConfig.from_toml(
        """
        [[workflow.rules]]
        from = ["IN_REVIEW"]
        to = "DONE"
        when = "review_approved"
        guard = "checkpoints_done"
        """
    )
    found = config.rules.find(TaskStatus.IN_REVIEW, "review_approved")
    assert found == [
        Rule(
            from_=(TaskStatus.IN_REVIEW,),
            to="DONE",
            when="review_approved",
            guard="checkpoints_done",
        )
    ]
    # every other default is untouched
    assert len(config.rules.rules) == len(DEFAULT_RULES)


def test_replace_rules_keeps_only_the_projects_rules() -> None:
    config = ProjectConfig.from_toml(
        """
        [workflow]
        replace_rules = true
        [[workflow.rules]]
        from = ["TODO"]
        to = "DONE"
        when = "task_completed"
        """
    )
    assert config.rules.events() == ["task_completed"]


@pytest.mark.parametrize(
    ("text", "field", "says"),
    [
        (
            (
                '[[workflow.rules]]\nfrom=["TODO"]\nto="IN_PROGRESS"\nwhen="go"\n'
                '[[workflow.rules]]\nfrom=["TODO"]\nto="IN_PROGRESS"\nwhen="go2"\n'
                '[[workflow.rules]]\nfrom=["IN_REVIEW"]\nto="FINISHED"\nwhen="ship"\n'
            ),
            "workflow.rules[2].to",
            ["'FINISHED'", "DONE", "PREVIOUS"],
        ),
        (
            '[[workflow.rules]]\nfrom=["TODO"]\nto="DONE"\nwhen="x"\ngaurd="checkpoints_done"\n',
            "workflow.rules[0].gaurd",
            ["unknown key", "guard"],
        ),
        (
            '[[workflow.rules]]\nfrom=["TODO"]\nto="DONE"\nwhen="x"\nguard="tests_green"\n',
            "workflow.rules[0].guard",
            ["'tests_green'", "checkpoints_done", "no_open_requests"],
        ),
        (
            '[[workflow.rules]]\nfrom=["LATER"]\nto="DONE"\nwhen="x"\n',
            "workflow.rules[0].from",
            ["'LATER'"],
        ),
        ('[[workflow.rules]]\nfrom=["TODO"]\nto="DONE"\n', "workflow.rules[0].when", ["missing"]),
        (
            '[[workflow.rules]]\nfrom="TODO"\nto="DONE"\nwhen="Ship It"\n',
            "workflow.rules[0].when",
            ["'Ship It'"],
        ),
        (
            '[[workflow.rules]]\nfrom="TODO"\nto="TODO"\nwhen="noop"\n',
            "workflow.rules[0].to",
            ["change the status"],
        ),
        ("[workflow]\nreplace_rules = true\n", "workflow.replace_rules", ["no [[workflow.rules]]"]),
        (
            '[workflow]\nauto_complete_parents = "yes"\n',
            "workflow.auto_complete_parents",
            ["true or false"],
        ),
        ("[sessions]\nlease_seconds = -5\n", "sessions.lease_seconds", ["-5"]),
        ("[sessions]\nlease = 60\n", "sessions.lease", ["unknown key", "lease_seconds"]),
        ('[context]\nbudget_bytes = "4k"\n', "context.budget_bytes", ["'4k'"]),
        ("[workflows]\n", "workflows", ["unknown key", "workflow"]),
        ('[[notify.webhooks]]\nurl = "ftp://x"\n', "notify.webhooks[0].url", ["'ftp://x'"]),
        (
            '[[notify.webhooks]]\nurl = "http://x"\nevents = ["PAGE_ME"]\n',
            "notify.webhooks[0].events",
            ["PAGE_ME", "TASK_DONE"],
        ),
        (
            '[[notify.webhooks]]\nurl = "http://x"\nretries = 99\n',
            "notify.webhooks[0].retries",
            ["99"],
        ),
    ],
)
def test_a_bad_config_is_refused_naming_the_key_the_value_and_the_choices(
    text: str, field: str, says: list[str]
) -> None:
    error = refusal(text)
    assert error.field == field
    for words in says:
        assert words in str(error)
    assert "/p/.orchestron/config.toml" in str(error)


def test_a_toml_syntax_error_names_the_file_and_the_line() -> None:
    error = refusal("[workflow]\nauto_complete_parents = true\nreplace_rules = \n")
    assert error.field == "/p/.orchestron/config.toml"
    assert "line 3" in str(error)
