#!/usr/bin/env python3
"""Reference values for mlgate's metrics, from scikit-learn (run by hand).

    pip install numpy scikit-learn
    python3 Tests/TrainingTests/Reference/make_metric_reference.py

Writes predictions.csv (labels, scores with ties, regression truth and predictions) and
metrics.json with scikit-learn's value of every metric on them.
"""
import csv
import json
import os

import numpy as np
import sklearn
from sklearn import metrics

HERE = os.path.dirname(os.path.abspath(__file__))


def ece(y, p, bins=10):
    idx = np.minimum(bins - 1, np.maximum(0, (p * bins).astype(int)))
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += abs(y[m].sum() - p[m].sum()) / len(y)
    return total


def main():
    rng = np.random.default_rng(7)
    cases = {}
    n = 2000
    y = rng.random(n) < 0.35
    # Scores that separate the classes imperfectly, rounded to make ties common.
    s = np.clip(np.round(rng.normal(0.35 + 0.3 * y, 0.2), 2), 0, 1)
    truth = rng.normal(10, 3, n)
    pred = truth + rng.normal(0, 1.5, n)
    # Extreme probabilities exercise log_loss's clipping.
    s[:5] = [0.0, 1.0, 0.0, 1.0, 0.5]
    with open(os.path.join(HERE, "predictions.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["label", "score", "truth", "predicted"])
        for i in range(n):
            w.writerow([int(y[i]), repr(float(s[i])), repr(float(truth[i])), repr(float(pred[i]))])
    hard = s >= 0.5
    cases = {
        "auc": metrics.roc_auc_score(y, s),
        "pr_auc": metrics.average_precision_score(y, s),
        "accuracy": metrics.accuracy_score(y, hard),
        "precision": metrics.precision_score(y, hard),
        "recall": metrics.recall_score(y, hard),
        "f1": metrics.f1_score(y, hard),
        "log_loss": metrics.log_loss(y, s),
        "brier": metrics.brier_score_loss(y, s),
        "ece": ece(y.astype(float), s),
        "rmse": float(np.sqrt(metrics.mean_squared_error(truth, pred))),
        "mae": metrics.mean_absolute_error(truth, pred),
        "r2": metrics.r2_score(truth, pred),
    }
    with open(os.path.join(HERE, "metrics.json"), "w") as f:
        json.dump({"sklearn": sklearn.__version__, "metrics": {k: float(v) for k, v in cases.items()}}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
