"""What a learner that knows the form of an AR(1) market can reach on the pipeline's walk-forward windows.

For each window (train 1000, validation 250, test 250, stepping by 250: the defaults, so its test bars are the
pipeline's) it fits an ordinary least-squares regression of the next log return on the last `lookback` log returns
over the training rows, then trades the test rows with the oracle's rule on that forecast (sign when |forecast| >
the cost rate, else hold), next-bar execution and costs per unit of position change, as src/markets/oracle.ts does.
It prints the stitched out-of-sample Sharpe of that policy and of the oracle over the same bars. It is an upper reference for the DQN:
the regression has the right functional form and a handful of parameters.

    npm run build && node dist/cli/main.js synth --kind ar1 --phi 0.2 --bars 4000 --seed 101 --out /tmp/ar1-101.csv
    python3 scripts/linear-bound.py /tmp/ar1-101.csv [--anchored] [--lookback 5] [--agent results/<id>]
"""

import argparse
import csv
import json

import numpy as np


def prices(path):
    with open(path, newline="") as f:
        return np.array([float(row["close"]) for row in csv.DictReader(f)])


def trade(p, forecast_at, bars, cost):
    """Per-bar returns after costs: the position chosen at the close of row t - 1 earns p[t] / p[t - 1] - 1."""
    position, out = 0.0, []
    for t in bars:
        f = forecast_at(t - 1)
        target = position if abs(f) <= cost else float(np.sign(f))
        out.append(target * (p[t] / p[t - 1] - 1) - cost * abs(target - position))
        position = target
    return out


def annualised_sharpe(x, periods=252):
    x = np.asarray(x)
    return x.mean() / x.std(ddof=1) * np.sqrt(periods)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--anchored", action="store_true")
    parser.add_argument("--lookback", type=int, default=5)
    parser.add_argument("--agent", help="an experiment folder run on this CSV: its oos_returns.csv against the oracle on its bars")
    args = parser.parse_args()
    with open(args.csv + ".json") as f:
        sidecar = json.load(f)
    phi = sidecar["generator"]["params"]["phi"]
    cost = sidecar["oracle"]["band"]
    p = prices(args.csv)
    r = np.r_[np.nan, np.diff(np.log(p))]  # r[t] = ln(p[t] / p[t - 1]), as src/data/features.ts
    L, train, validation, test = args.lookback, 1000, 250, 250
    learned, oracle, k = [], [], 0
    while k * test + train + validation + test <= len(p):
        start = 0 if args.anchored else k * test
        end_train = k * test + train
        # Forecast rows t (features r[t - L + 1 .. t]) with targets r[t + 1], all inside the training rows.
        rows = np.arange(start + L, end_train - 1)
        X = np.column_stack([np.ones(len(rows))] + [r[rows - j] for j in range(L)])
        beta = np.linalg.lstsq(X, r[rows + 1], rcond=None)[0]
        first = end_train + validation
        bars = range(first, first + test)
        learned += trade(p, lambda t: beta[0] + sum(beta[1 + j] * r[t - j] for j in range(L)), bars, cost)
        oracle += trade(p, lambda t: phi * r[t], bars, cost)
        k += 1
    s_learned, s_oracle = annualised_sharpe(learned), annualised_sharpe(oracle)
    print(f"{k} windows, {len(learned)} test bars: least squares {s_learned:.3f}, oracle {s_oracle:.3f}, ratio {s_learned / s_oracle:.2f}")
    if args.agent:
        with open(f"{args.agent}/oos_returns.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        agent = annualised_sharpe([float(row["strategy_return"]) for row in rows])
        same = annualised_sharpe(trade(p, lambda t: phi * r[t], [int(row["row"]) for row in rows], cost))
        print(f"agent on its {len(rows)} test bars: {agent:.3f}, oracle there {same:.3f}, ratio {agent / same:.2f}")


if __name__ == "__main__":
    main()
