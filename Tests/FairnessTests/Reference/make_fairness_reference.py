#!/usr/bin/env python3
"""Reference fairness metrics from fairlearn (run by hand).

    pip install numpy fairlearn
    python3 Tests/FairnessTests/Reference/make_fairness_reference.py

Writes predictions.csv (labels, hard predictions, two protected attributes) and fairness.json
with fairlearn's values, per attribute and for the intersection of both.
"""
import csv
import json
import os

import fairlearn
import numpy as np
from fairlearn.metrics import (MetricFrame, demographic_parity_difference, demographic_parity_ratio,
                               equal_opportunity_difference, equalized_odds_difference, selection_rate,
                               true_positive_rate, false_positive_rate)

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.default_rng(5)
    n = 3000
    sex = rng.choice(["female", "male"], n, p=[0.45, 0.55])
    race = rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1])
    y = rng.random(n) < 0.4
    bias = np.where(sex == "male", 0.12, 0.0) + np.where(race == "c", -0.1, 0.0)
    pred = rng.random(n) < (0.3 + 0.4 * y + bias)
    with open(os.path.join(HERE, "predictions.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["label", "prediction", "sex", "race"])
        for i in range(n):
            w.writerow([int(y[i]), int(pred[i]), sex[i], race[i]])
    out = {"fairlearn": fairlearn.__version__, "attributes": {}}
    attributes = {"sex": sex, "race": race, "sex&race": np.array([f"{s}&{r}" for s, r in zip(sex, race)])}
    for name, groups in attributes.items():
        frame = MetricFrame(metrics={"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate},
                            y_true=y, y_pred=pred, sensitive_features=groups)
        out["attributes"][name] = {
            "demographic_parity_difference": demographic_parity_difference(y, pred, sensitive_features=groups),
            "demographic_parity_ratio": demographic_parity_ratio(y, pred, sensitive_features=groups),
            "equalized_odds_difference": equalized_odds_difference(y, pred, sensitive_features=groups, agg="worst_case"),
            "equal_opportunity_difference": equal_opportunity_difference(y, pred, sensitive_features=groups),
            "selection_rate": {str(k): float(v) for k, v in frame.by_group["selection_rate"].items()},
            "tpr": {str(k): float(v) for k, v in frame.by_group["tpr"].items()},
            "fpr": {str(k): float(v) for k, v in frame.by_group["fpr"].items()},
        }
    with open(os.path.join(HERE, "fairness.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
