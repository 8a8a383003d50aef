"""The routing commands: eval's JSON contract, train from a CSV, activate and rollback."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quanyu.routing.models import RoutingModel


def write_csv(path, rows, header=("text", "label")):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_eval_prints_one_json_line_with_the_contracts_keys(messages, tmp_path):
    train = write_csv(tmp_path / "train.csv", [(r["text"], r["label"]) for r in messages[:700]])
    test = write_csv(
        tmp_path / "test.csv", [("".join(r["text"].split()), r["label"]) for r in messages[700:900]]
    )
    lines = run("routing_eval", "--train", str(train), "--test", str(test)).strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert set(report) == {"accuracy", "macro_f1", "per_class", "train_seconds", "predict_ms_per_message"}
    assert 0.5 < report["macro_f1"] <= 1 and 0.5 < report["accuracy"] <= 1
    some = next(iter(report["per_class"].values()))
    assert set(some) == {"precision", "recall", "f1", "support"}
    assert sum(c["support"] for c in report["per_class"].values()) == 200


def test_eval_takes_other_column_names(tmp_path):
    from tests.routing.conftest import small_corpus

    texts, labels = small_corpus()
    rows = list(zip(texts, labels, strict=True))
    train = write_csv(tmp_path / "a.csv", rows[:36], header=("content", "category"))
    test = write_csv(tmp_path / "b.csv", rows[36:], header=("content", "category"))
    out = run("routing_eval", "--train", str(train), "--test", str(test), "--text-col", "content",
              "--label-col", "category")  # fmt: skip
    assert json.loads(out)["accuracy"] == 1.0
    with pytest.raises(CommandError):
        run("routing_eval", "--train", str(train), "--test", str(test))  # no text/label columns


@pytest.mark.django_db
def test_train_activate_and_rollback_commands(city, tmp_path):
    from tests.routing.conftest import small_corpus

    texts, labels = small_corpus()
    data = write_csv(tmp_path / "train.csv", list(zip(texts, labels, strict=True)))
    first = json.loads(run("routing_train", "--csv", str(data), "--actor", "district_admin"))
    assert first["version"] == 1 and first["active"] and first["samples"] == 48
    run("routing_train", "--csv", str(data), "--actor", "district_admin", "--no-activate", "--holdout", "0")
    assert run("routing_activate", "2", "--actor", "district_admin").strip() == "v2 (category) active"
    assert run("routing_rollback", "--actor", "district_admin").strip() == "v1 (category) active"
    assert RoutingModel.objects.get(is_active=True).version == 1
    with pytest.raises(CommandError):
        run("routing_activate", "2", "--actor", "resident")
    with pytest.raises(CommandError):
        run("routing_train", "--csv", str(tmp_path / "missing.csv"), "--actor", "district_admin")
    assert RoutingModel.objects.get(is_active=True).version == 1
