#!/usr/bin/python3
"""Which Debian `fortunes` categories are clearly distinct: the probe behind the text task's default labels.

A bag-of-words probe (TF-IDF, logistic regression, stratified 4-fold cross-validation) is asked to tell
every category from every other one, on the first 48 tokens of each fortune (the passage a 4-chunk,
12-token document holds), tokenized as envs/text does (lowercase words and punctuation), duplicates
removed. A category's one-vs-rest F1 says how recognisable it is among all the others. The default
labels are the 8 categories with the highest F1 among those with at least 200 entries (so every label
has 160 training fortunes or more); the rest stay as the clutter's distractors.

    /usr/bin/python3 scripts/fortune_categories.py > docs/results/fortune-categories.csv

Needs python3-sklearn (scripts/install-deps.sh installs it). Deterministic: no shuffling anywhere.
"""
import os
import re
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import cross_val_predict

FORTUNES = "/usr/share/games/fortunes"
MIN_ENTRIES = 200
LABELS = 8
TOKENS = 48


def fortunes(path):
    """The distinct entries of one fortune file (entries end at a line holding only %)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    entries = [e.strip() for e in re.split(r"^%$", text, flags=re.M)]
    return list(dict.fromkeys(e for e in entries if e))


def tokens(text):
    return re.findall(r"\w+|[^\w\s]", text.lower())


def main():
    names = sorted(n for n in os.listdir(FORTUNES) if "." not in n and os.path.isfile(os.path.join(FORTUNES, n)))
    docs, labels, sizes = [], [], {}
    for i, name in enumerate(names):
        entries = fortunes(os.path.join(FORTUNES, name))
        sizes[name] = len(entries)
        docs += [" ".join(tokens(e)[:TOKENS]) for e in entries]
        labels += [i] * len(entries)
    y = np.array(labels)
    keep = np.array([sizes[names[i]] >= 4 for i in y])  # 4 folds need 4 examples of a class
    x = TfidfVectorizer(min_df=2, token_pattern=r"\S+", sublinear_tf=True).fit_transform(docs)
    probe = LogisticRegression(C=5, max_iter=3000, class_weight="balanced")
    predicted = cross_val_predict(probe, x[keep], y[keep], cv=4)
    f1 = f1_score(y[keep], predicted, average=None, labels=np.unique(y[keep]))
    score = dict(zip((names[i] for i in np.unique(y[keep])), f1))
    ranked = sorted(score, key=lambda n: -score[n])
    chosen = [n for n in ranked if sizes[n] >= MIN_ENTRIES][:LABELS]
    w = sys.stdout
    w.write("category,entries,f1,default_label\n")
    for n in ranked:
        w.write(f"{n},{sizes[n]},{score[n]:.3f},{int(n in chosen)}\n")
    print("default labels: " + ", ".join(chosen), file=sys.stderr)


if __name__ == "__main__":
    main()
