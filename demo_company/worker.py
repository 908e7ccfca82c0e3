"""Second process of the generator: attendance and IM, which need only the workforce and the employees.

Run as `python -m demo_company.worker IN OUT` by generate.py: a plain subprocess rather than
multiprocessing, so callers need no `if __name__ == "__main__"` guard (spawn would re-run their script)."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from . import attendance, im
from .config import GeneratorConfig
from .org import Org
from .people import Registry
from .sink import Sink
from .workforce import Workforce


def side_job(cfg: GeneratorConfig, out: Path, wf: Workforce, reg: Registry, org: Org, emails: np.ndarray,
             still_active: np.ndarray, tick=lambda: None) -> tuple[dict[str, int], list, dict[str, pd.DataFrame]]:
    sink = Sink(out, cfg)
    attendance.write_attendance(wf, reg, org, cfg, sink, tick=tick)
    acc = im.write_im(wf, reg, org, cfg, emails, still_active, sink, tick=tick)
    return sink.counts, sink.log.rows, acc


def main(argv: list[str]) -> int:
    src, dst = Path(argv[0]), Path(argv[1])
    with src.open("rb") as fh:
        args = pickle.load(fh)
    result = side_job(*args)
    with dst.open("wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
