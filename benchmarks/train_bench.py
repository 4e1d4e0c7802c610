#!/usr/bin/env python3
"""Training benchmark: mlgate's gradient-boosted trees against LightGBM and scikit-learn's
HistGradientBoostingClassifier on the same table, in one run, with ratios.

    pip install numpy pandas scikit-learn lightgbm
    python3 benchmarks/train_bench.py [--rows 1000000] [--dir /tmp/mlgate-bench] [--jobs 2] [--trees 100]

Uses benchmarks/generate.py's base table (generated once): the first 80% of rows train a
classifier of `label` from the 24 other columns (20 numeric, 4 categorical), the last 20% score
it. Settings are matched: 100 trees, 31 leaves, 255 bins, learning rate 0.1, 20 rows a leaf at
least, no L2, categorical columns handled natively, 2 threads. Each lane runs in its own
process; the time covers binning, fitting and predicting (not reading the CSV).
"""
import argparse
import json
import os
import subprocess
import sys
import time

from lanes import arguments, mlgate_bench, run

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CATEGORICAL = ["c05", "c12", "c25", "c50"]


def load(path):
    import pandas as pd
    df = pd.read_csv(path)
    for c in CATEGORICAL:
        df[c] = df[c].astype("category")
    split = len(df) * 4 // 5
    features = [c for c in df.columns if c != "label"]
    return df.iloc[:split], df.iloc[split:], features


def child(lane, path, jobs, trees):
    from sklearn.metrics import roc_auc_score
    train, test, features = load(path)
    start = time.perf_counter()
    if lane == "logistic":
        from sklearn.compose import ColumnTransformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler
        numeric = [c for c in features if c not in CATEGORICAL]
        model = Pipeline([
            ("design", ColumnTransformer([
                ("num", Pipeline([("impute", SimpleImputer()), ("scale", StandardScaler())]), numeric),
                ("cat", Pipeline([("impute", SimpleImputer(strategy="constant", fill_value="(missing)")),
                                  ("onehot", OneHotEncoder(handle_unknown="ignore"))]), CATEGORICAL)])),
            ("fit", LogisticRegression(C=1.0, max_iter=1000)),
        ])
        for c in CATEGORICAL:
            train[c] = train[c].astype(object)
            test[c] = test[c].astype(object)
        model.fit(train[features], train["label"])
    elif lane == "lightgbm":
        import lightgbm as lgb
        model = lgb.LGBMClassifier(n_estimators=trees, num_leaves=31, max_bin=255, learning_rate=0.1, min_child_samples=20,
                                   reg_lambda=0.0, min_child_weight=1e-3, n_jobs=jobs, verbose=-1)
        model.fit(train[features], train["label"], categorical_feature=CATEGORICAL)
    else:
        from sklearn.ensemble import HistGradientBoostingClassifier
        model = HistGradientBoostingClassifier(max_iter=trees, max_leaf_nodes=31, max_bins=255, learning_rate=0.1,
                                               min_samples_leaf=20, l2_regularization=0.0, early_stopping=False,
                                               categorical_features=CATEGORICAL)
        model.fit(train[features], train["label"])
    scores = model.predict_proba(test[features])[:, 1]
    seconds = time.perf_counter() - start
    print(json.dumps({"train_seconds": seconds, "auc": roc_auc_score(test["label"], scores)}))


def main():
    p = arguments()
    p.add_argument("--trees", type=int, default=100)
    p.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        return child(a.child[0], a.child[1], int(a.child[2]), int(a.child[3]))
    data = os.path.join(a.dir, f"{a.rows}")
    path = os.path.join(data, "base.csv")
    if not os.path.exists(path):
        subprocess.check_call([sys.executable, os.path.join(HERE, "generate.py"), data, "--rows", str(a.rows)])
    bench = mlgate_bench()
    env = dict(os.environ, OMP_NUM_THREADS=str(a.jobs), OPENBLAS_NUM_THREADS=str(a.jobs))
    results = {
        "mlgate": run([bench, "train", path, "--trees", str(a.trees), "--jobs", str(a.jobs)], env),
        "lightgbm": run([sys.executable, __file__, "--child", "lightgbm", path, str(a.jobs), str(a.trees)], env),
        "sklearn": run([sys.executable, __file__, "--child", "sklearn", path, str(a.jobs), str(a.trees)], env),
    }
    logistic = {
        "mlgate": run([bench, "train", path, "--model", "logistic", "--jobs", str(a.jobs)], env),
        "sklearn": run([sys.executable, __file__, "--child", "logistic", path, str(a.jobs), str(a.trees)], env),
    }
    ours = results["mlgate"]["train_seconds"]
    print(f"\n{a.rows * 4 // 5:,} training rows x 24 features, {a.trees} trees, 31 leaves, 255 bins, {a.jobs} threads\n")
    print(f"{'tool':9} {'train+predict s':>16} {'test AUC':>9} {'peak MB':>8} {'time vs mlgate':>15}")
    for name, r in results.items():
        print(f"{name:9} {r['train_seconds']:16.2f} {r['auc']:9.4f} {r['peak_rss_mb']:8.0f} {r['train_seconds'] / ours:14.2f}x")
    ours = logistic["mlgate"]["train_seconds"]
    print(f"\nL2 logistic regression (C=1), standardised numeric columns and one-hot categoricals (113 columns):\n")
    print(f"{'tool':9} {'train+predict s':>16} {'test AUC':>9} {'peak MB':>8} {'time vs mlgate':>15}")
    for name, r in logistic.items():
        label = "sklearn lbfgs" if name == "sklearn" else name
        print(f"{label:9} {r['train_seconds']:16.2f} {r['auc']:9.4f} {r['peak_rss_mb']:8.0f} {r['train_seconds'] / ours:14.2f}x")
    print("\nratios are the peer's time over mlgate's (above 1: mlgate is faster). mlgate's peak memory includes the parsed table;")
    print("the peers' includes pandas' DataFrame.")


if __name__ == "__main__":
    main()
