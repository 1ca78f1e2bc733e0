#!/usr/bin/env python3
"""Writes test/fixtures/timeseriessplit.json: scikit-learn's TimeSeriesSplit boundaries for fixed cases.

The walk-forward windows must reproduce these (validation 0, step = test). Regenerate with Debian's
python3-sklearn:  /usr/bin/python3 scripts/timeseriessplit-fixtures.py
"""
import json, sklearn
from sklearn.model_selection import TimeSeriesSplit

cases = []
for mode in ("rolling", "anchored"):
    for train, test, gap, n_splits in [(10, 5, 0, 3), (50, 7, 3, 6), (100, 20, 5, 4), (12, 1, 2, 9), (30, 30, 0, 2)]:
        n = train + gap + n_splits * test
        tss = TimeSeriesSplit(n_splits=n_splits, test_size=test, gap=gap,
                              max_train_size=train if mode == "rolling" else None)
        splits = [{"train": [int(tr[0]), int(tr[-1]) + 1], "test": [int(te[0]), int(te[-1]) + 1]}
                  for tr, te in tss.split(list(range(n)))]
        cases.append({"mode": mode, "train": train, "test": test, "gap": gap, "n_splits": n_splits, "length": n, "splits": splits})

with open("test/fixtures/timeseriessplit.json", "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
