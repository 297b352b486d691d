# tables.py: scikit-learn's default MLP on one table of bench/tables.sh, in
# the pipeline its documentation leads to: SimpleImputer, StandardScaler for
# numeric columns, OneHotEncoder(handle_unknown='ignore') for the others, in a
# ColumnTransformer, then MLPClassifier() or MLPRegressor() with defaults.
#
#   python3 tables.py TRAIN.csv TEST.csv LABEL class|reg SEED...
#
# prints "score seconds epochs cpu": accuracy (class) or R^2 (reg) on TEST,
# the seconds from reading the CSV to the metric (the interpreter's start and
# imports not counted), the epochs the MLP ran, and the CPU seconds of the
# same span; with several seeds (random_state), one whole run per seed and
# the mean of each.
import sys
import time
import warnings

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, r2_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

train_csv, test_csv, label, task = sys.argv[1:5]
seeds = [int(a) for a in sys.argv[5:]] or [1]
warnings.simplefilter("ignore", ConvergenceWarning)


def run(seed):
    t0, c0 = time.perf_counter(), time.process_time()
    train = pd.read_csv(train_csv)
    test = pd.read_csv(test_csv)
    X, y = train.drop(columns=[label]), train[label]
    Xt, yt = test.drop(columns=[label]), test[label]
    num = X.select_dtypes(include="number").columns
    cat = X.columns.difference(num)
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore")), cat),
    ])
    if task == "class":
        mlp = MLPClassifier(random_state=seed)
    else:
        mlp = MLPRegressor(random_state=seed)
    model = make_pipeline(pre, mlp).fit(X, y)
    p = model.predict(Xt)
    score = accuracy_score(yt, p) if task == "class" else r2_score(yt, p)
    return (score, time.perf_counter() - t0, mlp.n_iter_, time.process_time() - c0)


runs = [run(s) for s in seeds]
print("%.4f %.3f %d %.3f" % tuple(sum(r[i] for r in runs) / len(runs) for i in range(4)))
