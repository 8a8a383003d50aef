"""The routing models, pure Python (scikit-learn, no Django): train, predict, measure, serialise.

``TextClassifier`` maps a message to a category. Text is normalised first (NFKC, lower case, all
whitespace removed), so a message already split into words ("小区 电梯 故障", as the published
training file is) and the raw text a resident types ("小区电梯故障") give the same features.
Features are TF-IDF over character 1–3-grams (sublinear tf, terms in at least two messages), which
carry Chinese words without a segmenter, joined by the same over the message's first 20 characters
at half weight (``head``): a message starts with its subject, which names the problem more plainly
than the body (+0.7 point of 5-fold macro-F1, every fold better). Two linear models share these
features and vote: a linear SVM (one-vs-rest, C = 1, classes weighted inversely to their size) and
an NB-SVM (Wang & Manning 2012: each class's SVM sees the features scaled by their log-count ratio
for that class against the rest), their scores standardised per message and added (+0.6 point
over the SVM alone). Confidence is the SVM's probability of the chosen label, from a sigmoid
calibration of its scores fitted on held-out folds (``CalibratedClassifierCV``): where the two
models disagree it is low, as it should be. Measured and left out (bench/routing.py's docstring
has the table): jieba word n-grams, longer character n-grams, logistic regression, complement NB,
self-training on the unlabelled messages, a nearest-neighbour override for near-duplicates.
Available but off by default (``words=True, ridge=True``): jieba word 1–2-grams at half weight and
a ridge classifier voting in the SVM's place, 0.9352 against 0.9343 over bench/routing.py's five
folds (within the folds' noise) for 2–3 times the training time and 1.45 ms per message one at a
time instead of 0.5 (jieba), over the 1 ms target. Also off by default (``offsets=True``):
per-class offsets added to the vote, tuned for macro-F1 on the vote's scores over three inner
held-out folds (``tuned_offsets``); they lift the small classes the big 城乡建设 absorbs: 0.9360
against 0.9343 over bench/routing.py's five folds (0.9374 with another inner split) for 2.5 times
the training CPU (35 s) and no cost per message.

``DepartmentRouter`` maps (category, place) to the department that resolved such tickets: counts
per (category, place path prefix), backing off from the grid to the community, street and the
category alone; its confidence is the winning department's share of the counts used.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import joblib
import numpy as np
from scipy import sparse
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import RidgeClassifier
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

# Artefacts saved before it moved name the vectoriser's preprocessor as classifier.normalise.
from quanyu.routing.text import normalise as normalise

# 2: the head features and the NB-SVM (format 1 artefacts, character n-grams and the SVM alone,
# still load and predict as they did).
# 3: optional jieba words at half weight and a ridge classifier voting in the SVM's place
# (format 2 artefacts load with neither and predict as they did).
# 4: per-class offsets added to the vote (format 1–3 artefacts load with none and predict as they did).
ARTEFACT_FORMAT = 4
READABLE_FORMATS = (1, 2, 3, 4)


def jieba_words(text: str) -> list[str]:
    """Words of the normalised text by jieba (dictionary only, no HMM): the same for segmented
    and raw input, since the given spaces are removed first."""
    import jieba

    return jieba.lcut(text, HMM=False)


def head_text(text: str, n: int = 20) -> str:
    """The first ``n`` characters of the normalised text: where a message's subject is."""
    return normalise(text)[:n]


def standardised(scores: np.ndarray) -> np.ndarray:
    """Each row's scores minus their mean, over their spread: two models' scores on one scale."""
    spread = scores.std(axis=1, keepdims=True)
    return (scores - scores.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1.0)


def nbsvm_fit(
    x: Any, labels: np.ndarray, classes: np.ndarray, c: float, class_weight: Any
) -> tuple[Any, Any]:
    """One-vs-rest NB-SVM: per class, the binary features' log-count ratio r (add-one smoothed)
    scales the features an SVM is fitted on. As x·(r∘w) = (x∘r)·w, each class folds into one
    coefficient column: returns coefficients (features × classes) and intercepts."""
    present = (x > 0).astype(np.float32)
    coef = np.zeros((x.shape[1], len(classes)), dtype=np.float32)
    intercept = np.zeros(len(classes))
    for k, label in enumerate(classes):
        positive = labels == label
        p = 1 + np.asarray(present[positive].sum(axis=0)).ravel()
        q = 1 + np.asarray(present[~positive].sum(axis=0)).ravel()
        r = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)
        svm = LinearSVC(C=c, class_weight=class_weight).fit(x @ sparse.diags(r), positive)
        coef[:, k] = r * svm.coef_[0]
        intercept[k] = svm.intercept_[0]
    return coef, intercept


def tuned_offsets(
    scores: np.ndarray, labels: np.ndarray, classes: np.ndarray, span: float = 0.6, rounds: int = 3
) -> np.ndarray:
    """Per-class offsets added to the scores that maximise macro-F1 on held-out scores: coordinate
    ascent over a grid of ±``span`` (ties go to the smaller offset), centred to sum to zero."""
    grid = np.linspace(-span, span, 25)
    offsets = np.zeros(len(classes))
    for _ in range(rounds):
        for k in range(len(classes)):
            best, best_f = 0.0, -1.0
            for g in grid:
                trial = offsets.copy()
                trial[k] = g
                f = f1_score(labels, classes[(scores + trial).argmax(axis=1)], average="macro")
                if f > best_f + 1e-9 or (abs(f - best_f) <= 1e-9 and abs(g) < abs(best)):
                    best, best_f = g, f
            offsets[k] = best
    return offsets - offsets.mean()


@dataclass
class TextClassifier:
    """Character n-gram (+ subject) TF-IDF, linear SVM + NB-SVM vote, calibrated confidences."""

    ngram_range: tuple[int, int] = (1, 3)
    min_df: int = 2
    c: float = 1.0
    class_weight: str | None = "balanced"  # macro-F1 counts the small categories as much as the big
    calibration_folds: int = 3
    max_features: int | None = None
    words: bool = False  # add jieba word 1–2-grams of the normalised text (see the module docstring)
    words_weight: float = 0.5
    head: int = 20  # characters of the start (the subject) featured again; 0: none
    head_weight: float = 0.5
    nbsvm: bool = True  # the NB-SVM's vote beside the SVM's
    ridge: bool = False  # a ridge classifier votes in the SVM's place (the SVM still gives confidence)
    ridge_alpha: float = 1.0
    offsets: bool = False  # per-class offsets on the vote, tuned for macro-F1 on held-out folds
    vectoriser: Any = field(default=None, repr=False)
    model: Any = field(default=None, repr=False)
    nb: tuple[Any, Any] | None = field(default=None, repr=False)  # NB-SVM coefficients, intercepts
    ridge_model: Any = field(default=None, repr=False)
    offset: np.ndarray | None = field(default=None, repr=False)  # the fitted offsets, classes order
    fast: dict[str, Any] | None = field(default=None, repr=False)

    def _chars(self, preprocessor: Callable[[str], str]) -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer="char",
            preprocessor=preprocessor,
            ngram_range=self.ngram_range,
            min_df=self.min_df,
            sublinear_tf=True,
            max_features=self.max_features,
            dtype=np.float32,
        )

    def _vectoriser(self) -> Any:
        chars = self._chars(normalise)
        parts: list[tuple[str, Any]] = [("chars", chars)]
        weights = {"chars": 1.0}
        if self.head:
            parts.append(("head", self._chars(functools.partial(head_text, n=self.head))))
            weights["head"] = self.head_weight
        if self.words:
            words = TfidfVectorizer(
                preprocessor=normalise,
                tokenizer=jieba_words,
                token_pattern=None,
                lowercase=False,
                ngram_range=(1, 2),
                min_df=self.min_df,
                sublinear_tf=True,
                dtype=np.float32,
            )
            parts.append(("words", words))
            weights["words"] = self.words_weight
        return chars if len(parts) == 1 else FeatureUnion(parts, transformer_weights=weights)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TextClassifier:
        self.vectoriser = self._vectoriser()
        x = self.vectoriser.fit_transform(texts)
        svm = LinearSVC(C=self.c, class_weight=self.class_weight)
        smallest = min(Counter(labels).values())
        folds = min(self.calibration_folds, smallest)
        if folds >= 2:
            # ensemble=False: the scores of held-out folds fit the sigmoids, and one SVM fitted on
            # all the data predicts (as accurate as the plain SVM, unlike an average of fold SVMs).
            self.model = CalibratedClassifierCV(svm, cv=folds, method="sigmoid", ensemble=False).fit(
                x, labels
            )
        else:  # too few examples of a class to calibrate: plain scores squashed by softmax
            self.model = svm.fit(x, labels)
        self.ridge_model = None
        if self.ridge:
            self.ridge_model = RidgeClassifier(
                alpha=self.ridge_alpha, class_weight=self.class_weight, solver="sparse_cg"
            ).fit(x, labels)
        self.nb = None
        if self.nbsvm:
            self.nb = nbsvm_fit(x, np.asarray(labels), self.model.classes_, self.c, self.class_weight)
        self.offset = None
        if self.offsets and folds >= 2 and len(self.model.classes_) >= 3:
            self.offset = self._fit_offsets(x, np.asarray(labels), folds)
        self.fast = self._fast_arrays()
        return self

    def _fit_offsets(self, x: Any, labels: np.ndarray, folds: int) -> np.ndarray:
        """The vote's scores on held-out folds (the same models fitted on the other folds), and
        the per-class offsets that maximise their macro-F1: the SVM and NB-SVM favour the big,
        broad category (城乡建设) over the small ones it borders (交通运输, 商贸旅游)."""
        classes = self.model.classes_
        held_out = np.zeros((len(labels), len(classes)))
        split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        for train, test in split.split(np.zeros(len(labels)), labels):
            held_out[test] = self._vote_of(x[train], labels[train], x[test])
        return tuned_offsets(held_out, labels, classes)

    def _vote_of(self, x: Any, labels: np.ndarray, x_test: Any) -> np.ndarray:
        """The vote's scores on ``x_test`` of the models fitted on ``x``, as ``_batch`` forms them."""
        if self.ridge:
            first_model: Any = RidgeClassifier(
                alpha=self.ridge_alpha, class_weight=self.class_weight, solver="sparse_cg"
            )
        else:
            first_model = LinearSVC(C=self.c, class_weight=self.class_weight)
        first = first_model.fit(x, labels).decision_function(x_test)
        if not self.nbsvm:
            return np.asarray(first)
        coef, intercept = nbsvm_fit(x, labels, self.model.classes_, self.c, self.class_weight)
        return standardised(np.asarray(first)) + standardised(np.asarray(x_test @ coef) + intercept)

    def __getstate__(self) -> dict[str, Any]:
        """The artefact keeps the fitted vectoriser and models, not ``fast``: it is rebuilt from
        them in milliseconds when the artefact is loaded."""
        return {**self.__dict__, "fast": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A format 1 artefact has neither head features nor the NB-SVM; formats 1 and 2 have no
        # ridge (and no words unless asked for, at weight 1); formats 1–3 have no offsets.
        old = {"head": 0, "head_weight": 0.0, "nbsvm": False, "nb": None, "words": False}
        old |= {"words_weight": 1.0, "ridge": False, "ridge_alpha": 1.0, "ridge_model": None}
        old |= {"offsets": False, "offset": None}  # formats 1–3: no offsets
        self.__dict__.update({**old, **state})
        self.fast = self._fast_arrays() if self.model is not None else None

    def _parts(self) -> list[tuple[str, Any, float]]:
        v = self.vectoriser
        if not isinstance(v, FeatureUnion):
            return [("chars", v, 1.0)]
        weights = v.transformer_weights or {}
        return [(name, part, float(weights.get(name, 1.0))) for name, part in v.transformer_list]

    def _fast_arrays(self) -> dict[str, Any] | None:
        """What one message's answer needs, as plain arrays: scikit-learn's per-call checks and
        sparse-matrix building cost ten times the arithmetic for a single short text."""
        if not isinstance(self.model, CalibratedClassifierCV) or len(self.model.classes_) < 3:
            return None  # binary: one score and one calibrator; uncalibrated: the batch path
        parts, offset = [], 0
        for name, part, weight in self._parts():
            parts.append((name, part.vocabulary_, part.idf_.astype(np.float64), weight, offset))
            offset += len(part.vocabulary_)
        fitted = self.model.calibrated_classifiers_[0]
        coefs = [fitted.estimator.coef_.T]
        if self.nb is not None:
            coefs.append(self.nb[0])
        if self.ridge_model is not None:
            coefs.append(self.ridge_model.coef_.T)
        return {
            "parts": parts,
            "coef": np.ascontiguousarray(np.hstack(coefs), dtype=np.float32),
            "intercept": fitted.estimator.intercept_.astype(np.float64),
            "nb_intercept": None if self.nb is None else np.asarray(self.nb[1], dtype=np.float64),
            "offset": None if self.offset is None else np.asarray(self.offset, dtype=np.float64),
            "ridge_intercept": None
            if self.ridge_model is None
            else np.asarray(self.ridge_model.intercept_, dtype=np.float64),
            "a": np.array([c.a_ for c in fitted.calibrators], dtype=np.float64),
            "b": np.array([c.b_ for c in fitted.calibrators], dtype=np.float64),
        }

    def _one(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Scores (the vote) and calibrated probabilities for one text, the same as
        ``_batch([text])`` (a test holds them equal), without scikit-learn's per-call overhead."""
        assert self.fast is not None
        f = self.fast
        t = normalise(text)
        lo, hi = self.ngram_range
        columns, values = [], []
        for name, vocabulary, idf, weight, offset in f["parts"]:
            lookup = vocabulary.get
            if name == "words":
                tokens = jieba_words(t)
                grams = tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
                found = Counter(j for g in grams if (j := lookup(g)) is not None)
            else:
                s = t if name == "chars" else t[: self.head]
                found = Counter(
                    j
                    for n in range(lo, hi + 1)
                    for i in range(len(s) - n + 1)
                    if (j := lookup(s[i : i + n])) is not None
                )
            if not found:
                continue
            idx = np.fromiter(found.keys(), dtype=np.int64, count=len(found))
            w = (1 + np.log(np.fromiter(found.values(), dtype=np.float64, count=len(found)))) * idf[idx]
            columns.append(idx + offset)
            values.append(w * (weight / np.sqrt(w @ w)))
        if not columns:
            decision, proba = self._batch([text])
            return decision[0], proba[0]
        idx, w = np.concatenate(columns), np.concatenate(values)
        both = w @ f["coef"][idx]
        k = len(f["intercept"])
        svm = both[:k] + f["intercept"]
        p = 1 / (1 + np.exp(f["a"] * svm + f["b"]))
        total = p.sum()
        proba = p / total if total > 0 else np.full(len(p), 1 / len(p))
        first = svm
        if f["ridge_intercept"] is not None:
            first = both[-k:] + f["ridge_intercept"]
        if f["nb_intercept"] is not None:
            nb = both[k : 2 * k] + f["nb_intercept"]
            first = (standardised(first.reshape(1, -1)) + standardised(nb.reshape(1, -1)))[0]
        return (first, proba) if f["offset"] is None else (first + f["offset"], proba)

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.model.classes_]

    def _batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The scores (n × classes: the SVM's, or with the NB-SVM the two models' standardised sum)
        and the calibrated probabilities (n × classes)."""
        x = self.vectoriser.transform(texts)
        if isinstance(self.model, CalibratedClassifierCV):
            svm = self.model.calibrated_classifiers_[0].estimator
            decision = np.asarray(svm.decision_function(x))
            proba = np.asarray(self.model.predict_proba(x))
        else:
            decision = np.asarray(self.model.decision_function(x))
            e = np.exp(decision - decision.max(axis=-1, keepdims=True)) if decision.ndim > 1 else None
            proba = e / e.sum(axis=1, keepdims=True) if e is not None else 1 / (1 + np.exp(-decision))
        if decision.ndim == 1:  # binary: one score for the second class
            decision = np.column_stack([-decision, decision])
            proba = proba if proba.ndim > 1 else np.column_stack([1 - proba, proba])
        if self.ridge_model is not None:
            decision = np.asarray(self.ridge_model.decision_function(x))
        if self.nb is not None:
            nb = np.asarray(x @ self.nb[0]) + self.nb[1]
            decision = standardised(decision) + standardised(nb)
        if self.offset is not None:
            decision = decision + self.offset
        return decision, proba

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in ``labels`` order."""
        return self._batch(texts)[1]

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [label for label, _ in self.predict_with_confidence(texts)]

    def predict_with_confidence(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """The vote's choice (the highest score, not the calibrated probabilities': calibration is
        fitted per class and could reorder close calls, which cost accuracy) and the SVM's
        calibrated probability of that choice."""
        if len(texts) == 1 and self.fast is not None:
            one, p_one = self._one(texts[0])
            decision, p = one.reshape(1, -1), p_one.reshape(1, -1)
        else:
            decision, p = self._batch(texts)
        best = decision.argmax(axis=1)
        classes = self.model.classes_
        return [(str(classes[i]), float(p[row, i])) for row, i in enumerate(best)]


@dataclass
class DepartmentRouter:
    """(category, place path) → department by counts with back-off to shorter place prefixes.

    ``levels`` are the path prefix lengths tried, longest first (treebeard steps are 4 characters:
    city, district, street, community, grid…); the last resort is the category alone."""

    levels: tuple[int, ...] = (20, 16, 12)
    table: dict[tuple[str, str], Counter[str]] = field(default_factory=dict, repr=False)

    def fit(self, rows: Sequence[tuple[str, str, str]]) -> DepartmentRouter:
        table: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for category, path, department in rows:
            table[(category, "")][department] += 1
            for n in self.levels:
                if len(path) >= n:
                    table[(category, path[:n])][department] += 1
        self.table = dict(table)
        return self

    @property
    def labels(self) -> list[str]:
        return sorted({d for counts in self.table.values() for d in counts})

    def predict_with_confidence(self, category: str, path: str = "") -> tuple[str, float] | None:
        keys = [(category, path[:n]) for n in self.levels if len(path) >= n] + [(category, "")]
        for key in keys:
            counts = self.table.get(key)
            if counts:
                department, n = counts.most_common(1)[0]
                return department, n / sum(counts.values())
        return None


def scores_report(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-class precision/recall/F1/support, rounded to four places."""
    labels = sorted(set(truth) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    per_class = {
        label: {
            "precision": round(float(p[i]), 4),
            "recall": round(float(r[i]), 4),
            "f1": round(float(f[i]), 4),
            "support": int(s[i]),
        }
        for i, label in enumerate(labels)
    }
    present = [i for i, label in enumerate(labels) if s[i] > 0]
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(np.mean([f[i] for i in present])) if present else 0.0, 4),
        "per_class": per_class,
    }


def evaluate(
    train: tuple[Sequence[str], Sequence[str]],
    test: tuple[Sequence[str], Sequence[str]],
    *,
    make: Callable[[], Any] = TextClassifier,
) -> dict[str, Any]:
    """Fit ``make()`` on ``train``, score it on ``test``: the ``routing eval`` contract's figures."""
    started = time.perf_counter()
    model = make().fit(list(train[0]), list(train[1]))
    train_seconds = time.perf_counter() - started
    texts = list(test[0])
    started = time.perf_counter()
    predicted = model.predict(texts)
    per_message = (time.perf_counter() - started) * 1000 / max(len(texts), 1)
    report = scores_report(list(test[1]), predicted)
    report["train_seconds"] = round(train_seconds, 2)
    report["predict_ms_per_message"] = round(per_message, 4)
    return report


def dumps(model: Any) -> tuple[bytes, str]:
    """The artefact's bytes (joblib, compressed) and their SHA-256."""
    buffer = io.BytesIO()
    joblib.dump({"format": ARTEFACT_FORMAT, "model": model}, buffer, compress=3)
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


class ArtefactError(ValueError):
    pass


def loads(data: bytes | memoryview, sha256: str) -> Any:
    """Load an artefact written by ``dumps`` after checking its SHA-256 (a changed or truncated
    blob is refused before it is unpickled)."""
    data = bytes(data)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ArtefactError("routing artefact does not match its SHA-256")
    payload = joblib.load(io.BytesIO(data))
    if not isinstance(payload, dict) or payload.get("format") not in READABLE_FORMATS:
        found = payload.get("format") if isinstance(payload, dict) else None
        raise ArtefactError(
            f"routing artefact format {found!r} is not one this version reads "
            f"({', '.join(map(str, READABLE_FORMATS))}): train the model again"
        )
    return payload["model"]
