#!/usr/bin/env python3
"""Reference accuracy for mlgate's gradient-boosted trees, from LightGBM and scikit-learn.

    pip install numpy pandas lightgbm scikit-learn
    python3 Tests/TrainingTests/Reference/make_gbdt_reference.py

Trains on loans/train.csv (fixtures/tools/make_loans.py --rows 5000 --holdout-rows 2000
--seed 11) with settings matched to mlgate's, scores loans/holdout.csv; then does the same on each
fixture scenario's data as its head revision sees them (head/ over base/), when it has both a
train and a holdout file. Writes gbdt.json.
"""
import json
import os

import lightgbm as lgb
import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import mean_squared_error, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
PARAMS = {"trees": 50, "leaves": 15, "learning_rate": 0.1, "max_bins": 255, "min_samples_leaf": 20}


def frames():
    train = pd.read_csv(os.path.join(HERE, "loans/train.csv"))
    holdout = pd.read_csv(os.path.join(HERE, "loans/holdout.csv"))
    for df in (train, holdout):
        df["region"] = df["region"].astype(pd.CategoricalDtype(["east", "north", "south", "west"]))
    return train, holdout


def lgb_params(objective):
    return dict(objective=objective, n_estimators=PARAMS["trees"], num_leaves=PARAMS["leaves"],
                learning_rate=PARAMS["learning_rate"], max_bin=PARAMS["max_bins"], min_child_samples=PARAMS["min_samples_leaf"],
                reg_lambda=0.0, min_child_weight=1e-3, subsample=1.0, colsample_bytree=1.0, n_jobs=2, verbose=-1, random_state=1)


def main():
    train, holdout = frames()
    out = {"params": PARAMS, "lightgbm": lgb.__version__, "sklearn": sklearn.__version__}

    features = ["age", "income", "credit_score", "region"]
    model = lgb.LGBMClassifier(**lgb_params("binary")).fit(train[features], train["approved"], categorical_feature=["region"])
    out["binary"] = {"features": features, "target": "approved",
                     "lightgbm_auc": roc_auc_score(holdout["approved"], model.predict_proba(holdout[features])[:, 1])}
    hgb = HistGradientBoostingClassifier(max_iter=PARAMS["trees"], max_leaf_nodes=PARAMS["leaves"], learning_rate=0.1,
                                         min_samples_leaf=20, l2_regularization=0.0, early_stopping=False,
                                         categorical_features=["region"], random_state=1)
    hgb.fit(train[features], train["approved"])
    out["binary"]["sklearn_auc"] = roc_auc_score(holdout["approved"], hgb.predict_proba(holdout[features])[:, 1])

    features = ["age", "income", "region", "approved"]
    reg = lgb.LGBMRegressor(**lgb_params("regression")).fit(train[features], train["credit_score"], categorical_feature=["region"])
    out["regression"] = {"features": features, "target": "credit_score",
                         "lightgbm_rmse": float(np.sqrt(mean_squared_error(holdout["credit_score"], reg.predict(holdout[features]))))}
    # Every fixture scenario with a train and a holdout at head: the same settings and features.
    fixtures = os.path.join(HERE, "..", "..", "..", "fixtures")
    out["fixtures"] = []
    for name in sorted(os.listdir(fixtures)):
        if not os.path.exists(os.path.join(fixtures, name, "scenario.json")):
            continue
        # Head's files: head/ over base/, then the base/ of the scenario it extends, and so on.
        sides, scenario = [os.path.join(name, "head")], name
        while scenario:
            sides.append(os.path.join(scenario, "base"))
            scenario = json.load(open(os.path.join(fixtures, scenario, "scenario.json"))).get("extends")
        paths = {}
        for key in ("train", "holdout"):
            for side in sides:
                if os.path.exists(os.path.join(fixtures, side, "data", f"{key}.csv")):
                    paths[key] = os.path.join(side, "data", f"{key}.csv")
                    break
        if len(paths) < 2:
            continue
        train = pd.read_csv(os.path.join(fixtures, paths["train"]))
        holdout = pd.read_csv(os.path.join(fixtures, paths["holdout"]))
        features = ["age", "income", "credit_score", "region"]
        if any(c not in df for df in (train, holdout) for c in features + ["approved"]):
            continue  # a scenario that breaks the schema on purpose
        levels = sorted(set(train["region"].dropna()) | set(holdout["region"].dropna()))
        for df in (train, holdout):
            df["region"] = df["region"].astype(pd.CategoricalDtype(levels))
        model = lgb.LGBMClassifier(**lgb_params("binary")).fit(train[features], train["approved"], categorical_feature=["region"])
        auc = roc_auc_score(holdout["approved"], model.predict_proba(holdout[features])[:, 1])
        hgb = HistGradientBoostingClassifier(max_iter=PARAMS["trees"], max_leaf_nodes=PARAMS["leaves"], learning_rate=0.1,
                                             min_samples_leaf=20, l2_regularization=0.0, early_stopping=False,
                                             categorical_features=["region"], random_state=1).fit(train[features], train["approved"])
        out["fixtures"].append({"scenario": name, "train": paths["train"], "holdout": paths["holdout"], "features": features,
                                "target": "approved", "lightgbm_auc": auc,
                                "sklearn_auc": roc_auc_score(holdout["approved"], hgb.predict_proba(holdout[features])[:, 1])})
    with open(os.path.join(HERE, "gbdt.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
