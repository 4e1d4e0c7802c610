#!/usr/bin/env python3
"""Reference coefficients for mlgate's ridge and logistic regression, from scikit-learn.

    pip install numpy pandas scikit-learn
    python3 Tests/TrainingTests/Reference/make_linear_reference.py

Same preprocessing as mlgate's FeatureEncoder: numeric columns mean-imputed and standardised,
categorical columns with missing values as "(missing)" and one-hot encoded (sorted levels).
Writes linear.json.
"""
import glob
import json
import os

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
TRAIN = "fixtures/clean/base/data/train.csv"


def design(numeric, categorical):
    return ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="mean")), ("scale", StandardScaler())]), numeric),
        ("cat", Pipeline([("impute", SimpleImputer(strategy="constant", fill_value="(missing)")),
                          ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), categorical),
    ])


def fit(df):
    out = {}
    numeric, categorical = ["age", "income", "credit_score"], ["region"]
    x = design(numeric, categorical).fit_transform(df)
    model = LogisticRegression(C=0.5, tol=1e-12, max_iter=100000).fit(x, df["approved"])
    out["logistic"] = {"features": numeric + categorical, "C": 0.5, "coefficients": model.coef_[0].tolist(),
                       "intercept": float(model.intercept_[0])}

    numeric, categorical = ["age", "income"], ["region"]
    x = design(numeric, categorical).fit_transform(df)
    ridge = Ridge(alpha=3.0).fit(x, df["credit_score"])
    out["ridge"] = {"features": numeric + categorical, "target": "credit_score", "alpha": 3.0,
                    "coefficients": ridge.coef_.tolist(), "intercept": float(ridge.intercept_),
                    "first_predictions": ridge.predict(x[:5]).tolist()}
    return out


def main():
    out = {"train": TRAIN, **fit(pd.read_csv(os.path.join(ROOT, TRAIN), dtype={"region": str}))}
    # Every other training file of the fixtures that has the columns: the same two models.
    out["fixtures"] = []
    for path in sorted(glob.glob(os.path.join(ROOT, "fixtures", "*", "*", "data", "train.csv"))):
        df = pd.read_csv(path, dtype={"region": str})
        if not {"age", "income", "credit_score", "region", "approved"} <= set(df.columns):
            continue
        try:
            pd.to_numeric(df["credit_score"]), pd.to_numeric(df["income"]), pd.to_numeric(df["age"])
        except ValueError:
            continue  # a scenario that breaks the types on purpose
        out["fixtures"].append({"train": os.path.relpath(path, ROOT), **fit(df)})
    with open(os.path.join(HERE, "linear.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
