"""Rerun every script whose output docs/ quotes, so the figures match the code.

    python scripts/refresh_docs.py [--seeds 10] [--only calibration,hindcast,...]

Run it after any change to the model's behaviour (a recalibration, a new lever, a fix). In
order: the parameter table (docs/ODD.md 7.10), the start state (ODD 1.2), the calibration
(ODD 1.3), the hindcast (ODD 1.4), the settling-in (ODD 8), the prices figures (ODD 7.5a)
and docs/LEVERS.md. Every table sits between markers (`<!-- NAME:start -->` /
`<!-- NAME:end -->`, see experiments/docsections.py), so the hand-written text around it
stays. Full scale, 10 seeds takes 2-4 minutes on two free cores (LEVERS.md is most of it).
"""

import argparse
import io
import sys
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"


def params() -> None:
    from experiments.docsections import replace_section
    from sorteermachine.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        main(["params", "--markdown"])
    replace_section(ODD, "params", out.getvalue())


def start_state(seeds: int) -> None:
    from experiments import start_state as st

    st.main(["--seeds", "3", "--write", str(ODD)])  # (built, not simulated: 3 seeds suffice)


def calibration(seeds: int) -> None:
    from sorteermachine.cli import main

    main(["calibrate", "--seeds", str(seeds), "--scenarios", "all", "--write"])


def hindcast(seeds: int) -> None:
    from experiments import hindcast as h

    h.main(["--seeds", str(min(seeds, 5)), "--write", str(ODD)])


def settling(seeds: int) -> None:
    from experiments import settling as s

    s.main(["--seeds", str(min(seeds, 5)), "--write", str(ODD)])


def prices(seeds: int) -> None:
    from experiments import prices as p

    p.main(["--seeds", str(seeds), "--write", str(ODD)])


def levers(seeds: int) -> None:
    from experiments import levers as lv

    lv.main(["--seeds", str(seeds)])


STEPS = {"params": lambda seeds: params(), "start_state": start_state,
         "calibration": calibration, "hindcast": hindcast, "settling": settling,
         "prices": prices, "levers": levers}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--only", default=",".join(STEPS),
                        help=f"comma-separated steps (default all: {', '.join(STEPS)})")
    args = parser.parse_args(argv)
    steps = args.only.split(",")
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        parser.error(f"--only: unknown step(s) {', '.join(unknown)}; allowed: "
                     f"{', '.join(STEPS)}")
    for step in steps:
        print(f"== {step}", file=sys.stderr, flush=True)
        STEPS[step](args.seeds)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
