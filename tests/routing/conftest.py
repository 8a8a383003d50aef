from __future__ import annotations

import csv
import random

import pytest

from quanyu.routing import predict
from tests.datasets import dataset_path


@pytest.fixture(autouse=True)
def _fresh_routing_cache():
    predict.invalidate()
    yield
    predict.invalidate()


@pytest.fixture(scope="session")
def messages() -> list[dict[str, str]]:
    with dataset_path("taidi2020c", "messages_train.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    random.Random(7).shuffle(rows)
    return rows


def small_corpus(n: int = 24) -> tuple[list[str], list[str]]:
    """Two plainly different kinds of complaint, enough to train and hold out a share."""
    rng = random.Random(3)
    lift = ["电梯", "困人", "停运", "维保", "轿厢", "物业"]
    stall = ["摆摊", "占道", "流动摊贩", "夜市", "油烟", "城管"]
    texts, labels = [], []
    for i in range(n):
        for words, label in ((lift, "电梯故障"), (stall, "占道经营")):
            texts.append("".join(rng.sample(words, 4)) + f"第{i}栋")
            labels.append(label)
    return texts, labels
