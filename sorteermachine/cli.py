"""The `sorteermachine` command: a thin layer over model, experiments and viz.

    sorteermachine run [--scenario NAME|FILE] [--policy NAME|FILE] [--baseline NAME|FILE]
                       [--seed N] [--until YEAR] [--scale F] [--set NAME=VALUE ...]
                       [--data-dir DIR] [--ledger] --out DIR
    sorteermachine params [--group GROUP] [--levers] [--markdown]
    sorteermachine scenarios
    sorteermachine calibrate [--seeds N] [--scenarios base,...|all] [--fit] [--write]
    sorteermachine check-data [DIR] [--spec]
    sorteermachine hindcast --from YEAR --to YEAR [--seeds N] [--scale F] [--set NAME=VALUE ...]
                            [--data-dir DIR] --out DIR
    sorteermachine batch SPEC [--workers N | --dask-local N | --dask-scheduler ADDR] --out DIR
    sorteermachine sensitivity SPEC --method morris|sobol [--workers N | ...] --out DIR
    sorteermachine report DIR [--baseline SCENARIO/POLICY | POLICY]
    sorteermachine ui [--host HOST] [--port PORT] [--lock LEVER[=VALUE] ...]

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
from experiments.single import LAST_YEAR, RunSetup, resolve, run
from experiments.spec import SpecError
from model import levers
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
    baseline = resolve(args.scenario, args.baseline, overrides) if args.baseline else None
    if args.scale is not None:
        scale = _checked("--scale", "scale", args.scale)
        params = params.replace(scale=scale)
        if baseline:
            baseline = RunSetup(baseline.scenario, baseline.policy,
                                baseline.params.replace(scale=scale))
    if not params.start_year <= args.until <= LAST_YEAR:
        raise ParameterError(f"--until {args.until}: allowed is a year from "
                             f"{params.start_year} to {LAST_YEAR}")
    if not 0 <= args.seed <= MAX_SEED:
        raise ParameterError(f"--seed {args.seed}: allowed is a whole number from 0 to "
                             f"{MAX_SEED:,}".replace(",", ""))
    city = load_city(args.data_dir)  # check the data and the levers' areas before any work
    check_household_path(params, city)
    levers.check(params, city, where=f"policy {setup.policy}")
    if baseline:
        levers.check(baseline.params, city, where=f"--baseline {baseline.policy}")
    check_out_dir(args.out)
    if not args.no_report:
        from viz import charts

        charts.warm_up()  # the report's renderer starts while the model runs
    started = time.perf_counter()
    years = args.until - params.start_year
    bar = _progress(years * (2 if baseline else 1), args.quiet)
    tick = (lambda year: bar.update(1)) if bar else None
    model = run(params, args.seed, args.until, args.data_dir, on_year=tick)
    results = RunResults.from_model(model, name, args.seed, policy=setup.policy,
                                    ledger=args.ledger)
    base_results = None
    if baseline:  # the same scenario, seed and overrides under the baseline's levers
        base_model = run(baseline.params, args.seed, args.until, args.data_dir, on_year=tick)
        base_results = RunResults.from_model(base_model, name, args.seed,
                                             policy=baseline.policy)
    if bar:
        bar.close()
    extra = {}
    if not args.no_report:
        from viz.report import write_report

        extra["report.html"] = lambda path: write_report(results, path, baseline=base_results)
    if base_results is not None:
        extra["baseline/"] = lambda path: base_results.save(path)
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
        if base_results is not None:
            b = base_results.city.iloc[-1]
            print(f"baseline {base_results.policy}: {int(b['households']):,} households, "
                  f"dissimilarity {b['dissimilarity']:.3f} in {int(b['year'])}")
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
    if args.levers:
        rows = [p for p in rows if p.lever]
        if not rows:
            raise ParameterError(f"--group {args.group!r} has no levers; groups with levers: "
                                 + ", ".join(sorted({p.group for p in REGISTER.values()
                                                     if p.lever})))
        if not args.markdown:
            return _print_levers(rows)
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


def _print_levers(rows) -> int:
    """The levers, grouped by lever, with their English and Dutch labels."""
    group = None
    for p in rows:
        if p.group != group:
            print(("\n" if group else "") + f"[{p.group}]")
            group = p.group
        print(f"{p.name} = {_show(p.default)}  ({p.unit})\n    {p.label('en')} / "
              f"{p.label('nl')}\n    {p.doc}\n    allowed: {p.allowed()}\n"
              f"    source: {p.source}")
    return 0


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
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


def cmd_hindcast(args) -> int:
    from experiments import hindcast

    params = resolve(None, None, _parse_set(args.set)).params
    if args.scale is not None:
        params = params.replace(scale=_checked("--scale", "scale", args.scale))
    req = hindcast.check_request(args.first, args.last, args.seeds, params, args.out,
                                 args.data_dir)
    bar = _progress(req.seeds, args.quiet)
    tables = hindcast.run(req, on_seed=lambda seed: bar.update(1) if bar else None)
    if bar:
        bar.close()
    out = hindcast.save(req, tables)
    if not args.quiet:
        print(hindcast.summary(req, tables["skill"]))
        print(f"results in {args.out}/ ({', '.join(sorted(p.name for p in out.iterdir()))})")
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
    from experiments.spec import load_spec

    return _run_spec(args, load_spec(args.spec))  # every check before any run starts


def cmd_sensitivity(args) -> int:
    _needs_batch_extra()
    from experiments.sensitivity import analyse, design, outputs_of, summary_lines
    from experiments.spec import load_spec
    from experiments.store import BatchStore

    spec = load_spec(args.spec)
    if spec.points != [{}]:
        raise SpecError(f"{spec.path}: a sensitivity spec draws its own design; remove "
                        "[grid] and [sample] (or run it with 'sorteermachine batch')")
    outputs = outputs_of(spec)
    problem, x, points = design(spec, args.method)
    design_spec = spec.with_points(points)
    if not args.quiet:
        print(f"{args.method}: {len(points)} design points over {problem['num_vars']} "
              f"parameters ({', '.join(problem['names'])})", file=sys.stderr)
    code = _run_spec(args, design_spec)
    if code not in (0, 1):
        return code
    store = BatchStore(args.out)
    runs = store.runs()
    indices = analyse(problem, x, runs[runs["status"] == "ok"], store.city(), args.method,
                      design_spec, outputs)
    if indices.empty:
        print("sorteermachine: no output could be analysed (failed runs, or outputs this "
              "model does not record)", file=sys.stderr)
        return 1
    indices.to_csv(store.folder / "indices.csv", index=False, float_format="%.6g")
    from viz.batch_report import write_sensitivity_report

    write_sensitivity_report(indices, args.method, problem, store.folder / "sensitivity.html")
    missing = [o for o in outputs if o not in set(indices["output"])]
    if not args.quiet:
        for line in summary_lines(indices, args.method):
            print(line)
        if missing:
            print(f"(not analysed: {', '.join(missing)}: not recorded by this model or runs "
                  "failed)")
        print(f"indices in {args.out}/indices.csv, charts in {args.out}/sensitivity.html")
    return code


def cmd_report(args) -> int:
    _needs_batch_extra()
    from viz.batch_report import write_batch_report

    path = write_batch_report(args.dir, baseline=args.baseline, lang=args.lang)
    if not args.quiet:
        print(f"batch report in {path}")
    return 0


def _run_spec(args, spec) -> int:
    from experiments.backends import BackendError
    from experiments.batch import open_store, run_batch
    from experiments.store import check_batch_dir

    tasks = spec.tasks()
    check_batch_dir(args.out, spec.fingerprint())
    try:
        backend = _backend(args)
    except BackendError as exc:
        raise OutputError(str(exc)) from None
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
    except BackendError as exc:
        show(None)
        print(f"sorteermachine: error: {exc}; {len(store.done())} of {len(tasks)} runs are "
              f"saved in {args.out}; run the same command again to continue",
              file=sys.stderr)
        return 1
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


def _batch_arguments(b) -> None:
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


def cmd_ui(args) -> int:
    """The workshop app on http://HOST:PORT/ (needs the `ui` extra)."""
    from sorteermachine.app.server import UIError, serve

    locks = {}
    for item in args.lock:
        name, _, raw = item.partition("=")
        name = name.strip()
        param = REGISTER.get(name)
        if param is None or not param.lever:
            levers = ", ".join(p.name for p in REGISTER.values() if p.lever)
            raise ParameterError(f"--lock {item!r}: '{name}' is not a lever; levers are "
                                 f"{levers}")
        locks[name] = (param.validate(_parse_set([f"{name}={raw}"])[name], "--lock")
                       if raw else None)
    if not 1 <= args.port <= 65535:
        raise ParameterError(f"--port {args.port}: allowed is a port from 1 to 65535")
    try:
        return serve(args.host, args.port, locks)
    except UIError as exc:
        print(f"sorteermachine: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


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
    r.add_argument("--policy", default=None,
                   help=f"policy package: built-in ({', '.join(builtin_names('policy'))}) or "
                        "a .toml file (default: no-policy, or the [policy] of a --scenario "
                        "file that holds both)")
    r.add_argument("--baseline", default=None, metavar="NAME|FILE",
                   help="also run this policy package (e.g. no-policy) with the same scenario, "
                        "seed and --set values; the report adds a section of differences and "
                        "the baseline's results go to OUT/baseline/")
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
    p.add_argument("--levers", action="store_true",
                   help="only the levers (what a policy package may set), grouped by lever")
    p.add_argument("--markdown", action="store_true", help="as a Markdown table")
    p.set_defaults(func=cmd_params)

    s = sub.add_parser("scenarios", help="list the built-in scenarios")
    s.set_defaults(func=cmd_scenarios)

    b = sub.add_parser("batch", help="run a batch spec (many runs), resumable, into Parquet",
                       description="Run every run of a batch spec (see experiments/specs/) and "
                       "save the results as Parquet tables in DIR. Running the same command "
                       "again after an interruption runs only the runs not yet saved.")
    _batch_arguments(b)
    b.set_defaults(func=cmd_batch)

    e = sub.add_parser("sensitivity", help="global sensitivity analysis (SALib) of a spec",
                       description="Morris elementary effects or Sobol' indices of the spec's "
                       "[sensitivity] parameters (ranges from the register) for chosen "
                       "outputs; the runs are a resumable batch in DIR, the indices go to "
                       "DIR/indices.csv and DIR/sensitivity.html.")
    _batch_arguments(e)
    e.add_argument("--method", choices=("morris", "sobol"), required=True)
    e.set_defaults(func=cmd_sensitivity)

    rp = sub.add_parser("report", help="the HTML report of a batch (median and 90%% band)")
    rp.add_argument("dir", help="batch folder written by 'sorteermachine batch'")
    rp.add_argument("--baseline", metavar="SCENARIO/POLICY|POLICY",
                    help="what differences are taken against: one combination (e.g. "
                         "'base/no-policy'), or a policy package alone (e.g. 'no-policy': "
                         "each scenario against itself under that package); default: the "
                         "first combination of the batch")
    rp.add_argument("--lang", choices=("en", "nl"), default="en")
    rp.add_argument("--quiet", action="store_true")
    rp.set_defaults(func=cmd_report)

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

    h = sub.add_parser("hindcast", help="start in an earlier year, impose the observed stock "
                       "and household total, and score the changes per area against CBS")
    h.add_argument("--from", dest="first", type=int, required=True,
                   help="start year: a year of the city's history (Heerlen: 2016-2018)")
    h.add_argument("--to", dest="last", type=int, required=True,
                   help="end year: a later year of the city's history (Heerlen: up to 2019)")
    h.add_argument("--seeds", type=int, default=5, help="seeds 1..N (default 5)")
    h.add_argument("--scale", type=float, default=None,
                   help="fraction of the city to simulate, e.g. 0.2 for a quick look")
    h.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override one parameter (see 'sorteermachine params'); repeatable")
    h.add_argument("--data-dir", default=None, help="city data folder (default: Heerlen)")
    h.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    h.add_argument("--out", required=True, help="folder to write skill.csv and the rest to")
    h.set_defaults(func=cmd_hindcast)

    u = sub.add_parser("ui", help="start the workshop web app (map, levers, comparison); "
                                  "needs the ui extra")
    u.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                                                        "127.0.0.1: this machine only)")
    u.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    u.add_argument("--lock", action="append", default=[], metavar="LEVER[=VALUE]",
                   help="fix a lever for the workshop (at VALUE, or at its value in the "
                        "chosen scenario); repeatable")
    u.set_defaults(func=cmd_ui)
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

