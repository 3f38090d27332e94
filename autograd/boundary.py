"""The public functions' boundary: their signatures checked at the call, their errors named after them.

PyTorch's functions are bound from declared signatures, so ``torch.exp(0)`` fails at the call:
"exp(): argument 'input' (position 1) must be Tensor, not int", and every error a call raises
names the function called. ndgrad's public functions are plain Python, so a wrong argument
would travel into the op and fail there with Python's words (``'int' object has no attribute
'dtype'``), or an error from a function delegated to would name that one (``argsort`` failing
as ``sort: ...``). ``public(fn)`` wraps a function once, at import, with a gate made from its
own annotations:

* a parameter annotated ``Tensor`` takes a Tensor (``Tensor | None``: or None);
* a parameter annotated ``bool`` takes a bool, as torch's binding, which refuses ``keepdim=1``
  (None is left to the function: ``checks.flag`` knows where torch reads it as the default);
* a parameter annotated ``Sequence[Tensor...]`` (``cat``'s ``tensors``) takes a list or a tuple;

and an error raised inside (one of the documented types) is renamed when its message does not
name the function: ``sort: dim 1 is out of range`` from ``argsort`` reads ``argsort: dim 1 is
out of range``, ``dtype: 0 is not a data type`` from ``rand`` reads ``rand(): argument 'dtype':
0 is not a data type``. The wrapper is generated source with the function's own parameters
(``public_source(fn)`` shows it), so the call costs one frame and one ``isinstance`` per
checked argument; ``inspect.signature`` and the docstring are the function's.
"""

from __future__ import annotations

import functools
import inspect
import re
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ._tensor import Tensor
from .checks import OpError, flag

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["public", "public_init", "public_namespace", "public_source"]

_F = TypeVar("_F", bound="Callable[..., Any]")

# the documented error types a public function raises; their messages are renamed
RENAMED = (OpError, TypeError, ValueError, IndexError, RuntimeError, NotImplementedError)
_PREFIX = re.compile(r"^([A-Za-z_][\w.]*)(?:\(\))?: ")


def _annotation(parameter: inspect.Parameter) -> str:
    """The annotation as written (``Tensor | None``), whether or not annotations are strings."""
    text = parameter.annotation if isinstance(parameter.annotation, str) else \
        inspect.formatannotation(parameter.annotation)
    return re.sub(r"[\w.]*\.(\w+)", r"\1", text).replace(" ", "")


def _kind(parameter: inspect.Parameter) -> str | None:
    """What the gate checks for this parameter, or None.

    "Tensor", "bool" or "sequence", each followed by "?" when None is allowed too.
    """
    text = _annotation(parameter)
    optional = text.endswith("|None") or parameter.default is None
    text = text.removesuffix("|None")
    kind = {"Tensor": "Tensor", "bool": "bool"}.get(text)
    if kind is None and text.startswith("Sequence[Tensor"):
        kind = "sequence"
    return None if kind is None else kind + "?" * optional


def refuse(function: str, name: str, value: object, expected: str) -> None:
    """Raise the binding's TypeError: "exp(): argument 'input' must be a Tensor, not int"."""
    if expected == "bool":
        flag(function, name, value)
    article = "a list or tuple of Tensors" if expected == "sequence" else "a Tensor"
    raise TypeError(f"{function}(): argument '{name}' must be {article}, not {type(value).__name__}. "
                    f"Hint: wrap data with ag.tensor(...) first")


def _check(parameter: inspect.Parameter, kind: str) -> list[str]:
    """The source lines of one parameter's check.

    None passes a bool check: the function decides (torch reads ``requires_grad=None`` of a
    factory as the default, refuses ``keepdim=None``; ``checks.flag`` says which).
    """
    name = parameter.name
    optional = kind.endswith("?") or kind == "bool"
    kind = kind.rstrip("?")
    test = {"Tensor": f"isinstance({name}, Tensor)",
            "bool": f"{name} is True or {name} is False",
            "sequence": f"isinstance({name}, (list, tuple))"}[kind]
    if optional:
        test = f"{name} is None or {test}"
    return [f"    if not ({test}):", f"        refuse(NAME, {name!r}, {name}, {kind!r})"]


def renamed(error: BaseException, function: str, parameters: Iterable[str] = (),
            owner: str | None = None) -> None:
    """Make ``error``'s message name ``function`` (in place, keeping its type and traceback).

    An alias's errors name the alias called: ``divide: ...``, not ``div: ...``. A message that
    names ``owner`` (default ``function``) is left as it is: an optimizer's "SGD.add_param_group:
    ..." raised while building an ``SGD`` names it already.
    """
    message = str(error)
    if not error.args or re.search(rf"\b{re.escape(owner or function)}\b", message):
        return
    prefix = _PREFIX.match(message)
    if prefix is None:
        text = f"{function}: {message}"
    elif prefix.group(1) in parameters:
        text = f"{function}(): argument '{prefix.group(1)}': {message[prefix.end():]}"
    else:
        text = f"{function}: {message[prefix.end():]}"
    error.args = (text, *error.args[1:])


def public_source(fn: Callable[..., Any], public_name: str | None = None) -> str:
    """The source of ``fn``'s gate.

    A function with ``fn``'s parameters (defaults bound by name) that checks the annotated ones,
    calls ``fn`` and renames what it raises.
    """
    signature = inspect.signature(fn)
    header, call, checks = [], [], []
    keyword_only = False
    for index, parameter in enumerate(signature.parameters.values()):
        name = parameter.name
        default = "" if parameter.default is parameter.empty else f"=DEFAULTS[{name!r}]"
        if parameter.kind is parameter.VAR_POSITIONAL:
            header.append(f"*{name}")
            call.append(f"*{name}")
            keyword_only = True
            continue
        if parameter.kind is parameter.VAR_KEYWORD:
            header.append(f"**{name}")
            call.append(f"**{name}")
            continue
        if parameter.kind is parameter.KEYWORD_ONLY and not keyword_only:
            header.append("*")
            keyword_only = True
        header.append(name + default)
        call.append(f"{name}={name}" if parameter.kind is parameter.KEYWORD_ONLY else name)
        if parameter.kind is parameter.POSITIONAL_ONLY and (
                index + 1 == len(signature.parameters)
                or list(signature.parameters.values())[index + 1].kind is not parameter.POSITIONAL_ONLY):
            header.append("/")
        kind = _kind(parameter)
        if kind is not None:
            checks += _check(parameter, kind)
    lines = [f"def {public_name or fn.__name__}({', '.join(header)}):", *checks,
             "    try:", f"        return IMPLEMENTATION({', '.join(call)})",
             "    except RENAMED as error:",
             "        renamed(error, NAME, PARAMETERS)",
             "        raise"]
    return "\n".join(lines) + "\n"


def public(fn: _F, name: str | None = None, prefix: str = "") -> _F:
    """``fn`` behind its boundary gate (see the module docstring).

    ``name`` is the public name (default ``fn.__name__``); the errors say ``prefix + name``
    (``linalg.svdvals``).
    """
    name = name or fn.__name__
    source = public_source(fn, name)
    parameters = inspect.signature(fn).parameters
    namespace: dict[str, Any] = {
        "Tensor": Tensor, "refuse": refuse, "renamed": renamed, "RENAMED": RENAMED,
        "IMPLEMENTATION": fn, "NAME": prefix + name, "PARAMETERS": frozenset(parameters),
        "DEFAULTS": {n: p.default for n, p in parameters.items()}}
    exec(compile(source, f"<public {name}>", "exec"), namespace)  # noqa: S102 - our own source
    gate: Any = functools.wraps(fn)(namespace[name])
    gate.__name__ = gate.__qualname__ = name  # Python's own arity errors name the public function
    gate.__public_source__ = source
    return cast("_F", gate)


def public_init(cls: type) -> None:
    """Put a class's constructor behind its gate (``public``), named after the class.

    ``nn.ReLU(inplace=1)`` fails at the call, "ReLU(): argument 'inplace' must be bool, not
    int", and every error raised while building names the class (``nn.Linear(2, 10**12)``:
    "Linear: cannot allocate ...").

    The constructor keeps its name and qualified name (``ReLU.__init__``), so a subclass's
    ``super().__init__(...)`` reads as before.
    """
    init = cls.__init__  # type: ignore[misc] # its own or inherited, gated for this class alone
    if getattr(init, "__public_class__", None) is cls:
        return
    gate = public(init.__wrapped__ if hasattr(init, "__public_class__") else init, cls.__name__)
    gate.__name__, gate.__qualname__ = "__init__", f"{cls.__qualname__}.__init__"
    gate.__public_class__ = cls
    cls.__init__ = gate  # type: ignore[misc]


def public_namespace(namespace: dict[str, Any], names: Iterable[str], exempt: Iterable[str] = (),
                     prefix: str = "") -> None:
    """Put every plain function among ``names`` of a module's ``namespace`` behind its gate.

    Their errors say ``prefix + name``.
    """
    skip = set(exempt)
    for name in names:
        value = namespace[name]
        if inspect.isfunction(value) and name not in skip and not hasattr(value, "__public_source__"):
            namespace[name] = public(value, name, prefix)
