"""ndgrad's optimizers and learning-rate schedulers, after ``torch.optim``.

    >>> import optim
    >>> opt = optim.Adam(model.parameters(), lr=1e-3)
    >>> sched = optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    >>> for x, y in batches:
    ...     opt.zero_grad()
    ...     loss_fn(model(x), y).backward()
    ...     opt.step()
    ...     sched.step()

Adding an optimizer (the recipe; see ``optim/sgd.py``, the smallest)
---------------------------------------------------------------------
1. **A subclass of ``Optimizer``** in ``optim/<name>.py`` with PyTorch's signature. Its
   ``__init__`` passes the hyper-parameters as ``defaults`` (the dict every param group is
   filled from) to ``super().__init__(params, defaults)``.
2. **``_option_kinds``** gives each hyper-parameter its check from ``optim/arguments.py``
   (``nonnegative("learning rate")`` for PyTorch's ``Invalid learning rate: -1``, ``number``,
   ``flag``...); ``_validate(options)`` runs them on the defaults and on every group, also when
   a state dict is loaded; override it (calling ``super()``) for a check across options, as
   SGD's Nesterov rule. Raise with PyTorch's words: the base puts the class's name in front.
3. **``_update(param, grad, group)``**: one parameter's textbook update, written with NumPy on
   ``param.detach().numpy()`` in place (the base runs it under ``no_grad``, skips parameters without a
   gradient and counts the write as an in-place change). Per-parameter state lives in
   ``self.state[param]``: a ``step`` int and buffers from ``self._buffer(param, "exp_avg")``
   (Tensors, so ``state_dict`` saves them). Write the update as the paper does, bias
   corrections visible. Declare that state in ``_state_kinds`` (each key's kind from
   ``optim/state_checks.py``: ``count``, ``buffer``, ``squares``...) and ``_required_state(group)``,
   so ``load_state_dict`` checks a resumed state entry by entry.
4. **The export** here (the import and ``__all__``), and **a trajectory case**: a row in ``CASES`` of
   ``tests/test_optim.py`` runs 25 steps beside ``torch.optim`` from the same weights and
   compares every step to 1e-12 in float64.

``LBFGS`` (``optim/lbfgs.py``) is the exception: it needs a closure and works on all parameters
as one flat vector, so it overrides ``step(closure)`` instead of ``_update``; its strong Wolfe
line search is in ``optim/line_search.py`` and its trajectory tests in ``tests/test_lbfgs.py``.
"""

from __future__ import annotations

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS", "lr_scheduler",
           "Adadelta"]
