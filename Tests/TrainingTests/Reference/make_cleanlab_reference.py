#!/usr/bin/env python3
"""Reference label issues from cleanlab, for mlgate's confident learning.

    pip install numpy scikit-learn cleanlab
    python3 Tests/TrainingTests/Reference/make_cleanlab_reference.py

Out-of-fold probabilities (5-fold, logistic regression) on seeded synthetic data with 10% of
labels flipped, binary and three-class; writes the labels, the probabilities and
cleanlab.filter.find_label_issues(..., filter_by="confident_learning") to cleanlab.json.
"""
import json
import os

import cleanlab
import numpy as np
from cleanlab.filter import find_label_issues
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict

HERE = os.path.dirname(os.path.abspath(__file__))


def case(classes, seed):
    x, y = make_classification(n_samples=2000, n_features=6, n_informative=4, n_classes=classes, n_clusters_per_class=1,
                               class_sep=1.5, random_state=seed)
    rng = np.random.default_rng(seed)
    flipped = rng.random(len(y)) < 0.10
    noisy = y.copy()
    noisy[flipped] = (y[flipped] + rng.integers(1, classes, flipped.sum())) % classes
    probabilities = cross_val_predict(LogisticRegression(max_iter=1000), x, noisy, cv=5, method="predict_proba")
    mask = find_label_issues(noisy, probabilities, filter_by="confident_learning")
    return {"classes": classes, "labels": noisy.tolist(), "probabilities": probabilities.ravel().tolist(),
            "issues": mask.tolist(), "flipped": flipped.tolist()}


def main():
    out = {"cleanlab": cleanlab.__version__, "cases": [case(2, 3), case(3, 5)]}
    with open(os.path.join(HERE, "cleanlab.json"), "w") as f:
        json.dump(out, f)
    for c in out["cases"]:
        print(c["classes"], "classes:", sum(c["issues"]), "issues,", sum(c["flipped"]), "flipped")


main()
