"""Grad-mode decorators on generator functions, as in PyTorch: the generator's body runs in the
decorator's mode (at its start and after each resume, by ``next``, ``send`` or ``throw``, and
when it is closed), and the code that consumes it runs in its own mode between the yields.

Each scenario records ``(is_grad_enabled, is_inference_mode_enabled)`` at every point, in
ndgrad and in torch, and the two traces must be equal (and equal to the pinned expectation).
"""

import pytest
from conftest import OURS, requires_torch, torch

# decorator factories by name: lib -> decorator
DECORATORS = {
    "no_grad()": lambda lib: lib.no_grad(),
    "no_grad": lambda lib: lib.no_grad,
    "enable_grad()": lambda lib: lib.enable_grad(),
    "set_grad_enabled(False)": lambda lib: lib.set_grad_enabled(False),
    "set_grad_enabled(True)": lambda lib: lib.set_grad_enabled(True),
    "inference_mode()": lambda lib: lib.inference_mode(),
    "inference_mode(False)": lambda lib: lib.inference_mode(False),
}
# the mode inside the body when the consumer runs with grad enabled / disabled
INSIDE = {
    "no_grad()": (False, False), "no_grad": (False, False), "enable_grad()": (True, False),
    "set_grad_enabled(False)": (False, False), "set_grad_enabled(True)": (True, False),
    "inference_mode()": (False, True), "inference_mode(False)": (True, False),
}


def mode(lib):
    return lib.is_grad_enabled(), lib.is_inference_mode_enabled()


def trace_next_send_and_return(lib, decorator, outer):
    trace = []

    @decorator
    def gen(n):
        trace.append(("start", mode(lib)))
        for i in range(n):
            received = yield i
            trace.append((f"resumed with {received}", mode(lib)))
        return "done"

    with lib.set_grad_enabled(outer):
        it = gen(2)
        trace.append(("created", mode(lib)))
        trace.append((f"got {next(it)}", mode(lib)))
        trace.append((f"got {it.send('a')}", mode(lib)))
        with pytest.raises(StopIteration) as stop:
            it.send("b")
        trace.append((f"returned {stop.value.value}", mode(lib)))
    return trace


def trace_throw_and_close(lib, decorator, outer):
    trace = []

    @decorator
    def gen():
        try:
            while True:
                try:
                    yield 1
                except ValueError as err:
                    trace.append((f"caught {err}", mode(lib)))
        finally:
            trace.append(("closing", mode(lib)))

    with lib.set_grad_enabled(outer):
        it = gen()
        next(it)
        trace.append((f"throw gave {it.throw(ValueError('boom'))}", mode(lib)))
        it.close()
        trace.append(("closed", mode(lib)))
    return trace


def trace_yield_from_and_error(lib, decorator, outer):
    trace = []

    @decorator
    def gen():
        trace.append(("start", mode(lib)))
        yield 1
        raise KeyError("inside")

    def outer_gen():
        result = yield from gen()
        trace.append((f"yield from gave {result}", mode(lib)))

    with lib.set_grad_enabled(outer):
        it = outer_gen()
        trace.append((f"got {next(it)}", mode(lib)))
        with pytest.raises(KeyError, match="inside"):
            next(it)
        trace.append(("after the error", mode(lib)))
    return trace


SCENARIOS = [trace_next_send_and_return, trace_throw_and_close, trace_yield_from_and_error]


def expected(scenario, name, outer):
    body = INSIDE[name]
    out = (outer, False)
    if scenario is trace_next_send_and_return:
        return [("created", out), ("start", body), ("got 0", out), ("resumed with a", body),
                ("got 1", out), ("resumed with b", body), ("returned done", out)]
    if scenario is trace_throw_and_close:
        return [("caught boom", body), ("throw gave 1", out), ("closing", body), ("closed", out)]
    return [("start", body), ("got 1", out), ("after the error", out)]


class TestGradModeOnGenerators:
    @pytest.mark.parametrize("outer", [True, False], ids=["outer-grad", "outer-no-grad"])
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__[6:])
    @pytest.mark.parametrize("name", DECORATORS)
    def test_the_body_runs_in_the_mode_and_the_consumer_in_its_own(self, name, scenario, outer):
        assert scenario(OURS, DECORATORS[name](OURS), outer) == expected(scenario, name, outer)

    @requires_torch
    @pytest.mark.parametrize("outer", [True, False], ids=["outer-grad", "outer-no-grad"])
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__[6:])
    @pytest.mark.parametrize("name", DECORATORS)
    def test_same_trace_as_torch(self, name, scenario, outer):
        ours = scenario(OURS, DECORATORS[name](OURS), outer)
        assert ours == scenario(torch, DECORATORS[name](torch), outer)

    @pytest.mark.parametrize("name", DECORATORS)
    def test_the_wrapper_keeps_the_name_and_stays_a_generator_function(self, name):
        import inspect

        def numbers():
            """Docstring."""
            yield 1

        wrapped = DECORATORS[name](OURS)(numbers)
        assert wrapped.__name__ == "numbers" and wrapped.__doc__ == "Docstring."
        assert inspect.isgeneratorfunction(wrapped) and list(wrapped()) == [1]

    def test_each_generator_keeps_its_own_mode_while_interleaved(self):
        @OURS.no_grad()
        def off():
            while True:
                yield OURS.is_grad_enabled()

        @OURS.enable_grad()
        def on():
            while True:
                yield OURS.is_grad_enabled()

        a, b = off(), on()
        with OURS.no_grad():
            assert [next(a), next(b), next(a), next(b)] == [False, True, False, True]
            assert not OURS.is_grad_enabled()
        assert OURS.is_grad_enabled()

    def test_graph_recording_follows_the_body_mode(self):
        x = OURS.ones(2, requires_grad=True)

        @OURS.no_grad()
        def doubled():
            yield x * 2
            yield x * 3

        first, second = doubled()
        assert not first.requires_grad and not second.requires_grad
        assert (x * 4).requires_grad  # the consumer still records


class TestInferenceModeFalse:
    """``inference_mode(False)`` enables grad mode (PyTorch's guard sets it to ``not mode``)."""

    @staticmethod
    def modes(lib, nested_in_inference):
        seen = []
        with lib.no_grad():
            if nested_in_inference:
                with lib.inference_mode(), lib.inference_mode(False):
                    seen.append(mode(lib))
                seen.append(mode(lib))
            else:
                with lib.inference_mode(False):
                    seen.append(mode(lib))
            seen.append(mode(lib))
        return seen

    @pytest.mark.parametrize("nested", [False, True], ids=["in-no_grad", "in-inference_mode"])
    def test_enables_grad_and_restores(self, nested):
        inside = [(True, False)]
        assert self.modes(OURS, nested) == inside + [(False, False)] * (2 if nested else 1)

    @requires_torch
    @pytest.mark.parametrize("nested", [False, True], ids=["in-no_grad", "in-inference_mode"])
    def test_same_as_torch(self, nested):
        assert self.modes(OURS, nested) == self.modes(torch, nested)
