"""Compare two batch folders: do they hold the same numbers (sorted by run)?

    python scripts/compare_batches.py DIR_A DIR_B

Every table (runs, city, wijken, buurten) is compared exactly, except the runs table's
columns that say where and when a run executed (seconds, worker, chunk, finished). Prints
what differs; exit code 0 if nothing does.
"""

import sys

from experiments.store import BatchStore, compare_stores


def main(argv: list[str]) -> int:
    a, b = argv
    found = compare_stores(a, b)
    runs = len(BatchStore(a).runs())
    for line in found:
        print(line)
    print(f"{a} and {b}: {runs} runs, " + ("identical" if not found else "DIFFERENT"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
