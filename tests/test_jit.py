"""The compiled loops (model/jit.py) give the same run to the bit as the same loops run as
plain Python: numba changes the speed, not the arithmetic."""

import os
import subprocess
import sys

from model.jit import jit


def run_city_csv(tmp_path, name, no_jit):
    out = tmp_path / name
    env = dict(os.environ, SORTEERMACHINE_NO_JIT="1" if no_jit else "0")
    subprocess.run([sys.executable, "-m", "sorteermachine.cli", "run", "--scale", "0.05",
                    "--until", "2027", "--seed", "4", "--policy", "woonfundament", "--no-report",
                    "--quiet", "--out", str(out)], check=True, env=env)
    return (out / "city.csv").read_bytes(), (out / "buurten.csv").read_bytes()


def test_compiled_and_plain_python_loops_give_the_same_run(tmp_path):
    flag = "import model.jit as j, sys; sys.exit(0 if j.NO_JIT else 1)"
    assert subprocess.run([sys.executable, "-c", flag],
                          env=dict(os.environ, SORTEERMACHINE_NO_JIT="1")).returncode == 0
    compiled = run_city_csv(tmp_path, "compiled", no_jit=False)
    plain = run_city_csv(tmp_path, "plain", no_jit=True)
    assert compiled == plain


def test_jit_keeps_the_plain_function_and_its_name():
    def add(a, b):
        """Adds."""
        return a + b

    compiled = jit(add)
    assert compiled(2, 3) == 5
    assert compiled.py_func is add and compiled.__name__ == "add" and compiled.__doc__ == "Adds."
