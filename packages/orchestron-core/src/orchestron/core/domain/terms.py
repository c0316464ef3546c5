"""What a claim says, term by term: the words that carry it, which of them name a value,
and whether it is negated.

A term is a content word folded to one spelling: lower case, accents off,
a plural or verb ending stripped (`deploys` -> `deploy`), and a common
abbreviation spelled out (`db` -> `database`, `k8s` -> `kubernetes`). A value is
a term that answers a question rather than asking it: a number or version, a
name (`PostgreSQL`, `Redis`, `JWT`), something code-like (`TZ=UTC`,
`snake_case`), or one side of a known choice (`tabs` / `spaces`). Two claims
asking one question with other values disagree; two claims with the same
values and the same question agree.
"""

from __future__ import annotations

import functools
import re

from attrs import frozen

from orchestron.core.domain.memory import fold_accents

__all__ = ["CHOICE_SET", "ClaimTerms", "analyse", "is_number", "same_term", "stem"]

# A token: letters and digits, kept together with what makes code-like names one word
# (`c++`, `c#`, `utf-8`, `snake_case`, `TZ=UTC`, `orchestron.cli:main`, `feature/<ticket>`).
_TOKEN = re.compile(r"[^\W_](?:[\w+#]|[.:=/](?=\w)|-(?=\d))*[+#]*|_\w+")
# Units that belong to the number before them: "10 MB" is one value.
_UNITS = frozenset(
    """ms s sec secs second seconds min mins minute minutes h hour hours day days week weeks
    kb mb gb tb b k m percent % x times lines line characters chars bytes""".split()  # noqa: SIM905
)

# Words that carry no claim of their own: function words and the verbs every claim uses.
FILLER = frozenset(
    """a an and are as at be been being but by can could do does done for from had has have
    i if in into is it its of on or our ours so than that the their them then there these
    this those to too us was we were what when where which who will with you your all any
    each every some should must shall may might would also very here via per
    use used uses using go goes went gone run runs make makes made keep kept get got put
    need needs needed want wants let lets happen happens happened live lives lived
    always everywhere whenever they it instead rather anything something own onto upon within""".split()  # noqa: SIM905
)
# Said in a claim, these make it exclusive ("Linux only"): another value beside it differs.
EXCLUSIVE = frozenset(["only", "just", "solely", "exclusively"])
# Phrases that are one term ("command line" is what "CLI" says).
_PHRASES = (
    (re.compile(r"\bcommand[- ]line\b", re.IGNORECASE), "cli"),
    (re.compile(r"\bpull[- ]requests?\b", re.IGNORECASE), "pr"),
    (re.compile(r"\buser interface\b", re.IGNORECASE), "ui"),
    (re.compile(r"\bcontinuous integration\b", re.IGNORECASE), "ci"),
    (re.compile(r"\btime[- ]zones?\b", re.IGNORECASE), "timezone"),
    (re.compile(r"\bfull[- ]text\b", re.IGNORECASE), "fulltext"),
)
# Said in a claim, these deny it ("never deploy on Fridays").
NEGATIONS = frozenset(
    """not no never nothing none nor neither cannot without avoid avoids forbid forbidden
    dont doesnt isnt arent wont shouldnt mustnt unless""".split()  # noqa: SIM905
)
# Spellings of one thing: each maps to the spelling terms are compared in.
SYNONYMS = {
    "db": "database",
    "dbs": "database",
    "databases": "database",
    "postgres": "postgresql",
    "pg": "postgresql",
    "psql": "postgresql",
    "k8s": "kubernetes",
    "kube": "kubernetes",
    "js": "javascript",
    "ts": "typescript",
    "py": "python",
    "repo": "repository",
    "repos": "repository",
    "config": "configuration",
    "configs": "configuration",
    "conf": "configuration",
    "env": "environment",
    "envs": "environment",
    "prod": "production",
    "dev": "development",
    "deps": "dependency",
    "dep": "dependency",
    "auth": "authentication",
    "authenticate": "authentication",
    "authenticates": "authentication",
    "authenticated": "authentication",
    "authn": "authentication",
    "docs": "documentation",
    "doc": "documentation",
    "ui": "frontend",
    "front": "frontend",
    "backend": "server",
    "pr": "pull-request",
    "prs": "pull-request",
    "msg": "message",
    "msgs": "message",
    "jwts": "jwt",
    "tz": "timezone",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "eight": "8",
    "ten": "10",
    "twice": "2",
    "lint": "linter",
    "linting": "linter",
    "format": "formatter",
    "formatting": "formatter",
    "formatted": "formatter",
    "stored": "store",
    "storing": "store",
    "storage": "store",
    "intermittently": "flaky",
    "outdated": "stale",
    "committing": "commit",
    "committed": "commit",
    "deployed": "deploy",
    "deploying": "deploy",
    "deployment": "deploy",
    "deployments": "deploy",
    "release": "deploy",
    "releases": "deploy",
    "ship": "deploy",
    "async": "asynchronous",
    "sync": "synchronous",
    "rest": "rest",
    "below": "under",
    "pinned": "pin",
    "recreated": "fresh",
    "starts": "fresh",
    "lines": "line",
    "utc": "utc",
    "typed": "type",
    "built": "build",
    "written": "write",
    "wrote": "write",
    "ran": "run",
    "kept": "keep",
    "sent": "send",
    "chosen": "choose",
    "picked": "choose",
    "pick": "choose",
    "typing": "type",
    "types": "type",
}
# Known choices: two different members of one set answer one question differently.
_CHOICES = (
    "tabs spaces",
    "single double",
    "absolute relative",
    "plural singular",
    "imperative past",
    "synchronous asynchronous",
    "camelcase snake_case kebab-case pascalcase",
    "upper lower",
    "automatic manual",
    "public private",
    "internal external",
    "required optional",
    "mutable immutable",
    "allow deny",
    "include exclude",
    "ascending descending",
    "eager lazy",
    "static dynamic",
    "online offline",
    "minimum maximum",
    "early late",
    "opt-in opt-out",
    "blocking non-blocking",
    "hard soft",
    "short long",
    "small large big",
    "fast slow",
    "sentence title",
    "rebase merge",
    "sequential uuid random",
    "strict default lenient",
    "local remote cloud",
    "json yaml toml xml plain",
    "monorepo polyrepo",
    "enabled disabled enable disable",
    "on off",
    "true false",
    "before after",
    "sessions jwt",
)
CHOICE_SET: dict[str, int] = {}


@functools.lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light stem: plural and verb endings off, and a final e, so that `styling`, `style`
    and `styles` (or `cached` and `cache`) are one term."""
    w = SYNONYMS.get(word, word)
    if len(w) <= 3 or not w.isalpha():
        return w
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = SYNONYMS.get(w[: -len(suffix)] + keep, w[: -len(suffix)] + keep)
            break
    else:
        if w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = SYNONYMS.get(w[:-1], w[:-1])
    if w.endswith("e") and len(w) > 4 and w.isalpha():
        w = w[:-1]
    return w


def same_term(a: str, b: str) -> bool:
    """One term: spelled alike, or one a short extension of the other (`mysql`, `mysqld`)."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 5 and len(long) - len(short) <= 3 and long.startswith(short)


def is_number(term: str) -> bool:
    """A count, size or version (`30`, `3.11`, `v2`), as opposed to a name (`S3`, `fts5`)."""
    return bool(term) and (term[0].isdigit() or (term[0] == "v" and term[1:2].isdigit()))


CHOICE_SET.update({stem(w): i for i, line in enumerate(_CHOICES) for w in line.split()})


@frozen
class ClaimTerms:
    """A claim reduced to its terms (in order, once each), the values among them, and
    whether it denies something."""

    terms: tuple[str, ...]
    values: frozenset[str]
    negated: bool
    # Says "only": nothing beside its values holds.
    exclusive: bool = False
    # What it says is not so ("strict" in "default mode, not strict").
    denied: frozenset[str] = frozenset()
    # Each term as it was written, for saying why ("PostgreSQL", not "postgresql").
    spelled: tuple[tuple[str, str], ...] = ()

    @property
    def last(self) -> str:
        """The last term: where a claim usually puts its answer ("... with black")."""
        return self.terms[-1] if self.terms else ""

    def written(self, term: str) -> str:
        for t, s in self.spelled:
            if t == term:
                return s
        return term


def _is_value(token: str, first: bool) -> bool:
    if any(ch.isdigit() for ch in token) or any(ch in "+#=_.:/<" for ch in token):
        return True
    lowered = token.lower()
    if is_number(stem(lowered)):
        return True
    upper = [ch.isupper() for ch in token]
    if any(upper[1:]):
        return True  # JWT, PostgreSQL, GraphQL
    # A capital starting the claim says nothing: "Redis is our cache" has it as "Use ..." has.
    return bool(upper and upper[0]) and not first


@functools.lru_cache(maxsize=8192)
def analyse(text: str) -> ClaimTerms:
    """The terms of a claim. A text with no letters or digits has no terms."""
    cleaned = re.sub(r"n't\b", " not", fold_accents(text), flags=re.IGNORECASE)
    cleaned = re.sub(r"(?<=\w)'s\b", "", cleaned)  # "the server's" is about the server
    # "UTC, not local time", "UTC rather than local time", "pathlib instead of os.path",
    # "prefer pathlib over os.path": the claim holds; what follows is what it denies.
    cleaned = re.sub(r",\s*(?:not|never)\b", " rather than", cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(r"\binstead of\b", "rather than", cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(
        r"\b((?:prefer|pick|chose|choos)\w*\b.*?)\bover\b",
        r"\1rather than",
        cleaned,
        flags=re.IGNORECASE,
    )
    cleaned, _, denying = cleaned.partition(" rather than")
    cleaned = cleaned.replace("`", " ")
    for phrase, term in _PHRASES:
        cleaned = phrase.sub(term, cleaned)
    terms: dict[str, None] = {}
    values: set[str] = set()
    spelled: dict[str, str] = {}
    negated = False
    exclusive = False
    first = True
    last_number = ""
    for raw in _TOKEN.findall(cleaned):
        token = raw.strip(".:-/=")
        if not token:
            continue
        lowered = token.lower()
        if last_number and lowered in _UNITS:
            # "10 MB": the unit joins its number, so 10 MB and 10 GB are other values.
            del terms[last_number]
            values.discard(last_number)
            term = f"{last_number} {stem(lowered)}"
            terms.setdefault(term)
            values.add(term)
            spelled.setdefault(term, f"{spelled.pop(last_number, last_number)} {token}")
            last_number = ""
            continue
        last_number = ""
        if lowered in NEGATIONS:
            negated = True
            first = False
            continue
        if lowered in EXCLUSIVE:
            exclusive = True
            first = False
            continue
        if lowered in FILLER and not (len(token) > 1 and token.isupper()):
            first = False  # "us" is a word to skip; "US" (a region) is not
            continue
        term = stem(lowered)
        if _is_value(token, first):
            values.add(term)
        first = False
        if term in terms:
            continue
        terms[term] = None
        spelled.setdefault(term, token)
        if is_number(term):
            last_number = term
    denied = frozenset(stem(w.lower()) for w in _TOKEN.findall(denying) if w.lower() not in FILLER)
    return ClaimTerms(
        terms=tuple(terms),
        values=frozenset(values),
        negated=negated,
        exclusive=exclusive,
        denied=denied - set(terms),
        spelled=tuple(spelled.items()),
    )
