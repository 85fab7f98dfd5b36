"""``Record``: typed, immutable records that cost the hooks no ``import typing``.

The pre-commit hooks run on every commit, and ``import typing`` (which brings ``re``
along) takes longer than a hook's own work. A class deriving from ``Record`` is a
``typing.NamedTuple`` to type checkers; at run time it is built with
``collections.namedtuple``, with the same fields, defaults, methods and docstring.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NamedTuple as Record
else:
    from collections import namedtuple

    # What the class body holds besides fields and methods: namedtuple sets these itself.
    _OWN = frozenset({"__module__", "__qualname__", "__annotations__"})

    class _RecordMeta(type):
        def __new__(mcls, name, bases, namespace):
            if not bases:  # Record itself
                return super().__new__(mcls, name, bases, namespace)
            annotations = namespace.get("__annotations__", {})
            fields = tuple(annotations)
            defaults = tuple(namespace[field] for field in fields if field in namespace)
            if any(field not in namespace for field in fields[len(fields) - len(defaults) :]):
                raise TypeError(f"{name}: a field without a default follows one with a default")
            cls = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            cls.__qualname__ = namespace["__qualname__"]
            cls.__annotations__ = annotations
            for key, value in namespace.items():
                if key not in _OWN and key not in annotations:
                    setattr(cls, key, value)
            return cls

    class Record(metaclass=_RecordMeta):
        """Derive from this as from ``typing.NamedTuple``."""


__all__ = ["Record"]
