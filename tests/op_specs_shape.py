"""Op specs of the shape ops (joined to ``SPECS`` in op_specs.py; the same fields and rules)."""

from __future__ import annotations

from op_specs import OpSpec  # noqa: F401 - rows are OpSpec(...)

SPECS: list[OpSpec] = []
