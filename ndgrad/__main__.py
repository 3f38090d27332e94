"""``python -m ndgrad``: the ndgrad command line, the same as the ``ndgrad`` console script.

Examples:
    python -m ndgrad demo          # train an MLP on two spirals and write its pictures
    python -m ndgrad demo --help   # options and each dataset's defaults
"""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m ndgrad"))
