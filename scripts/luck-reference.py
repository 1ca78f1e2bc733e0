#!/usr/bin/env python3
"""Writes test/fixtures/luck-reference.json: an independent computation of the statistics in src/analysis/luck.

numpy and scipy only (no statsmodels): the Newey-West long-run variance is a quadratic form with the Bartlett
weight matrix, and PBO recomputes every Sharpe from the raw rows of each half, where the TypeScript uses loops
over autocovariances and per-partition sums. The jest tests read the JSON and never run Python.
Regenerate with:  python3 scripts/luck-reference.py   (numpy 2.4, scipy 1.17)
"""
import itertools
import json
import math

import numpy as np
import scipy
from scipy import special, stats

EULER_GAMMA = 0.5772156649015329


def moments(r):
    return {
        "mean": float(np.mean(r)),
        "std": float(np.std(r, ddof=1)),
        "skewness": float(stats.skew(r, bias=True)),
        "kurtosis": float(stats.kurtosis(r, fisher=False, bias=True)),
        "sharpe": float(np.mean(r) / np.std(r, ddof=1)),
    }


def psr(r, benchmark):
    m = moments(r)
    sr, n = m["sharpe"], len(r)
    z = (sr - benchmark) * math.sqrt(n - 1) / math.sqrt(1 - m["skewness"] * sr + (m["kurtosis"] - 1) / 4 * sr * sr)
    return float(stats.norm.cdf(z))


def sr0(trials, variance):
    return math.sqrt(variance) * ((1 - EULER_GAMMA) * stats.norm.ppf(1 - 1 / trials)
                                  + EULER_GAMMA * stats.norm.ppf(1 - 1 / (trials * math.e)))


def newey_west(r, lags):
    n = len(r)
    e = r - r.mean()
    i, j = np.indices((n, n))
    weights = np.clip(1 - np.abs(i - j) / (lags + 1), 0, None)  # Bartlett weights as a T x T Toeplitz matrix
    lrv = e @ weights @ e / n
    t = r.mean() / math.sqrt(lrv / n)
    iid_t = r.mean() / (np.std(r, ddof=1) / math.sqrt(n))
    return {
        "lags": lags,
        "neweyWestT": float(t),
        "neweyWestPValue": float(2 * stats.t.sf(abs(t), n - 1)),
        "neweyWestPValueNormal": float(2 * stats.norm.sf(abs(t))),
        "iidT": float(iid_t),
        "iidPValue": float(2 * stats.t.sf(abs(iid_t), n - 1)),
        "iidPValueNormal": float(2 * stats.norm.sf(abs(iid_t))),
    }


def cscv(matrix, s):
    t_all, n = matrix.shape
    block = t_all // s
    m = matrix[t_all - block * s:]  # the oldest T mod S rows are dropped
    blocks = [m[b * block:(b + 1) * block] for b in range(s)]
    logits, sel_is, sel_oos = [], [], []
    for combo in itertools.combinations(range(s), s // 2):
        rest = [b for b in range(s) if b not in combo]
        ins = np.concatenate([blocks[b] for b in combo])
        oos = np.concatenate([blocks[b] for b in rest])
        sr_is = ins.mean(axis=0) / ins.std(axis=0, ddof=1)
        sr_oos = oos.mean(axis=0) / oos.std(axis=0, ddof=1)
        best = int(np.argmax(sr_is))
        w = stats.rankdata(sr_oos, method="average")[best] / (n + 1)
        logits.append(float(np.log(w / (1 - w))))
        sel_is.append(sr_is[best])
        sel_oos.append(sr_oos[best])
    slope, intercept = np.polyfit(sel_is, sel_oos, 1)
    return {
        "partitions": s,
        "barsDropped": t_all - block * s,
        "combinations": len(logits),
        "pbo": float(np.mean(np.array(logits) <= 0)),
        "logits": logits,
        "degradationSlope": float(slope),
        "degradationIntercept": float(intercept),
        "probabilityOfOosLoss": float(np.mean(np.array(sel_oos) < 0)),
    }


rng = np.random.default_rng(20240611)

# A fat-tailed, autocorrelated daily-like series (AR(1), Student t(5) shocks) and a benchmark that shares part of it.
shocks = rng.standard_t(5, 500) * 0.01
series = np.empty(500)
prev = 0.0
for k in range(500):
    prev = 0.3 * prev + shocks[k]
    series[k] = 0.0008 + prev
benchmark = 0.6 * series + rng.normal(0.0002, 0.008, 500)

# CSCV matrices: A has 163 rows (3 dropped at S = 8) and 6 noise candidates, one with a small edge;
# B has 400 rows and 10 candidates at S = 16, candidate 7 with a clear edge.
matrix_a = rng.normal(0, 0.01, (163, 6))
matrix_a[:, 2] += 0.001
matrix_b = rng.normal(0, 0.01, (400, 10))
matrix_b[:, 7] += 0.004

nw_default = int(math.floor(4 * (len(series) / 100) ** (2 / 9)))
pbo_b = cscv(matrix_b, 16)

normal_x = [-37.5, -30, -20, -10, -5, -3, -1.96, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 1.96, 3, 5, 8]
normal_p = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 1e-3, 0.01, 0.02, 0.02425, 0.03, 0.1, 0.3, 0.5, 0.7, 0.9,
            0.975, 0.99, 0.999, 1 - 1e-6, 1 - 1e-12]
t_cases = [(t, df) for df in (1, 2, 3, 5, 10, 30, 100, 1000, 100000) for t in (-40, -5, -2, -0.5, 0.3, 1, 2, 3.5, 10)]
gamma_x = [1e-3, 0.1, 0.5, 1, 1.5, 2, 3.7, 10, 14.9, 15, 100, 1e4, 1e6]
beta_cases = [(0.2, 0.5, 0.5), (0.9, 2, 3), (0.5, 50, 0.5), (0.999, 5000, 0.5), (0.01, 3, 40), (0.7, 0.3, 7)]
gamma_q_cases = [(0.5, 0.01), (0.5, 1), (0.5, 50), (3, 2), (3, 10), (10, 3)]

fixture = {
    "generator": f"scripts/luck-reference.py with numpy {np.__version__}, scipy {scipy.__version__}",
    "distributions": {
        "normalCdf": [[x, float(stats.norm.cdf(x))] for x in normal_x],
        "normalQuantile": [[p, float(stats.norm.ppf(p))] for p in normal_p],
        "studentTCdf": [[t, df, float(stats.t.cdf(t, df))] for t, df in t_cases],
        "studentTTwoSided": [[t, df, float(2 * stats.t.sf(abs(t), df))] for t, df in t_cases],
        "logGamma": [[x, float(special.gammaln(x))] for x in gamma_x],
        "regularizedBeta": [[x, a, b, float(special.betainc(a, b, x))] for x, a, b in beta_cases],
        "regularizedGammaQ": [[a, x, float(special.gammaincc(a, x))] for a, x in gamma_q_cases],
    },
    "series": {
        "returns": series.tolist(),
        "benchmark": benchmark.tolist(),
        "moments": moments(series),
        "psrAgainstZero": psr(series, 0.0),
        "psrAgainst005": psr(series, 0.05),
        "psrAgainstBenchmarkSeries": psr(series - benchmark, 0.0),
        "dsr": {"trials": 25, "sharpeVariance": 0.002, "expectedMaxSharpe": sr0(25, 0.002),
                "dsr": psr(series, sr0(25, 0.002))},
        "neweyWest": [newey_west(series, nw_default), newey_west(series, 0), newey_west(series, 12)],
    },
    "pbo": [
        {"name": "A", "matrix": matrix_a.tolist(), **cscv(matrix_a, 8)},
        {"name": "B", "matrix": matrix_b.tolist(), **{k: v for k, v in pbo_b.items() if k != "logits"},
         "logitsHead": pbo_b["logits"][:40], "logitsSum": float(np.sum(pbo_b["logits"]))},
    ],
}

with open("test/fixtures/luck-reference.json", "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
print("pbo A", fixture["pbo"][0]["pbo"], "pbo B", fixture["pbo"][1]["pbo"], "nw lags", nw_default)
