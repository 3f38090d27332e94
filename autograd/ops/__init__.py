"""Primitive ops: each a ``Function`` with its forward and backward side by side, and the
public functions (``ag.exp``, ``x.sum(dim)``) that call them."""
