"""cattrs conversion between domain objects and JSON-ready data.

Datetimes travel as ISO 8601 strings, enums as their values, tuples as lists.
Unknown keys are ignored on the way in, so an old shape of stored data loads.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

import cattrs

__all__ = ["converter", "from_jsonable", "to_jsonable"]

T = TypeVar("T")

converter = cattrs.Converter(omit_if_default=False, forbid_extra_keys=False)
converter.register_unstructure_hook(datetime, lambda d: d.isoformat())
converter.register_structure_hook(datetime, lambda v, _: datetime.fromisoformat(v))
converter.register_unstructure_hook(date, lambda d: d.isoformat())
converter.register_structure_hook(date, lambda v, _: date.fromisoformat(v))


def to_jsonable(obj: Any) -> Any:
    return converter.unstructure(obj)


def from_jsonable(data: Any, cls: type[T]) -> T:
    return converter.structure(data, cls)
