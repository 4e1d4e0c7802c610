#!/usr/bin/env python3
"""Reference TreeSHAP contributions from LightGBM, for mlgate's TreeSHAP.

    pip install numpy pandas lightgbm
    python3 Tests/TrainingTests/Reference/make_treeshap_reference.py

Trains LightGBM on loans/train.csv (binary: approved; regression: credit_score) with a
categorical feature (region) and missing values (age), dumps the trees as flat node lists and
writes LightGBM's `predict(..., pred_contrib=True)` for 300 holdout rows to treeshap.json. The
test rebuilds the same trees, runs mlgate's TreeSHAP on them and compares to 1e-6.
"""
import json
import math
import os

import lightgbm as lgb
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURES = ["age", "income", "credit_score", "region", "sexcode"]


def frame(name):
    df = pd.read_csv(os.path.join(HERE, "loans", name))
    df["region"] = df["region"].astype(pd.CategoricalDtype(["east", "north", "south", "west"])).cat.codes.astype(float)
    df["sexcode"] = (df["sex"] == "female").astype(float)
    return df


def flatten(tree):
    """A LightGBM tree structure as nodes (children ≥ 0) and leaves (children as ~index)."""
    nodes, leaves, counts = [], [], []

    def visit(n):
        if "leaf_index" in n or "leaf_value" in n and "split_feature" not in n:
            leaves.append(n["leaf_value"])
            counts.append(n.get("leaf_count", 0))
            return ~(len(leaves) - 1)
        index = len(nodes)
        nodes.append(None)
        left = visit(n["left_child"])
        right = visit(n["right_child"])
        threshold = n["threshold"]
        if n["decision_type"] == "==":
            threshold = [int(c) for c in str(threshold).split("||")]
        nodes[index] = {"feature": n["split_feature"], "decision": n["decision_type"], "threshold": threshold,
                        "default_left": n["default_left"], "missing_type": n["missing_type"],
                        "left": left, "right": right, "count": n["internal_count"]}
        return index

    visit(tree["tree_structure"])
    return {"nodes": nodes, "leaves": leaves, "leaf_counts": counts}


def case(objective, target):
    features = [f for f in FEATURES if f != target]
    train, holdout = frame("train.csv"), frame("holdout.csv").head(300)
    model = lgb.LGBMRegressor if objective == "regression" else lgb.LGBMClassifier
    m = model(objective=objective, n_estimators=40, num_leaves=15, learning_rate=0.1, min_child_samples=20,
              n_jobs=1, verbose=-1, random_state=1)
    m.fit(train[features], train[target], categorical_feature=["region"])
    booster = m.booster_
    dump = booster.dump_model()
    contributions = booster.predict(holdout[features], pred_contrib=True)
    rows = [[None if math.isnan(v) else v for v in row] for row in holdout[features].to_numpy().tolist()]
    return {"objective": objective, "features": features, "trees": [flatten(t) for t in dump["tree_info"]],
            "rows": rows, "contributions": contributions.tolist(),
            "raw_scores": booster.predict(holdout[features], raw_score=True).tolist()}


def main():
    out = {"lightgbm": lgb.__version__, "cases": [case("binary", "approved"), case("regression", "credit_score")]}
    with open(os.path.join(HERE, "treeshap.json"), "w") as f:
        json.dump(out, f)
    print("wrote treeshap.json")


main()
