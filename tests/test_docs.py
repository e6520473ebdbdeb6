"""docs/ODD.md stays in step with the code: the parameter table is the register's own output,
and every built-in scenario and every phase module is described."""

import re
from pathlib import Path

import pytest

from model.scenarios import builtin_names
from sorteermachine.cli import main

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
PHASES_DIR = ROOT / "model" / "phases"
START, END = "<!-- params:start -->", "<!-- params:end -->"
# Markers count only on a line of their own (the refresh command below also contains them).
SECTION = re.compile(rf"^{re.escape(START)}\n(.*?)^{re.escape(END)}$", re.M | re.S)
REFRESH = (
    ".venv/bin/sorteermachine params --markdown | .venv/bin/python -c 'import re,sys,pathlib; "
    'p=pathlib.Path("docs/ODD.md"); t=sys.stdin.read(); p.write_text(re.sub('
    'r"(?ms)^(<!-- params:start -->\\n).*?^(<!-- params:end -->)$", '
    "lambda m: m[1]+t+m[2], p.read_text()))'"
)


@pytest.fixture(scope="module")
def odd() -> str:
    return ODD.read_text(encoding="utf-8")


def test_parameter_table_is_the_register_output(odd, capsys):
    assert len(SECTION.findall(odd)) == 1, (
        f"docs/ODD.md must hold exactly one '{START}' ... '{END}' section, each marker on a "
        "line of its own")
    assert main(["params", "--markdown"]) == 0
    expected = capsys.readouterr().out
    assert SECTION.search(odd).group(1) == expected, (
        "The parameter table in docs/ODD.md differs from `sorteermachine params --markdown` "
        "(the register changed). Refresh it from the repository root with:\n" + REFRESH)


def test_refresh_command_in_the_odd_is_the_one_the_test_gives(odd):
    assert REFRESH in odd, "docs/ODD.md section 7.10 should show the refresh command:\n" + REFRESH


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_scenario_is_described(odd, name):
    assert f"`{name}`" in odd, (
        f"built-in scenario '{name}' is not described in docs/ODD.md (section 6, Scenarios)")


@pytest.mark.parametrize("module", sorted(p.stem for p in PHASES_DIR.glob("*.py")
                                          if p.stem != "__init__"))
def test_every_phase_module_is_described(odd, module):
    path = f"model/phases/{module}.py"
    assert path in odd, (
        f"phase module {path} is not described in docs/ODD.md (sections 3 and 7)")
