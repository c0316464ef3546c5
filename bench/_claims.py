"""Made-up developer claims for memory benchmarks: templates over tools, subjects and numbers.

Clustered the way a project's memory is (many claims about a few tools and
parts), so vectors of meaning crowd together as they would in real use.
"""

from __future__ import annotations

import random

SUBJECTS = [
    "the API",
    "the billing service",
    "the worker",
    "the scheduler",
    "the auth module",
    "the search index",
    "the cache layer",
    "the web client",
    "the CLI",
    "the importer",
    "the exporter",
    "the payment gateway",
    "the mailer",
    "the queue consumer",
    "the admin panel",
    "the mobile app",
    "the report builder",
    "the data pipeline",
    "the sync job",
    "the webhook handler",
]
TECH = [
    "PostgreSQL",
    "SQLite",
    "Redis",
    "Kafka",
    "RabbitMQ",
    "Celery",
    "FastAPI",
    "Django",
    "Flask",
    "React",
    "Vue",
    "Svelte",
    "Docker",
    "Kubernetes",
    "Terraform",
    "Ansible",
    "pytest",
    "ruff",
    "mypy",
    "black",
    "Alembic",
    "SQLAlchemy",
    "asyncio",
    "trio",
    "gRPC",
    "GraphQL",
    "protobuf",
    "JWT",
    "OAuth",
    "Sentry",
    "Prometheus",
    "Grafana",
    "nginx",
    "Caddy",
    "S3",
    "MinIO",
    "Elasticsearch",
    "Meilisearch",
    "uv",
    "Poetry",
]
PURPOSES = [
    "persistence",
    "caching",
    "background jobs",
    "message passing",
    "the HTTP layer",
    "templates",
    "deployment",
    "infrastructure",
    "unit tests",
    "linting",
    "type checks",
    "formatting",
    "migrations",
    "queries",
    "auth tokens",
    "error reporting",
    "metrics",
    "dashboards",
    "TLS termination",
    "file storage",
    "full-text search",
    "dependency management",
    "logging",
    "rate limiting",
    "retries",
]
VERBS = [
    "edit",
    "commit",
    "log",
    "cache",
    "retry",
    "delete",
    "rename",
    "mock",
    "skip",
    "hard-code",
    "expose",
    "block",
    "share",
    "copy",
    "bypass",
]
OBJECTS = [
    "generated files",
    "secrets",
    "the lock file",
    "migrations",
    "user emails",
    "API keys",
    "the vendored code",
    "test fixtures",
    "production data",
    "config defaults",
    "feature flags",
    "the schema",
    "session tokens",
    "build artefacts",
    "cron entries",
]
PLACES = [
    "in CI",
    "on main",
    "in tests",
    "in production",
    "in the logs",
    "in pull requests",
    "at deploy time",
    "on Fridays",
    "in the dashboard",
    "in code review",
]
UNITS = [
    "ms",
    "seconds",
    "minutes",
    "MB",
    "requests per second",
    "retries",
    "workers",
    "connections",
]


def claim(r: random.Random) -> str:
    k = r.randrange(7)
    if k == 0:
        return f"{r.choice(SUBJECTS).capitalize()} uses {r.choice(TECH)} for {r.choice(PURPOSES)}"
    if k == 1:
        return f"Never {r.choice(VERBS)} {r.choice(OBJECTS)} {r.choice(PLACES)}"
    if k == 2:
        return f"{r.choice(SUBJECTS).capitalize()} listens on port {r.randrange(1000, 9999)}"
    if k == 3:
        return f"The timeout for {r.choice(SUBJECTS)} is {r.randrange(1, 500)} {r.choice(UNITS)}"
    if k == 4:
        return f"Always {r.choice(VERBS)} {r.choice(OBJECTS)} before {r.choice(PURPOSES)}"
    if k == 5:
        return (
            f"We picked {r.choice(TECH)} over {r.choice(TECH)} for {r.choice(PURPOSES)} "
            f"{r.choice(PLACES)}"
        )
    return f"{r.choice(TECH)} runs {r.choice(PLACES)} with {r.randrange(2, 64)} {r.choice(UNITS)}"


# Questions a person asks of such a memory, in words the claims may not use.
QUESTIONS = [
    "how do we ship to production",
    "which database do we use",
    "where do background jobs run",
    "what port does the billing service listen on",
    "request timeouts",
    "never commit secrets",
    "linting tool",
    "message queue",
    "metrics and dashboards",
    "type checking",
]
