"""The `sorteermachine` command: a thin layer over model, experiments and viz.

    sorteermachine run [--scenario NAME|FILE] [--seed N] [--until YEAR] [--scale F]
                       [--set NAME=VALUE ...] [--data-dir DIR] [--ledger] --out DIR
    sorteermachine params [--group GROUP] [--markdown]
    sorteermachine scenarios
    sorteermachine calibrate [--seeds N] [--scenarios base,...|all] [--fit] [--write]
    sorteermachine check-data [DIR] [--spec]
    sorteermachine batch SPEC [--workers N | --dask-local N | --dask-scheduler ADDR] --out DIR

Bad input (an unknown scenario or parameter, a value out of range, a broken data file) stops
with a message naming the field and what is allowed, exit code 2, and nothing written.
"""

import argparse
import os
import sys
import time
import tomllib

from experiments.calibration import CalibrationError
from experiments.calibration import add_arguments as calibration_arguments
from experiments.results import OutputError, RunResults, check_out_dir
from experiments.single import LAST_YEAR, resolve, run
from experiments.spec import SpecError
from model.city import DataError, describe_data_folder, load_city
from model.params import ParameterError, make_params
from model.phases.migration import check_household_path
from model.register import REGISTER
from model.scenarios import ScenarioError, builtin_names, load_policy, load_scenario

EXIT_BAD_INPUT = 2
MAX_SEED = 2**32 - 1  # numpy's classic seed range; every tool that stores seeds can hold it


def _parse_set(items: list[str]) -> dict:
    """--set NAME=VALUE pairs; VALUE is read as a TOML value (numbers, true/false, [lists]),
    and as a plain string if it is not one."""
    out = {}
    for item in items:
        if "=" not in item:
            raise ParameterError(f"--set {item!r}: expected NAME=VALUE, e.g. --set scale=0.1")
        name, raw = (part.strip() for part in item.split("=", 1))
        try:
            out[name] = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            out[name] = raw
    return out


def cmd_run(args) -> int:
    overrides = _parse_set(args.set)
    setup = resolve(args.scenario, args.policy, overrides)
    name, params = setup.scenario, setup.params
    if args.scale is not None:
        params = params.replace(scale=_checked("--scale", "scale", args.scale))
    if not params.start_year <= args.until <= LAST_YEAR:
        raise ParameterError(f"--until {args.until}: allowed is a year from "
                             f"{params.start_year} to {LAST_YEAR}")
    if not 0 <= args.seed <= MAX_SEED:
        raise ParameterError(f"--seed {args.seed}: allowed is a whole number from 0 to "
                             f"{MAX_SEED:,}".replace(",", ""))
    check_household_path(params, load_city(args.data_dir))  # check the data before any work
    check_out_dir(args.out)
    started = time.perf_counter()
    years = args.until - params.start_year
    bar = _progress(years, args.quiet)
    model = run(params, args.seed, args.until, args.data_dir,
                on_year=lambda year: bar.update(1) if bar else None)
    if bar:
        bar.close()
    results = RunResults.from_model(model, name, args.seed, policy=setup.policy,
                                    ledger=args.ledger)
    extra = {}
    if not args.no_report:
        from viz.report import write_report

        extra["report.html"] = lambda path: write_report(results, path)
    results.save(args.out, extra_files=extra)
    if not args.quiet:
        first, last = model.city_rows[0], model.city_rows[-1]
        print(f"{name}, policy {setup.policy}, seed {args.seed}, {params.start_year}-"
              f"{model.year}, scale "
              f"{params.scale:g}: {last['households']:,} households "
              f"({time.perf_counter() - started:.1f} s)")
        print(f"segregation of low against high incomes over the wijken (dissimilarity, "
              f"0 = evenly spread, 1 = fully apart): {first['dissimilarity']:.3f} in "
              f"{params.start_year}, {last['dissimilarity']:.3f} in {model.year}")
        files = [*results.files(), *extra]
        print(f"results in {args.out}/ ({', '.join(files)})")
    return 0


def _checked(option: str, name: str, value):
    """Validate a value given by its own option, naming that option in the message."""
    try:
        return make_params({name: value})[name]
    except ParameterError as exc:
        raise ParameterError(str(exc).replace(f"parameter '{name}'", f"{option} (parameter "
                                              f"'{name}')")) from None


def _progress(years: int, quiet: bool):
    if quiet or years <= 0:
        return None
    from tqdm import tqdm

    return tqdm(total=years, unit="year", desc="simulating", leave=False, disable=None)


def cmd_params(args) -> int:
    rows = [p for p in REGISTER.values() if not args.group or p.group == args.group]
    if not rows:
        groups = sorted({p.group for p in REGISTER.values()})
        raise ParameterError(f"--group {args.group!r}: allowed groups are {', '.join(groups)}")
    if args.markdown:
        print("| parameter | default | unit | allowed | lever | source |")
        print("|---|---|---|---|---|---|")
        for p in rows:
            print(f"| `{p.name}` | {_show(p.default)} | {p.unit} | {p.allowed()} | "
                  f"{'yes' if p.lever else ''} | {p.source} |")
        return 0
    for p in rows:
        lever = " [lever]" if p.lever else ""
        print(f"{p.name} = {_show(p.default)}  ({p.unit}; {p.group}){lever}\n"
              f"    {p.doc}\n    allowed: {p.allowed()}\n    source: {p.source}")
    return 0


def _show(value) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{v:g}" for v in value) + "]"
    return repr(value) if isinstance(value, str) else f"{value}"


def cmd_scenarios(args) -> int:
    for name in builtin_names():
        s = load_scenario(name)
        print(f"{name}: {s.description}\n    source: {s.source}")
    print("\npolicy packages (--policy):")
    for name in builtin_names("policy"):
        s = load_policy(name)
        print(f"{name}: {s.description}\n    source: {s.source}")
    return 0


def cmd_check_data(args) -> int:
    if args.spec:
        print(describe_data_folder())
        return 0
    city = load_city(args.dir)
    print(f"{city.data_dir}: {city.name} ({city.gm_code}), {city.n_wijken} wijken, "
          f"{city.n_buurten} buurten, {int(city.buurten['dwellings'].sum()):,} dwellings, "
          f"{int(city.buurten['households'].sum()):,} households: OK")
    return 0


def _needs_batch_extra() -> None:
    try:
        import dask  # noqa: F401
        import pyarrow  # noqa: F401
        import SALib  # noqa: F401
        import threadpoolctl  # noqa: F401
    except ImportError as exc:
        raise ParameterError(f"this command needs the batch tools ({exc.name} is missing): "
                             "pip install 'sorteermachine[batch]'") from None


def cmd_batch(args) -> int:
    _needs_batch_extra()
    from experiments.batch import open_store, run_batch
    from experiments.spec import load_spec
    from experiments.store import check_batch_dir

    spec = load_spec(args.spec)  # every check before any run starts
    tasks = spec.tasks()
    check_batch_dir(args.out, spec.fingerprint())
    backend = _backend(args)
    store = open_store(args.out, tasks, spec)
    if not args.quiet:
        print(f"{spec.name}: {len(tasks):,} runs ({len(spec.scenarios)} scenario(s) x "
              f"{len(spec.policies)} policy package(s) x {len(spec.points)} parameter "
              f"point(s) x {spec.replications} replication(s)) on {backend.description}",
              file=sys.stderr)
    show = _batch_progress(args.quiet)
    try:
        summary = run_batch(tasks, store, backend, on_progress=show,
                            retry_failed=args.retry_failed, spec=spec,
                            flush_seconds=args.save_every)
    except KeyboardInterrupt:
        show(None)
        print(f"\nsorteermachine: interrupted; {len(store.done())} of {len(tasks)} runs are "
              f"saved in {args.out}; run the same command again to continue",
              file=sys.stderr)
        return 130
    finally:
        show(None)
    failed = store.failed()
    if not args.quiet:
        print(f"{len(store.done()):,} of {len(tasks):,} runs saved in {args.out}/ "
              f"({summary.ran} run now, {summary.saved_before} before; "
              f"{summary.seconds:.0f} s); tables: runs, city, wijken, buurten")
    if failed:
        runs = store.runs().set_index("run")
        for run in sorted(failed)[:5]:
            r = runs.loc[run]
            print(f"  run {run} ({r['scenario']}, {r['policy']}, seed {r['seed']}) failed: "
                  f"{str(r['error']).splitlines()[0]}", file=sys.stderr)
        print(f"sorteermachine: {len(failed)} run(s) failed (see the runs table's 'error'); "
              "rerun with --retry-failed to try them again", file=sys.stderr)
        return 1
    return 0


def _backend(args):
    from experiments.backends import DaskBackend, ProcessBackend, SerialBackend

    if args.dask_scheduler:
        return DaskBackend(scheduler=args.dask_scheduler)
    if args.dask_local is not None:
        if args.dask_local < 1:
            raise ParameterError("--dask-local: give the number of workers, 1 or more")
        return DaskBackend(local_workers=args.dask_local)
    if args.workers < 1:
        raise ParameterError("--workers: give the number of worker processes, 1 or more")
    return SerialBackend() if args.workers == 1 else ProcessBackend(args.workers)


def _batch_progress(quiet: bool):
    """A progress bar (runs done, failed, time left) on a terminal; a line every 30 s
    otherwise. Called with None to close it."""
    state = {"bar": None, "last": 0.0}

    def show(progress) -> None:
        bar = state["bar"]
        if progress is None:
            if bar is not None:
                bar.close()
                state["bar"] = None
            return
        if quiet:
            return
        if bar is None and sys.stderr.isatty():
            from tqdm import tqdm

            bar = state["bar"] = tqdm(total=progress.total, initial=progress.saved_before,
                                      unit="run", desc="batch", leave=False)
        if bar is not None:
            bar.n = progress.saved_before + progress.done
            bar.set_postfix_str(f"{progress.failed} failed", refresh=False)
            bar.refresh()
        elif time.monotonic() - state["last"] >= 30 or progress.remaining == 0:
            state["last"] = time.monotonic()
            print(f"batch: {progress}", file=sys.stderr)

    return show


def cmd_calibrate(args) -> int:
    from experiments.calibration import calibrate

    return calibrate(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sorteermachine",
        description="Simulate how a Dutch city's housing market (by default Heerlen's) sorts "
                    "households over its neighbourhoods, and what the levers of Heerlen's 2024 "
                    "housing vision do.")
    sub = parser.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="simulate one scenario and write the results folder")
    r.add_argument("--scenario", default="base",
                   help=f"built-in ({', '.join(builtin_names())}) or a .toml file "
                        "(default: base)")
    r.add_argument("--policy", default="no-policy",
                   help=f"policy package: built-in ({', '.join(builtin_names('policy'))}) or "
                        "a .toml file (default: no-policy)")
    r.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    r.add_argument("--until", type=int, default=LAST_YEAR,
                   help=f"last year to simulate; 2024 writes the start state (default "
                        f"{LAST_YEAR})")
    r.add_argument("--scale", type=float, default=None,
                   help="fraction of the city to simulate, e.g. 0.1 for a quick look")
    r.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override one parameter (see 'sorteermachine params'); repeatable")
    r.add_argument("--data-dir", default=None, help="city data folder (default: Heerlen)")
    r.add_argument("--ledger", action="store_true",
                   help="also write ledger.csv.gz: every household event with its reason")
    r.add_argument("--no-report", action="store_true", help="skip report.html")
    r.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    r.add_argument("--out", required=True, help="results folder to write")
    r.set_defaults(func=cmd_run)

    p = sub.add_parser("params", help="list every parameter with unit, range and source")
    p.add_argument("--group", help="only one group (run, synthesis, demography, ...)")
    p.add_argument("--markdown", action="store_true", help="as a Markdown table")
    p.set_defaults(func=cmd_params)

    s = sub.add_parser("scenarios", help="list the built-in scenarios")
    s.set_defaults(func=cmd_scenarios)

    b = sub.add_parser("batch", help="run a batch spec (many runs), resumable, into Parquet",
                       description="Run every run of a batch spec (see experiments/specs/) and "
                       "save the results as Parquet tables in DIR. Running the same command "
                       "again after an interruption runs only the runs not yet saved.")
    b.add_argument("spec", help="spec file, or the name of one in experiments/specs/ "
                                "(e.g. smoke)")
    b.add_argument("--out", required=True, help="batch folder to write (or to continue)")
    where = b.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=2,
                       help="local worker processes (default 2; 1 runs in this process)")
    where.add_argument("--dask-local", type=int, metavar="N",
                       help="start a local Dask cluster of N workers")
    where.add_argument("--dask-scheduler", metavar="tcp://HOST:PORT",
                       help="use a running Dask scheduler and its workers")
    b.add_argument("--retry-failed", action="store_true",
                   help="run again the runs that failed before")
    b.add_argument("--save-every", type=float, default=5.0, metavar="SECONDS",
                   help="write finished runs to the store at least this often (default 5; "
                        "0 writes every run at once)")
    b.add_argument("--quiet", action="store_true", help="no progress or summary")
    b.set_defaults(func=cmd_batch)

    k = sub.add_parser("calibrate", help="the model against the city's calibration targets; "
                                         "--fit refits the parameters that set its pace")
    calibration_arguments(k)
    k.set_defaults(func=cmd_calibrate)

    c = sub.add_parser("check-data", help="check a city data folder (--spec: what one needs)")
    c.add_argument("dir", nargs="?", default=None, help="folder (default: packaged Heerlen)")
    c.add_argument("--spec", action="store_true",
                   help="say what a city data folder must hold, file by file and column by "
                        "column, and check nothing")
    c.set_defaults(func=cmd_check_data)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataError as exc:
        print(f"sorteermachine: error: {exc} ('sorteermachine check-data --spec' says what a "
              "city data folder needs)", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ParameterError, ScenarioError, OutputError, SpecError, CalibrationError) as exc:
        print(f"sorteermachine: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("\nsorteermachine: interrupted; no results written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (`sorteermachine params | head`): not an error of ours.
        # Point stdout at /dev/null so Python's exit flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

