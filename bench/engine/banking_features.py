"""What the banking benchmarks share: openaml's sample recipe and scikit-learn's equivalent features (one-hot
categoricals, 50 quantile bins of each numeric, `previous` as 0/1), and where the openaml binary is."""
import os

import scipy.sparse as sp

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "examples/banking/banking.csv")
SCHEMA = os.path.join(ROOT, "examples/banking/banking.csv.schema")
RECIPE = '{"outputs":["ALL_BINARY","ALL_CATEGORICAL","quantile_bin(ALL_NUMERIC,50)"]}'
NUMERIC = ["age", "duration", "campaign", "pdays", "emp_var_rate", "cons_price_idx", "cons_conf_idx", "euribor3m", "nr_employed"]
CATEGORICAL = ["job", "marital", "education", "default", "housing", "loan", "contact", "month", "day_of_week", "poutcome"]


def openaml_binary(build):
    """The engine's command line: build/openaml-engine (train/evaluate/predict, the same engine code as
    `openaml train|evaluate|predict` without the service, whose database client libraries add about 7 ms of
    start-up to every process), else build/openaml."""
    engine = os.path.join(build, "openaml-engine")
    return engine if os.path.exists(engine) else os.path.join(build, "openaml")


def sklearn_features(enc, kb, d, fit):
    """The sample recipe's features for DataFrame `d` with a OneHotEncoder and a KBinsDiscretizer (fitted when `fit`)."""
    prev = d[["previous"]].where(d[["previous"]] <= 1, 0).values
    c = enc.fit_transform(d[CATEGORICAL]) if fit else enc.transform(d[CATEGORICAL])
    n = kb.fit_transform(d[NUMERIC]) if fit else kb.transform(d[NUMERIC])
    return sp.hstack([c, n, prev]).tocsr()
