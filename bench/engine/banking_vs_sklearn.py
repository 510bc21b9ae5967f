#!/usr/bin/python3
"""Banking train+evaluate: openaml vs scikit-learn on the same features and the same random 70/30 splits.

Usage: /usr/bin/python3 bench/engine/banking_vs_sklearn.py BUILD_DIR [SEEDS]
Prints per seed openaml's AUC and wall time (train + evaluate, parsing included), scikit-learn's
LogisticRegression (lbfgs) and SGDClassifier fit times and AUCs on one-hot categoricals + 50 quantile bins,
then the means and ratios.
"""
import json, os, subprocess, sys, tempfile, time
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder

from banking_features import DATA, RECIPE, ROOT, SCHEMA, openaml_binary, sklearn_features

BUILD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
OPENAML = openaml_binary(BUILD)
print(f"openaml: {os.path.relpath(OPENAML, ROOT)}", flush=True)

df = pd.read_csv(DATA)
rows = []
with tempfile.TemporaryDirectory() as tmp:
    for seed in range(SEEDS):
        rng = np.random.default_rng(seed)
        mask = rng.random(len(df)) < 0.7
        train_csv, test_csv, model = (os.path.join(tmp, n) for n in ("train.csv", "test.csv", "model"))
        df[mask].to_csv(train_csv, index=False)
        df[~mask].to_csv(test_csv, index=False)
        t0 = time.perf_counter()
        subprocess.run([OPENAML, "train", train_csv, "--schema", SCHEMA, "--recipe", RECIPE, "--seed", str(seed),
                        "-o", model, "--quiet"], check=True)
        out = subprocess.run([OPENAML, "evaluate", model, test_csv, "--schema", SCHEMA, "--json", "--quiet"],
                             check=True, capture_output=True, text=True).stdout
        t_openaml = time.perf_counter() - t0
        auc_openaml = float(json.loads(out)["BinaryAUC"])
        # scikit-learn on the same features: one-hot categoricals, 50 quantile bins, `previous` as 0/1.
        t0 = time.perf_counter()
        tr, te = pd.read_csv(train_csv), pd.read_csv(test_csv)
        enc = OneHotEncoder(handle_unknown="ignore")
        kb = KBinsDiscretizer(n_bins=50, encode="onehot", strategy="quantile")
        import warnings; warnings.filterwarnings("ignore")
        Xtr, Xte = sklearn_features(enc, kb, tr, True), sklearn_features(enc, kb, te, False)
        t_prep = time.perf_counter() - t0
        t0 = time.perf_counter(); lr = LogisticRegression(max_iter=1000).fit(Xtr, tr.y); t_lr = time.perf_counter() - t0
        t0 = time.perf_counter(); sgd = SGDClassifier(loss="log_loss", random_state=seed).fit(Xtr, tr.y); t_sgd = time.perf_counter() - t0
        auc_lr = roc_auc_score(te.y, lr.predict_proba(Xte)[:, 1])
        auc_sgd = roc_auc_score(te.y, sgd.predict_proba(Xte)[:, 1])
        rows.append((auc_openaml, t_openaml, auc_lr, t_lr, auc_sgd, t_sgd, t_prep))
        print(f"seed {seed}: openaml AUC {auc_openaml:.4f} in {t_openaml:.3f}s | LogisticRegression AUC {auc_lr:.4f} "
              f"fit {t_lr:.3f}s | SGDClassifier AUC {auc_sgd:.4f} fit {t_sgd:.3f}s | sklearn parse+featurize {t_prep:.3f}s")
m = np.mean(np.array(rows), axis=0)
print(f"mean: openaml AUC {m[0]:.4f} train+evaluate {m[1]:.3f}s; LogisticRegression AUC {m[2]:.4f} fit {m[3]:.3f}s "
      f"(ratio fit/openaml {m[3]/m[1]:.2f}x); SGDClassifier AUC {m[4]:.4f} fit {m[5]:.3f}s (ratio {m[5]/m[1]:.2f}x)")
print("bar: mean openaml AUC >= 0.940:", "PASS" if m[0] >= 0.940 else "FAIL")
