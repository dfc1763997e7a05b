"""``make bench``: run the benchmarks against their peers in one run and print the tables.

``python -m bench [formats …]`` runs some of them; the markdown tables are written to
``bench/results/latest.md`` for the README.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from bench import cli, engine, formats, planner, probe, rules, service, store, tui
from bench.harness import DATA, ROOT, Table, machine

SUITES = {
    "formats": formats.run,
    "store": store.run,
    "rules": rules.run,
    "engine": engine.run,
    "tui": tui.run,
    "planner": planner.run,
    "cli": cli.run,
    "service": service.run,
    "probe": probe.run,
}


def main(names: list[str]) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    chosen = names or list(SUITES)
    tables: list[Table] = []
    for name in chosen:
        tables.extend(SUITES[name]())
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    text = f"Measured {stamp} on {machine()}.\n\n" + "\n\n".join(t.markdown() for t in tables)
    (results / "latest.md").write_text(text + "\n", encoding="utf-8")
    print()
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
