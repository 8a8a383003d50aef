"""The category model on held-out real messages (TipDM 2020 C), segmented and raw."""

from __future__ import annotations

from quanyu.routing import classifier
from quanyu.routing.classifier import DepartmentRouter, TextClassifier, normalise

FLOOR = 0.85  # a sane floor on a subset; bench/routing.py measures the full 5-fold figure


def test_segmented_and_raw_text_give_the_same_features():
    assert normalise("小区 电梯 故障\u3000 ") == normalise("小区电梯故障") == "小区电梯故障"
    assert normalise("ＡＢ１") == "ab1"


def test_held_out_macro_f1_on_real_messages(messages):
    train, test = messages[:3000], messages[3000:3800]
    model = TextClassifier().fit([r["text"] for r in train], [r["label"] for r in train])
    truth = [r["label"] for r in test]
    segmented = classifier.scores_report(truth, model.predict([r["text"] for r in test]))
    raw = classifier.scores_report(truth, model.predict(["".join(r["text"].split()) for r in test]))
    print(f"held-out macro-F1: segmented {segmented['macro_f1']}, raw {raw['macro_f1']}")
    assert segmented["macro_f1"] >= FLOOR
    assert raw["macro_f1"] >= FLOOR
    assert set(segmented["per_class"]) == set(truth)
    label, confidence = model.predict_with_confidence(["小区门口的道路坑洼不平，下雨积水严重"])[0]
    assert label in segmented["per_class"]
    assert 0 < confidence <= 1


def test_artefact_round_trip_and_tamper_check():
    from tests.routing.conftest import small_corpus

    texts, labels = small_corpus()
    model = TextClassifier().fit(texts, labels)
    data, sha = classifier.dumps(model)
    again = classifier.loads(data, sha)
    assert again.predict(["电梯又困人了"]) == model.predict(["电梯又困人了"]) == ["电梯故障"]
    try:
        classifier.loads(data[:-1] + b"x", sha)
    except classifier.ArtefactError:
        pass
    else:
        raise AssertionError("a changed artefact was loaded")


def test_department_router_backs_off_from_the_grid_to_the_category():
    rows = [("0101", "0001000100010001", "城管局")] * 3 + [("0101", "0001000100020001", "住建局")] * 2
    router = DepartmentRouter().fit(rows)
    assert router.predict_with_confidence("0101", "0001000100020001") == ("住建局", 1.0)
    assert router.predict_with_confidence("0101", "0009") == ("城管局", 0.6)
    assert router.predict_with_confidence("9999", "") is None


def test_the_one_message_path_equals_scikit_learns(messages):
    rows = messages[:600]
    model = TextClassifier().fit([r["text"] for r in rows], [r["label"] for r in rows])
    assert model.fast is not None
    for r in [*messages[600:640], {"text": "电梯"}, {"text": "☃☃"}]:
        text = "".join(r["text"].split())
        fast_decision, fast = model._one(text)
        slow_decision, slow = model._batch([text])
        assert abs(fast - slow[0]).max() < 1e-4
        assert abs(fast_decision - slow_decision[0]).max() < 1e-4
        label, confidence = model.predict_with_confidence([text])[0]
        assert label == model.labels[int(slow_decision[0].argmax())]
        assert confidence == float(fast[int(fast_decision.argmax())])


FORMAT_4_FIELDS = ("offsets", "offset")
FORMAT_3_FIELDS = ("words_weight", "ridge", "ridge_alpha", "ridge_model")
FORMAT_2_FIELDS = ("head", "head_weight", "nbsvm", "nb")


def _old_artefact(model: TextClassifier, fmt: int = 1) -> tuple[bytes, str]:
    """An artefact as format 1, 2 or 3 wrote it: the model's state without the fields later formats added."""
    import hashlib
    import io

    import joblib

    class Old:
        def __reduce__(self):
            added = FORMAT_4_FIELDS + (FORMAT_3_FIELDS if fmt <= 2 else ())
            added += FORMAT_2_FIELDS if fmt == 1 else ()
            state = {k: v for k, v in model.__dict__.items() if k not in added}
            return (object.__new__, (TextClassifier,), {**state, "fast": None})

    buffer = io.BytesIO()
    joblib.dump({"format": fmt, "model": Old()}, buffer, compress=3)
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def test_a_format_1_artefact_still_loads_and_predicts_as_it_did(messages):
    rows, probe = messages[:600], [r["text"] for r in messages[600:640]]
    old = TextClassifier(head=0, nbsvm=False, words=False, ridge=False, offsets=False).fit(
        [r["text"] for r in rows], [r["label"] for r in rows]
    )
    loaded = classifier.loads(*_old_artefact(old))
    assert (loaded.head, loaded.nbsvm, loaded.nb) == (0, False, None)
    assert loaded.fast is not None
    assert loaded.predict_with_confidence(probe) == old.predict_with_confidence(probe)
    one = "".join(probe[0].split())
    assert loaded.predict_with_confidence([one]) == old.predict_with_confidence([one])


def test_a_format_2_artefact_still_loads_and_predicts_as_it_did(messages):
    rows, probe = messages[:600], [r["text"] for r in messages[600:640]]
    old = TextClassifier(words=False, ridge=False, offsets=False).fit(
        [r["text"] for r in rows], [r["label"] for r in rows]
    )
    loaded = classifier.loads(*_old_artefact(old, 2))
    assert (loaded.words, loaded.ridge, loaded.ridge_model) == (False, False, None)
    assert loaded.fast is not None and loaded.nb is not None
    assert loaded.predict_with_confidence(probe) == old.predict_with_confidence(probe)
    one = "".join(probe[0].split())
    assert loaded.predict_with_confidence([one]) == old.predict_with_confidence([one])


def test_a_format_3_artefact_still_loads_and_predicts_as_it_did(messages):
    rows, probe = messages[:600], [r["text"] for r in messages[600:640]]
    old = TextClassifier(offsets=False).fit([r["text"] for r in rows], [r["label"] for r in rows])
    loaded = classifier.loads(*_old_artefact(old, 3))
    assert (loaded.offsets, loaded.offset) == (False, None)
    assert loaded.fast is not None and loaded.nb is not None
    assert loaded.predict_with_confidence(probe) == old.predict_with_confidence(probe)
    one = "".join(probe[0].split())
    assert loaded.predict_with_confidence([one]) == old.predict_with_confidence([one])


def test_an_unknown_artefact_format_is_refused_by_name():
    import hashlib
    import io

    import joblib

    buffer = io.BytesIO()
    joblib.dump({"format": 99, "model": None}, buffer)
    data = buffer.getvalue()
    try:
        classifier.loads(data, hashlib.sha256(data).hexdigest())
    except classifier.ArtefactError as error:
        assert "format 99" in str(error) and "train the model again" in str(error)
    else:
        raise AssertionError("an artefact of an unknown format was loaded")


def test_the_vote_uses_both_models_and_the_subject(messages):
    rows = messages[:600]
    model = TextClassifier().fit([r["text"] for r in rows], [r["label"] for r in rows])
    assert model.nb is not None and model.ridge_model is None
    assert [name for name, _, _ in model._parts()] == ["chars", "head"]
    text = "".join(messages[700]["text"].split())
    x = model.vectoriser.transform([text])
    svm = model.model.calibrated_classifiers_[0].estimator.decision_function(x)
    nb = x @ model.nb[0] + model.nb[1]
    vote = classifier.standardised(svm) + classifier.standardised(nb)
    assert abs(model._batch([text])[0] - vote).max() < 1e-5


def test_the_words_and_ridge_option_votes_ridge_with_nbsvm_and_keeps_the_fast_path(messages):
    rows = messages[:600]
    model = TextClassifier(words=True, ridge=True, offsets=True).fit(
        [r["text"] for r in rows], [r["label"] for r in rows]
    )
    assert model.nb is not None and model.nb[0].shape == (len(model.fast["coef"]), len(model.labels))
    assert [name for name, _, _ in model._parts()] == ["chars", "head", "words"]
    text = "".join(messages[700]["text"].split())
    x = model.vectoriser.transform([text])
    ridge = model.ridge_model.decision_function(x)
    nb = x @ model.nb[0] + model.nb[1]
    vote = classifier.standardised(ridge) + classifier.standardised(nb) + model.offset
    assert abs(model._batch([text])[0] - vote).max() < 1e-5
    for r in [*messages[600:620], {"text": "电梯"}, {"text": "☃☃"}]:
        one = "".join(r["text"].split())
        fast_decision, fast = model._one(one)
        slow_decision, slow = model._batch([one])
        assert abs(fast - slow[0]).max() < 1e-4
        assert abs(fast_decision - slow_decision[0]).max() < 1e-4


def test_offsets_are_tuned_on_held_out_folds_for_macro_f1():
    import numpy as np

    classes = np.array(["a", "b", "c"])
    labels = np.array(["a"] * 6 + ["b"] * 6 + ["c"] * 6)
    scores = np.zeros((18, 3))
    scores[np.arange(18), [0] * 6 + [1] * 6 + [2] * 6] = 1.0
    scores[:6, 1] = 1.2  # class a's messages all score a little higher for b: an offset fixes them
    offsets = classifier.tuned_offsets(scores, labels, classes)
    assert abs(offsets.sum()) < 1e-9
    assert list(classes[(scores + offsets).argmax(axis=1)]) == list(labels)


def test_the_offsets_option_adds_offsets_from_held_out_scores_on_both_paths(messages):
    rows = messages[:600]
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    model = TextClassifier(offsets=True).fit(texts, labels)
    plain = TextClassifier().fit(texts, labels)
    assert model.offset is not None and model.offset.shape == (len(model.labels),)
    assert plain.offset is None
    text = "".join(messages[700]["text"].split())
    # two fits in float32: their shared part agrees to rounding, not bit for bit (1.2e-5 seen)
    assert abs(model._batch([text])[0] - plain._batch([text])[0] - model.offset).max() < 1e-4
    for r in [*messages[600:620], {"text": "电梯"}, {"text": "☃☃"}]:
        one = "".join(r["text"].split())
        fast_decision, fast = model._one(one)
        slow_decision, slow = model._batch([one])
        assert abs(fast - slow[0]).max() < 1e-4
        assert abs(fast_decision - slow_decision[0]).max() < 1e-4
