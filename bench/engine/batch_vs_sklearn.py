#!/usr/bin/python3
"""Batch prediction throughput: openaml vs scikit-learn on the same large banking-like file, in one run.

Usage: /usr/bin/python3 bench/engine/batch_vs_sklearn.py [BUILD_DIR] [ROWS]   (defaults: build, 2000000)

Both sides use a model trained on examples/banking/banking.csv with the same features (the sample recipe:
one-hot categoricals and binaries, 50 quantile bins of each numeric). The input is a generated banking-like CSV
(bench/ingest's generator, cached under BUILD_DIR/bench-data). Timed, wall clock:
  - openaml: `openaml predict MODEL FILE -o OUT` — parse, featurize, score and write Amazon ML's batch CSV;
  - scikit-learn: pandas.read_csv + the same featurization + LogisticRegression.predict_proba (no output
    written, so scikit-learn does less).
Prints rows/s of each and the ratio (target: openaml >= 5x), and the AUC of both sets of scores against the
file's `y` column as a sanity check that both predicted the same thing. Machine load skews wall times
(uptime is printed); compare the ratio.
"""
import os, resource, subprocess, sys, tempfile, time, warnings

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder

from banking_features import DATA, RECIPE, ROOT, SCHEMA, openaml_binary, sklearn_features

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000
OPENAML = openaml_binary(BUILD)
warnings.filterwarnings("ignore")


def generated_file(rows):
    """The first `rows` records of a cached banking-like file from bench/ingest's generator."""
    data_dir = os.path.join(BUILD, "bench-data")
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, f"batch-{rows}.csv")
    if os.path.exists(path):
        return path
    subprocess.run(["ninja", "-C", BUILD, "-j2", "ingest_benchmark"], check=True, stdout=subprocess.DEVNULL)
    gen = os.path.join(BUILD, "bench/ingest/ingest_benchmark")
    source = path + ".gen"
    subprocess.run([gen, "generate", source, str(rows * 130), "7", DATA], check=True)
    with open(source) as src, open(path + ".tmp", "w") as out:
        for i, line in enumerate(src):
            if i > rows:
                break
            out.write(line)
    os.remove(source)
    os.rename(path + ".tmp", path)
    return path


def main():
    big = generated_file(ROWS)
    print(f"batch prediction benchmark: {ROWS} rows, {os.path.getsize(big) / 1e6:.0f} MB ({big})")
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    with tempfile.TemporaryDirectory() as tmp:
        model, out = os.path.join(tmp, "model"), os.path.join(tmp, "out.csv")
        subprocess.run([OPENAML, "train", DATA, "--schema", SCHEMA, "--recipe", RECIPE, "--seed", "1", "-o", model,
                        "--quiet"], check=True)
        train = pd.read_csv(DATA)
        enc, kb = OneHotEncoder(handle_unknown="ignore"), KBinsDiscretizer(n_bins=50, encode="onehot", strategy="quantile")
        lr = LogisticRegression(max_iter=1000).fit(sklearn_features(enc, kb, train, True), train.y)

        best_openaml = best_sklearn = 1e9
        for _ in range(2):  # best of 2 each, interleaved
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run([OPENAML, "predict", model, big, "--schema", SCHEMA, "-o", out, "--quiet"], check=True)
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if wall < best_openaml:
                best_openaml, cpu_openaml = wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            t0 = time.perf_counter()
            d = pd.read_csv(big)
            p = lr.predict_proba(sklearn_features(enc, kb, d, False))[:, 1]
            best_sklearn = min(best_sklearn, time.perf_counter() - t0)

        scores = pd.read_csv(out)
        assert len(scores) == ROWS, f"openaml wrote {len(scores)} rows for {ROWS}"
        auc_openaml, auc_sklearn = roc_auc_score(d.y, scores.score), roc_auc_score(d.y, p)
    rate_o, rate_s = ROWS / best_openaml, ROWS / best_sklearn
    print(f"  openaml predict (parse, featurize, score, write CSV): {best_openaml:7.2f} s  {rate_o / 1e6:5.2f} M rows/s"
          f"  ({cpu_openaml:.2f} s CPU, {ROWS / cpu_openaml / 1e6:.2f} M rows per CPU-second)  AUC vs y {auc_openaml:.4f}")
    print(f"  scikit-learn read_csv + featurize + predict_proba:    {best_sklearn:7.2f} s  {rate_s / 1e6:5.2f} M rows/s"
          f"  AUC vs y {auc_sklearn:.4f}")
    print(f"  ratio openaml/scikit-learn: {rate_o / rate_s:.1f}x  (target >= 5x)")


if __name__ == "__main__":
    main()
