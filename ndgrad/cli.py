"""The ``ndgrad`` command line (also ``python -m ndgrad``).

    ndgrad demo                       # tutorial 000: a 2-128-64-1 MLP learns two spirals
    ndgrad demo --dataset mnist       # 784-100-10, Adam, one epoch: about 95% test accuracy
    ndgrad demo --help                # every option, with each dataset's defaults

``demo`` trains with ``autograd``, ``nn`` and ``optim`` only, shows a progress bar, prints the
final loss and accuracy and writes three files to ``--out`` (default ``ndgrad-demo/``): the
decision boundary with the data (MNIST: test digits with their predicted labels), the loss
curve, and the computation graph of one training step (SVG; DOT source when Graphviz's ``dot``
is missing).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from autograd.viz import Recorder

from . import demo, demo_output
from .demo import ACTIVATIONS, DATASETS, PRESETS, Config, DataNotFoundError

if TYPE_CHECKING:
    import nn

DEFAULT_OUT = "ndgrad-demo"


def _int_at_least(minimum: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value
    return convert


def _float_above(minimum: float, inclusive: bool) -> Callable[[str], float]:
    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not (value >= minimum if inclusive else value > minimum) or value != value:
            word = "at least" if inclusive else "greater than"
            raise argparse.ArgumentTypeError(f"must be {word} {minimum:g}, got {text}")
        return value
    return convert


def _defaults_table() -> str:
    lines = ["defaults per dataset (options left out take these):",
             "  dataset  samples  noise  width depth activation  optimizer lr (sgd/adam)  "
             "epochs  batch"]
    for name, p in PRESETS.items():
        samples = "all" if p.samples is None else str(p.samples)
        noise = "-" if p.noise is None else f"{p.noise:g}"
        lr = f"{p.lr['sgd']:g}/{p.lr['adam']:g}"
        batch = "full" if p.batch_size is None else str(p.batch_size)
        lines.append(f"  {name:8} {samples:>7}  {noise:>5}  {p.width:>5} {p.depth:>5} "
                     f"{p.activation:11} {p.optimizer:9} {lr:14}  {p.epochs:>6}  {batch:>5}")
    lines += ["",
              "Hidden layers halve in width: --width 128 --depth 2 gives 128-64 (tutorial 000's",
              "2-128-64-1). SGD uses momentum 0.9. Two-class sets use BCEWithLogitsLoss on one",
              "output, mnist CrossEntropyLoss. Accuracy: on the training points for the 2-D sets,",
              "on the 10,000 test images for mnist. MNIST is read from --data PATH, else from",
              "$NDGRAD_MNIST, else ../shared/data/mnist; nothing is downloaded."]
    return "\n".join(lines)


def build_parser(prog: str = "ndgrad") -> argparse.ArgumentParser:
    """The parser of the ``ndgrad`` command line and its ``demo`` command (``prog``: the name in messages)."""
    parser = argparse.ArgumentParser(
        prog=prog, description="ndgrad: reverse-mode autodiff on NumPy, with nn and optim.",
        epilog=f"Run '{prog} demo --help' for the demo's options, '{prog} run --help' for run's.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_defaults_table(),
        help="train an MLP (default: two spirals) and write its pictures",
        description="Train an MLP with ndgrad, print the final loss and accuracy, and write to\n"
                    "--out: the decision boundary with the data (boundary.png; for mnist,\n"
                    "test digits with their predicted labels: predictions.png), the loss curve\n"
                    "(loss.png) and the computation graph of one training step (graph.svg, or\n"
                    "graph.dot when Graphviz's dot program is missing).")
    demo.add_argument("--dataset", choices=DATASETS, default="spirals",
                      help="data to learn (default: spirals)")
    demo.add_argument("--data", type=Path, metavar="PATH",
                      help="mnist only: folder with the four IDX files (raw or .gz) or mnist.npz "
                           "(default: $NDGRAD_MNIST, else ../shared/data/mnist)")
    demo.add_argument("--samples", "--limit", type=_int_at_least(1), metavar="N",
                      help="2-D sets: points to generate; mnist: use only the first N training "
                           "images (default: see below)")
    demo.add_argument("--noise", type=_float_above(0, inclusive=True), metavar="STD",
                      help="2-D sets: std of the Gaussian noise (default: see below)")
    demo.add_argument("--width", type=_int_at_least(1), metavar="N",
                      help="units in the first hidden layer; each further layer has half")
    demo.add_argument("--depth", type=_int_at_least(0), metavar="N",
                      help="number of hidden layers (0: logistic regression)")
    demo.add_argument("--activation", choices=tuple(ACTIVATIONS), help="hidden activation")
    demo.add_argument("--optimizer", choices=("sgd", "adam"), help="sgd (momentum 0.9) or adam")
    demo.add_argument("--lr", type=_float_above(0, inclusive=False), help="learning rate")
    demo.add_argument("--epochs", type=_int_at_least(1), metavar="N", help="passes over the data")
    demo.add_argument("--batch-size", type=_int_at_least(1), metavar="N",
                      help="samples per step (default: the full batch for the 2-D sets, 32 "
                           "for mnist)")
    demo.add_argument("--seed", type=_int_at_least(0), default=1, metavar="N",
                      help="seed of the data, the initial weights and the batch order (default: 1)")
    demo.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), metavar="DIR",
                      help=f"folder for the pictures, created if needed (default: ./{DEFAULT_OUT})")
    demo.add_argument("--no-progress", action="store_true", help="no progress bar")
    demo.set_defaults(usage_error=demo.error)
    run = commands.add_parser(
        "run", help="run an unchanged PyTorch script or notebook on ndgrad",
        description="Run a PyTorch script (as __main__, with its own arguments) or execute a "
                    "notebook's code cells, with ndgrad installed as `torch`.")
    run.add_argument("path", type=Path, metavar="SCRIPT.py|NOTEBOOK.ipynb")
    run.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS",
                     help="arguments for the script (its sys.argv[1:])")
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("ndgrad")
    except Exception:  # not installed (run from a checkout)
        return "0.1.0"


def config_from_args(args: argparse.Namespace, error: Callable[[str], NoReturn]) -> Config:
    """Fill the options left out from the dataset's preset; ``error(msg)`` exits with 2."""
    preset = PRESETS[args.dataset]
    if args.dataset == "mnist":
        if args.noise is not None:
            error("--noise applies to the 2-D data sets, not to mnist")
    elif args.data is not None:
        error(f"--data is only read with --dataset mnist (the {args.dataset} points are generated)")
    optimizer = args.optimizer or preset.optimizer

    def pick(value: Any, default: Any) -> Any:
        return default if value is None else value

    return Config(
        dataset=args.dataset, data=args.data, samples=pick(args.samples, preset.samples),
        noise=pick(args.noise, preset.noise), width=pick(args.width, preset.width),
        depth=pick(args.depth, preset.depth), activation=pick(args.activation, preset.activation),
        optimizer=optimizer, lr=pick(args.lr, preset.lr[optimizer]),
        epochs=pick(args.epochs, preset.epochs), batch_size=pick(args.batch_size, preset.batch_size),
        seed=args.seed)


def main(argv: list[str] | None = None, prog: str = "ndgrad") -> int:
    """Run the command line; returns the exit status (0 ok, 1 failed, 2 bad options, 130 Ctrl-C)."""
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
        if args.command == "run":
            from .run import run_path

            return run_path(args.path, args.args, prog=f"{prog} run")
        cfg = config_from_args(args, args.usage_error)
    except SystemExit as exc:  # argparse: --help or --version (0), or a usage error (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    try:
        return run_demo(cfg, args.out, progress=not args.no_progress, prog=f"{prog} demo")
    except KeyboardInterrupt:  # during loading or drawing; training itself stops cleanly
        print(f"{prog} demo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `ndgrad demo | head`: stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _say(*lines: str) -> None:
    print(*lines, sep="\n", flush=True)


def _error(prog: str, message: str) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr, flush=True)
    return 1


def run_demo(cfg: Config, out: Path, progress: bool = True, prog: str = "ndgrad demo") -> int:
    """Train as ``cfg`` says, print the results and write the three files to ``out``."""
    from tqdm.auto import tqdm

    started = time.perf_counter()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return _error(prog, f"can't create the output folder {out}: {err.strerror or err}")
    try:
        data = demo.load_data(cfg)
    except DataNotFoundError as err:
        return _error(prog, str(err))
    model = demo.build_model(cfg, data)
    sizes = "-".join(str(n) for n in (data.x_train.shape[1], *cfg.hidden,
                                      1 if data.n_classes == 2 else data.n_classes))
    n_params = sum(p.numel() for p in model.parameters())
    optimizer = "SGD (momentum 0.9)" if cfg.optimizer == "sgd" else "Adam"
    steps_per_epoch = demo.steps_per_epoch(cfg, len(data.x_train))
    batch = "full batch" if steps_per_epoch == 1 else f"batch {cfg.batch_size}"
    _say(f"data:     {data.description}",
         f"model:    MLP {sizes}, {cfg.activation + ', ' if cfg.depth else ''}{n_params:,} parameters, "
         f"{type(demo.loss_function(data)).__name__}",
         f"training: {optimizer} lr {cfg.lr:g}, {batch}, {cfg.epochs} epoch"
         f"{'s' if cfg.epochs != 1 else ''} ({cfg.epochs * steps_per_epoch:,} steps), seed {cfg.seed}")

    full_batch = steps_per_epoch == 1
    bar = tqdm(total=cfg.epochs * steps_per_epoch, desc="training", unit="epoch" if full_batch else "step",
               disable=not progress, dynamic_ncols=True, file=sys.stderr)

    def on_step(step: int, loss: float) -> None:
        bar.update(1)
        epoch = f"epoch {(step - 1) // steps_per_epoch + 1}/{cfg.epochs} " if not full_batch else ""
        bar.set_postfix_str(f"{epoch}loss {loss:.4f}", refresh=False)

    # one point in `every` steps for the explorer's training view: at most ~500 points
    recorder = Recorder(model, every=max(1, cfg.epochs * steps_per_epoch // 500))
    train_start = time.perf_counter()
    try:
        result = demo.train(cfg, data, model, on_step, recorder)
    finally:
        bar.close()
    seconds = time.perf_counter() - train_start
    if result.diverged:
        return _error(prog, f"the loss became {result.losses[-1]} at step {len(result.losses)}; "
                            f"try a smaller --lr (now {cfg.lr:g})")
    if result.interrupted:
        print(f"{prog}: interrupted after {len(result.losses)} steps; writing the results so far",
              file=sys.stderr, flush=True)
    where = (f"on the {len(data.x_test):,} test images"  # type: ignore[arg-type]  # set for mnist
             if result.split == "test"
             else f"on the {len(data.x_train):,} training points")
    _say(f"final loss {result.final_loss:.4f}, accuracy {result.accuracy:.1%} ({where}); "
         f"trained in {seconds:.1f} s")

    try:
        lines, hint = _write_outputs(cfg, data, model, result, out, sizes, recorder)
    except OSError as err:
        return _error(prog, f"can't write to {out}: {err}")
    _say(*lines, f"done in {time.perf_counter() - started:.1f} s")
    if hint:
        print(hint, file=sys.stderr, flush=True)
    return 130 if result.interrupted else 0


def _write_outputs(cfg: Config, data: demo.Data, model: nn.Module, result: demo.Result, out: Path,
                   sizes: str, recorder: Recorder) -> tuple[list[str], str | None]:
    """Write the picture (boundary.png or predictions.png), loss.png, the graph, explorer.html.

    Returns the lines that list them, and the hint when the graph is DOT source.
    """
    if data.images is not None:
        picture, what = out / "predictions.png", "test digits with predicted labels"
        # mnist: x_test and y_test are set (mypy can't tie them to ``images``)
        predicted = demo.predict_labels(model, data.x_test[:32], data.n_classes)  # type: ignore[index]
        demo_output.plot_digits(data.images, data.y_test, predicted, picture,  # type: ignore[arg-type]
                                f"MNIST test digits, predicted by MLP {sizes} "
                                f"(test accuracy {result.accuracy:.1%})")
    else:
        picture, what = out / "boundary.png", "decision boundary with the data"
        demo_output.plot_boundary(model, data.x_train, data.y_train, picture,
                                  f"{cfg.dataset}: MLP {sizes}, accuracy {result.accuracy:.1%}")
    demo_output.plot_losses(result.losses, result.steps_per_epoch, out / "loss.png", cfg.dataset)
    loss, inputs = demo.graph_step(cfg, data, model)
    explorer = demo_output.write_explorer(loss, model, inputs, recorder, out)
    loss.backward()  # the static drawing shows the gradients
    graph, hint = demo_output.write_graph(loss, model, inputs, out)
    return [f"wrote {picture}  ({what})",
            f"      {out / 'loss.png'}  (loss curve)",
            f"      {graph}  (computation graph of one training step{', DOT source' if hint else ''})",
            f"      {explorer}  (interactive explorer: open it in a browser)"], hint
