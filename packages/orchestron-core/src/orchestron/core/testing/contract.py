"""The storage contract: what every Storage adapter must do, as plain async checks.

Each check takes a `StorageFactory` (a callable returning an async context
manager that yields a fresh, empty Storage and closes it) and raises
AssertionError when the storage breaks the contract. `MemoryStorage` is the
reference; every adapter runs the same checks. From a test module::

    from orchestron.core.testing.contract import STORAGE_CONTRACT

    @pytest.mark.anyio
    @pytest.mark.parametrize("check", STORAGE_CONTRACT, ids=lambda c: c.__name__)
    async def test_storage_contract(check, storage_factory):
        await check(storage_factory)

Register `orchestron.core.testing` with `pytest.register_assert_rewrite` in a
root conftest for readable failures.
"""

from __future__ import annotations

from orchestron.core.testing._contract_graph import GRAPH_CHECKS
from orchestron.core.testing._contract_kit import Check, StorageFactory
from orchestron.core.testing._contract_log import LOG_CHECKS
from orchestron.core.testing._contract_memory import MEMORY_CHECKS
from orchestron.core.testing._contract_records import RECORD_CHECKS
from orchestron.core.testing._contract_tasks import TASK_CHECKS

__all__ = ["STORAGE_CONTRACT", "Check", "StorageFactory"]

STORAGE_CONTRACT: tuple[Check, ...] = (
    TASK_CHECKS + GRAPH_CHECKS + RECORD_CHECKS + LOG_CHECKS + MEMORY_CHECKS
)
