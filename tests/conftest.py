"""Shared fixtures.

`ctrl_c_in_compiled_loop` makes the model's next year fail as a Ctrl-C does when it lands in
a compiled loop: numba's SystemError ("returned a result with an exception set") caused by
the KeyboardInterrupt.

`heerlen_copy` gives each test its own writable copy of the packaged city data, for tests that
break a file on purpose. The model caches loaded city data per folder (functools.cache in
`model/city.py`), so every broken-data case needs a fresh folder: `tmp_path` is one per test.
"""

import shutil
from pathlib import Path

import pytest

from model.city import DEFAULT_DATA_DIR


@pytest.fixture
def heerlen_copy(tmp_path: Path) -> Path:
    """A fresh copy of model/data/heerlen in this test's tmp_path."""
    target = tmp_path / "heerlen_data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


@pytest.fixture
def ctrl_c_in_compiled_loop(monkeypatch):
    """SortingModel.step runs a compiled loop (`model.jit.jit`) whose numba dispatcher
    reports a Ctrl-C as numba does when one lands in the loop."""
    import numba

    from model import SortingModel
    from model.jit import jit

    def dispatcher(fn):
        def run(*args):
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as cause:
                raise SystemError(f"CPUDispatcher({fn}) returned a result with an exception "
                                  "set") from cause
        return run

    monkeypatch.setattr(numba, "njit", lambda **options: dispatcher)

    @jit
    def loop():
        return 0

    monkeypatch.setattr(SortingModel, "step", lambda self: loop())
