"""Bulk loading of materialised-path trees (django-treebeard MP_Node models).

treebeard's ``add_child`` issues several queries per node, which is fine for an edit in the admin
and far too slow for a city of 10,000+ nodes. ``bulk_add_nodes`` computes the paths of a whole
batch in memory (new nodes appended after a parent's existing children, in the order given) and
writes them with ``bulk_create``, then fixes ``numchild`` of the existing parents. It must run
inside the caller's transaction; the caller locks the parents it appends under.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from treebeard.mp_tree import MP_Node


@dataclass
class NewNode:
    """An unsaved node and where it goes: under an existing node (``parent``), under an earlier
    node of the same batch (``parent_index``), or as a root (both None)."""

    instance: MP_Node
    parent: MP_Node | None = None
    parent_index: int | None = None


def _last_step(model: type[MP_Node], parent_path: str, depth: int) -> int:
    """The highest child step currently used under ``parent_path`` (0 if none)."""
    last = (
        model.objects.filter(path__startswith=parent_path, depth=depth)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return model._str2int(last[-model.steplen :]) if last else 0


def bulk_add_nodes(model: type[MP_Node], nodes: Sequence[NewNode], *, batch_size: int = 2000) -> list[Any]:
    """Give every node its path/depth/numchild and insert them all; returns the saved instances."""
    next_step: dict[str, int] = {}
    child_counts: Counter[int] = Counter()
    existing_parent_counts: Counter[int] = Counter()
    existing_parents: dict[int, MP_Node] = {}
    for i, spec in enumerate(nodes):
        if spec.parent_index is not None:
            if not 0 <= spec.parent_index < i:
                raise ValueError(f"node {i}: parent_index must point to an earlier node")
            parent_path = nodes[spec.parent_index].instance.path
            depth = nodes[spec.parent_index].instance.depth + 1
            child_counts[spec.parent_index] += 1
        elif spec.parent is not None:
            parent_path, depth = spec.parent.path, spec.parent.depth + 1
            existing_parents[spec.parent.pk] = spec.parent
            existing_parent_counts[spec.parent.pk] += 1
        else:
            parent_path, depth = "", 1
        if parent_path not in next_step:
            next_step[parent_path] = _last_step(model, parent_path, depth) if spec.parent_index is None else 0
        next_step[parent_path] += 1
        key = model._int2str(next_step[parent_path])
        if len(key) > model.steplen:
            raise ValueError(f"too many children under {parent_path!r}")
        spec.instance.path = parent_path + model.alphabet[0] * (model.steplen - len(key)) + key
        spec.instance.depth = depth
        spec.instance.numchild = 0
    for index, count in child_counts.items():
        nodes[index].instance.numchild = count
    saved = model.objects.bulk_create([spec.instance for spec in nodes], batch_size=batch_size)
    for pk, count in existing_parent_counts.items():
        model.objects.filter(pk=pk).update(numchild=models.F("numchild") + count)
        existing_parents[pk].numchild += count
    return saved
