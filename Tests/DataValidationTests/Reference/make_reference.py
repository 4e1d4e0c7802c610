#!/usr/bin/env python3
"""Computes the reference values the drift statistics are tested against (run by hand).

    pip install numpy scipy
    python3 Tests/DataValidationTests/Reference/make_reference.py

Reads the fixture CSVs and the synthetic samples written here (synthetic.csv), and writes
reference.json: for each case, PSI as SPEC §3 defines it (numpy), the KS statistic and its
p-value from scipy.stats.ks_2samp(method="asymp"), and chi2_contingency(correction=False).
"""
import csv
import json
import os

import numpy as np
import scipy
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIX = os.path.join(ROOT, "fixtures")


def column(path, name, numeric=True):
    values = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            v = row.get(name, "")
            if v == "":
                continue
            values.append(float(v) if numeric else v)
    return values


def psi_numeric(base, head):
    base = np.asarray(base, dtype=float)
    head = np.asarray(head, dtype=float)
    edges = np.unique(np.quantile(base, np.arange(1, 10) / 10))  # linear interpolation
    def proportions(x):
        bins = np.searchsorted(edges, x, side="left")  # first bin whose upper edge >= v
        return np.bincount(bins, minlength=len(edges) + 1) / len(x)
    b, h = proportions(base), proportions(head)
    bf, hf = np.maximum(b, 1e-4), np.maximum(h, 1e-4)
    return float(np.sum((hf - bf) * np.log(hf / bf))), edges.tolist()


def psi_categorical(base, head):
    levels = list(dict.fromkeys(list(base) + list(head)))
    b = np.array([base.count(l) for l in levels], dtype=float)
    h = np.array([head.count(l) for l in levels], dtype=float)
    bf, hf = np.maximum(b / b.sum(), 1e-4), np.maximum(h / h.sum(), 1e-4)
    chi2, p, dof, _ = stats.chi2_contingency(np.vstack([b, h]), correction=False)
    return float(np.sum((hf - bf) * np.log(hf / bf))), float(chi2), float(p), int(dof)


def main():
    rng = np.random.default_rng(20261122)
    synthetic = {
        "ties_base": rng.integers(0, 12, 3000).astype(float),
        "ties_head": rng.integers(1, 13, 2500).astype(float),
        "small_base": rng.normal(0, 1, 160),
        "small_head": rng.normal(0.4, 1, 150),
        "big_base": rng.normal(0, 1, 6000),
        "big_head": rng.normal(0.05, 1.05, 9000),
        "same_base": rng.lognormal(3, 1, 5000),
        "same_head": rng.lognormal(3, 1, 5000),
    }
    # Six decimals keep the file small; both sides compute on exactly these values.
    synthetic = {k: np.round(v, 6) for k, v in synthetic.items()}
    with open(os.path.join(HERE, "synthetic.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        names = list(synthetic)
        w.writerow(names)
        longest = max(len(v) for v in synthetic.values())
        for i in range(longest):
            w.writerow([repr(float(synthetic[n][i])) if i < len(synthetic[n]) else "" for n in names])

    clean_base = os.path.join(FIX, "clean/base/data/train.csv")
    pairs = [
        ("clean", clean_base, os.path.join(FIX, "clean/head/data/train.csv")),
        ("drift", clean_base, os.path.join(FIX, "drift/head/data/train.csv")),
        ("broken", clean_base, os.path.join(FIX, "data-broken/head/data/train.csv")),
    ]
    numeric, categorical = [], []
    for name, base_path, head_path in pairs:
        for col in ["age", "income", "credit_score"]:
            if name == "broken" and col == "credit_score":
                continue
            b, h = column(base_path, col), column(head_path, col)
            psi, edges = psi_numeric(b, h)
            ks = stats.ks_2samp(b, h, method="asymp")
            numeric.append({"case": f"{name}/{col}", "base": [base_path[len(ROOT) + 1:], col], "head": [head_path[len(ROOT) + 1:], col],
                            "psi": psi, "edges": edges, "ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue)})
        for col in ["region", "sex", "approved"]:
            b, h = column(base_path, col, numeric=False), column(head_path, col, numeric=False)
            psi, chi2, p, dof = psi_categorical(b, h)
            categorical.append({"case": f"{name}/{col}", "base": [base_path[len(ROOT) + 1:], col], "head": [head_path[len(ROOT) + 1:], col],
                                "psi": psi, "chi2_statistic": chi2, "chi2_pvalue": p, "chi2_dof": dof})
    syn = "Tests/DataValidationTests/Reference/synthetic.csv"
    for case in ["ties", "small", "big", "same"]:
        b, h = synthetic[f"{case}_base"], synthetic[f"{case}_head"]
        psi, edges = psi_numeric(b, h)
        ks = stats.ks_2samp(b, h, method="asymp")
        numeric.append({"case": f"synthetic/{case}", "base": [syn, f"{case}_base"], "head": [syn, f"{case}_head"],
                        "psi": psi, "edges": edges, "ks_statistic": float(ks.statistic), "ks_pvalue": float(ks.pvalue)})
    out = {"generated_by": "make_reference.py", "numpy": np.__version__, "scipy": scipy.__version__,
           "numeric": numeric, "categorical": categorical}
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
