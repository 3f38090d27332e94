"""Primitive ops: each a ``Primitive`` with its forward and backward side by side.

The public functions (``ag.exp``, ``x.sum(dim)``) that call them are here too.

Adding an op (the recipe; ``logit`` as the example)
----------------------------------------------------
1. **The primitive**, in the file of its kind: ``unary`` (elementwise, one input),
   ``arithmetic`` (broadcasting binary), ``reduce``, ``movement`` (shapes), ``indexing``,
   ``select`` (comparisons, where, max/min), ``matmul``, ``softmax``, ``activation`` (with
   parameters), ``loss`` (fused losses). Compose from existing ops instead when that is
   neither slow nor unstable: ``sub`` is ``add`` with a negation, ``nn``'s layers are all
   compositions. Its docstring states the math, here
   ``logit(p) = log(p / (1 - p));  d/dp = 1 / (p (1 - p))``::

       class Logit(Primitive):
           saved_inputs = (0,)  # the inputs backward reads (or saves_output = True)

           def forward(self, p: Array) -> Array:  # NumPy arrays in, an array out
               p = as_float(p)  # integers become float32, as in PyTorch
               return np.log(p / (1 - p))

           def backward(self, g: Value) -> tuple[Value | None, ...]:  # one per input
               p = self.input(0)
               return (g / (p * (1 - p)),)

   followed by the public function ``def logit(input: Tensor) -> Tensor: return
   Logit.apply(input)`` with a docstring and PyTorch's signature. Type hints as above:
   ``mypy`` (strict) and ``ruff`` run in the test suite.
2. **The method row**: ``("logit", unary.logit)`` in ``METHODS`` in ``autograd/_methods.py``
   (bound to ``Tensor`` right below the class), if PyTorch has ``Tensor.logit``.
3. **The export**: ``from .ops.unary import logit`` in ``autograd/__init__.py``, and
   ``"logit"`` in its ``__all__``.
4. **The test row**: ``OpSpec("logit", lambda lib, x: x.logit(), reference, domains=...)`` in
   ``tests/op_specs.py``: forward against NumPy, gradcheck and gradgradcheck on hypothesis
   shapes (0-d, size-1, broadcasting) and forward+backward against PyTorch. A primitive
   without a row fails ``test_every_differentiable_primitive_is_in_the_table``.

The rule vocabulary (all on ``self`` in ``backward``):
    ``self.input(i)``        saved input i (listed in ``saved_inputs``): an array, or under
                             ``create_graph=True`` a Tensor wired to its producer.
    ``self.output()``        the saved output (``saves_output = True``).
    ``self.needs_input_grad`` one bool per input: compute a gradient only where it is True.
    ``self.xp``              NumPy in the fast path, ``autograd.ops.xp`` (the same functions on
                             Tensors) under ``create_graph``: write ``self.xp.exp(x)``, not
                             ``np.exp(x)``, so the rule is differentiable again.
    ``self.call(Op, ...)``   run another primitive in this backward's mode (a gather's
                             backward is a scatter-add).
Rules are written once for both modes; ``Cumprod`` is the one that branches on the mode
(``self._create_graph``), documented where it does. The base class does the rest once:
un-broadcasting each gradient to its input's shape and dtype, skipping inputs that need no
gradient, version checks on saved values, releasing them after backward. Class attributes a
primitive may set: ``saved_inputs``, ``saves_output``, ``differentiable = False`` (comparisons,
argmax), ``is_view`` (outputs sharing memory), ``op_name`` (default: the class
name lowercased), ``hint`` (added to error messages), ``node_name`` (PyTorch's name of the node,
``<Class>Backward0`` by default: check ``type(torch_out.grad_fn).__name__``) and ``shown_inputs``
(the inputs ``next_functions`` lists). Where PyTorch's name depends on the call, apply a preset
node type (``Sum.named("SumBackward1").apply(...)``, made at import); a composition names its
last node after the whole call with ``name_node(result, "GeluBackward0")``. Add the call to
``tests/node_name_cases*.py``.
"""
