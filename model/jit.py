"""Hot loops compiled to machine code by numba, on first use.

A few inner loops of the model (the market's utility of every chooser-dwelling pair, ...)
are written as plain Python loops over arrays, so a reader sees the rule one pair at a
time, and numba compiles them: one pass over the data instead of one numpy pass per term.
The compiled code is cached on disk next to the module, so only the first run on a machine
pays the compile time (about a second per loop); numba itself is imported at the first
call, so importing the model stays quick.

The loops do the same arithmetic in the same order and precision as the numpy code they
replace (no `fastmath`: no reordering, no fused multiply-add), so a run gives the same
numbers to the bit whether a loop is compiled or not. `SORTEERMACHINE_NO_JIT=1` runs them
as plain Python (slow; for stepping through them in a debugger).
"""

import os
from functools import wraps

NO_JIT = os.environ.get("SORTEERMACHINE_NO_JIT", "") not in ("", "0")


def jit(fn):
    """Compile `fn` with numba (nopython, cached) the first time it is called."""
    compiled = None

    @wraps(fn)
    def call(*args):
        nonlocal compiled
        if compiled is None:
            if NO_JIT:
                compiled = fn
            else:
                import numba

                compiled = numba.njit(cache=True, nogil=True)(fn)
        try:
            return compiled(*args)
        except SystemError as exc:  # a Ctrl-C that landed in the loop (see `interrupted`)
            if interrupted(exc):
                raise KeyboardInterrupt from None
            raise

    call.py_func = fn  # the plain Python loop (tests compare it with the compiled one)
    return call


def interrupted(exc: BaseException) -> bool:
    """Whether `exc` is a Ctrl-C in disguise. A KeyboardInterrupt that arrives while a
    compiled loop runs is raised as the loop returns, and numba's dispatcher then reports a
    SystemError ("returned a result with an exception set") caused by it. `jit` turns that
    back into the KeyboardInterrupt, so a batch does not record it as a failed run and the
    command line says 'interrupted' instead of printing a traceback."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
