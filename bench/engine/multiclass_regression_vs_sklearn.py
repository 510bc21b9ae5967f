#!/usr/bin/python3
"""MULTICLASS and REGRESSION quality: openaml vs scikit-learn on public datasets shipped with scikit-learn.

Usage: /usr/bin/python3 bench/engine/multiclass_regression_vs_sklearn.py [BUILD_DIR] [SEEDS]   (build, 5)

Datasets (bundled with Debian's python3-sklearn, no download): digits (10 classes, 1,797 rows, 64 numeric),
wine (3 classes, 178 rows, 13 numeric), iris (3 classes, 150 rows, 4 numeric) for MULTICLASS; diabetes (442
rows, 10 numeric) and a generated linear regression problem (make_regression, 20,000 rows, 20 numeric, noise 10)
for REGRESSION. Each dataset is written as CSV, split at random 70/30 per seed into files both sides read.
Same features on both sides: the numeric attributes standardized (openaml recipe
{"outputs":["normalize(ALL_NUMERIC)"]}, default
training parameters; scikit-learn on standardized columns: LogisticRegression(lbfgs, C=1) and Ridge(alpha=1)).
openaml's metric is what `openaml evaluate --json` reports (MulticlassAvgFScore: macro-average F1,
RegressionRMSE). Targets (issue 3): macro F1 within 0.02 of LogisticRegression, RMSE within 5% of Ridge, as
the mean over the seeds. The suggested recipe (no --recipe) is reported too, for information.
"""
import json, os, subprocess, sys, tempfile

import numpy as np
from sklearn import datasets
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import f1_score, mean_squared_error
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
OPENAML = os.path.join(BUILD, "openaml") if os.path.exists(os.path.join(BUILD, "openaml")) else os.path.join(BUILD, "openaml-engine")
RAW = '{"outputs":["normalize(ALL_NUMERIC)"]}'


def load(name):
    if name == "make_regression":
        X, y = datasets.make_regression(n_samples=20000, n_features=20, n_informative=15, noise=10.0, random_state=0)
        return X, y
    d = getattr(datasets, f"load_{name}")()
    return d.data, d.target


def write_csv(path, X, y, kind):
    with open(path, "w") as f:
        f.write(",".join(f"x{i}" for i in range(X.shape[1])) + ",target\n")
        for row, t in zip(X, y):
            label = f"class{int(t)}" if kind == "MULTICLASS" else repr(float(t))
            f.write(",".join(repr(float(v)) for v in row) + "," + label + "\n")


def schema(n, kind):
    attrs = [{"attributeName": f"x{i}", "attributeType": "NUMERIC"} for i in range(n)]
    attrs.append({"attributeName": "target", "attributeType": "CATEGORICAL" if kind == "MULTICLASS" else "NUMERIC"})
    return json.dumps({"version": "1.0", "targetAttributeName": "target", "dataFormat": "CSV",
                       "dataFileContainsHeader": True, "attributes": attrs})


def openaml_metric(tmp, kind, recipe, seed):
    model = os.path.join(tmp, "model")
    args = [OPENAML, "train", os.path.join(tmp, "train.csv"), "--schema", os.path.join(tmp, "schema.json"),
            "--type", kind, "--seed", str(seed), "-o", model, "--quiet"]
    if recipe:
        args += ["--recipe", recipe]
    subprocess.run(args, check=True)
    out = subprocess.run([OPENAML, "evaluate", model, os.path.join(tmp, "test.csv"), "--schema",
                          os.path.join(tmp, "schema.json"), "--json", "--quiet"],
                         check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    return float(doc["MulticlassAvgFScore" if kind == "MULTICLASS" else "RegressionRMSE"])


def main():
    print(f"MULTICLASS / REGRESSION vs scikit-learn, mean of {SEEDS} random 70/30 splits ({OPENAML})")
    failures = 0
    for name, kind in (("digits", "MULTICLASS"), ("wine", "MULTICLASS"), ("iris", "MULTICLASS"),
                       ("diabetes", "REGRESSION"), ("make_regression", "REGRESSION")):
        X, y = load(name)
        ours, suggested, theirs = [], [], []
        for seed in range(SEEDS):
            mask = np.random.default_rng(seed).random(len(y)) < 0.7
            with tempfile.TemporaryDirectory() as tmp:
                write_csv(os.path.join(tmp, "train.csv"), X[mask], y[mask], kind)
                write_csv(os.path.join(tmp, "test.csv"), X[~mask], y[~mask], kind)
                with open(os.path.join(tmp, "schema.json"), "w") as f:
                    f.write(schema(X.shape[1], kind))
                ours.append(openaml_metric(tmp, kind, RAW, seed))
                suggested.append(openaml_metric(tmp, kind, None, seed))
            scaler = StandardScaler().fit(X[mask])
            Xtr, Xte = scaler.transform(X[mask]), scaler.transform(X[~mask])
            if kind == "MULTICLASS":
                pred = LogisticRegression(max_iter=5000).fit(Xtr, y[mask]).predict(Xte)
                theirs.append(f1_score(y[~mask], pred, average="macro"))
            else:
                pred = Ridge(alpha=1.0).fit(Xtr, y[mask]).predict(Xte)
                theirs.append(mean_squared_error(y[~mask], pred) ** 0.5)
        o, s, t = np.mean(ours), np.mean(suggested), np.mean(theirs)
        if kind == "MULTICLASS":
            ok = o >= t - 0.02
            print(f"  {name:16s} macro F1: openaml {o:.4f} (suggested recipe {s:.4f}) | LogisticRegression {t:.4f} | "
                  f"difference {o - t:+.4f} (target >= -0.02): {'PASS' if ok else 'FAIL'}")
        else:
            ok = o <= t * 1.05
            print(f"  {name:16s} RMSE:     openaml {o:.4f} (suggested recipe {s:.4f}) | Ridge {t:.4f} | "
                  f"ratio {o / t:.3f} (target <= 1.05): {'PASS' if ok else 'FAIL'}")
        failures += not ok
    print("all targets met" if failures == 0 else f"{failures} target(s) missed")


if __name__ == "__main__":
    main()
