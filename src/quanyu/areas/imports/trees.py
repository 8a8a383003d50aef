"""Rows of a file that add nodes to a materialised-path tree (areas, party organisations): cell
parsers, name paths, parents found by code or name path in the file or the database, depths, and
the new nodes parents first. Shared by the area and the party-organisation imports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quanyu.core.trees import NewNode

PATH_SEPARATOR = "/"
_CHUNK = 900  # values per ``__in`` lookup, well under every backend's parameter limit


def cell_text(value: Any) -> str:
    """A cell as stripped text ('' for an empty cell)."""
    if value is None:
        return ""
    return str(value).strip()


def parse_count(value: Any) -> int:
    """A non-negative whole number from a cell ('' is 0); ValidationError in Chinese otherwise."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValidationError(_("应为非负整数"))
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(_("应为整数，实际为“%(v)s”") % {"v": value})
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(_("“%(v)s”不是数字") % {"v": value}) from None
        if not number.is_integer():
            raise ValidationError(_("应为整数，实际为“%(v)s”") % {"v": value})
        value = int(number)
    if not isinstance(value, int):
        raise ValidationError(_("“%(v)s”不是数字") % {"v": value})
    if value < 0:
        raise ValidationError(_("不能为负数"))
    if value > 2_147_483_647:
        raise ValidationError(_("数值过大"))
    return value


def parse_name_path(value: Any) -> list[str]:
    text = cell_text(value).replace("／", PATH_SEPARATOR)
    return [part.strip() for part in text.split(PATH_SEPARATOR) if part.strip()]


def chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """``values`` in lists small enough for one ``__in`` lookup."""
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) >= _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def nodes_by_code(queryset: Any, codes: set[str]) -> dict[str, list[Any]]:
    """The nodes of ``queryset`` with each of ``codes`` (tree order), by code."""
    found: dict[str, list[Any]] = defaultdict(list)
    for batch in chunks(sorted(codes)):
        for node in queryset.filter(code__in=batch).order_by("path"):
            found[node.code].append(node)
    return found


class TreePathIndex:
    """Finds nodes of a materialised-path tree (within a queryset, usually the actor's scope) by
    name path: the names from the top down, of which the trailing part is enough."""

    def __init__(
        self, model: Any, queryset: Any, paths: Iterable[Sequence[str]], *, also: Iterable[Any] = ()
    ) -> None:
        """Index the nodes named by the last part of each of ``paths``; ``also`` are further nodes
        whose ancestors' names ``chain`` must know (parents found by code)."""
        self.steplen: int = model.steplen
        last_names = {p[-1] for p in paths if p}
        self.candidates: dict[str, list[Any]] = defaultdict(list)
        for batch in chunks(sorted(last_names)):
            for node in queryset.filter(name__in=batch).order_by("path"):
                self.candidates[node.name].append(node)
        known = [node for nodes in self.candidates.values() for node in nodes] + list(also)
        prefixes = {node.path[: self.steplen * i] for node in known for i in range(1, node.depth)}
        self.names: dict[str, str] = {}
        for batch in chunks(sorted(prefixes)):
            self.names.update(model.objects.filter(path__in=batch).values_list("path", "name"))

    def chain(self, node: Any, length: int) -> list[str]:
        """The names of ``node`` and its ancestors, top down, at most ``length`` of them."""
        names = [node.name]
        depth = node.depth - 1
        while depth >= 1 and len(names) < length:
            names.append(self.names.get(node.path[: self.steplen * depth], ""))
            depth -= 1
        return names[::-1]

    def find(self, path: Sequence[str]) -> list[Any]:
        return [n for n in self.candidates.get(path[-1], []) if self.chain(n, len(path)) == list(path)]


class NamePaths:
    """Full name paths of tree nodes (“芝罘区/向阳街道”), their ancestors fetched in batches."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.names: dict[str, str] = {}

    def load(self, paths: set[str]) -> None:
        steplen = self.model.steplen
        prefixes = {p[: steplen * i] for p in paths for i in range(1, len(p) // steplen + 1)} - set(
            self.names
        )
        for batch in chunks(sorted(prefixes)):
            self.names.update(self.model.objects.filter(path__in=batch).values_list("path", "name"))

    def of(self, path: str) -> str:
        steplen = self.model.steplen
        return PATH_SEPARATOR.join(
            self.names.get(path[: steplen * i], "") for i in range(1, len(path) // steplen + 1)
        )


@dataclass
class TreeRow:
    """A row of a file that adds nodes to a tree; ``parent`` is filled by ``resolve_tree_parents``:
    ("db", node), ("row", index in the file) or ("root", None); None when unresolved."""

    number: int
    name: str = ""
    code: str = ""
    parent_code: str = ""
    parent_path: list[str] = field(default_factory=list)
    parent: tuple[str, Any] | None = None


ErrorSink = Callable[[int, str, str], None]


def check_unique_codes(
    rows: Sequence[TreeRow], in_db: Callable[[set[str]], dict[str, str]], err: ErrorSink, *, key: str = "code"
) -> dict[str, int]:
    """Codes must be unique in the file and new to the database (``in_db`` maps the codes it finds
    to a name for the message). Returns code -> index of its first row."""
    first_by_code: dict[str, int] = {}
    for i, row in enumerate(rows):
        if not row.code:
            continue
        if row.code in first_by_code:
            first = rows[first_by_code[row.code]].number
            err(row.number, key, _("代码“%(code)s”与第%(first)d行重复") % {"code": row.code, "first": first})
        else:
            first_by_code[row.code] = i
    for code, name in in_db(set(first_by_code)).items():
        err(
            rows[first_by_code[code]].number,
            key,
            _("代码“%(code)s”在系统中已存在（%(name)s）") % {"code": code, "name": name},
        )
    return first_by_code


def resolve_tree_parents(
    rows: Sequence[TreeRow],
    *,
    first_by_code: dict[str, int],
    db_by_code: dict[str, list[Any]],
    index: TreePathIndex,
    err: ErrorSink,
    fits: Callable[[TreeRow, Any], bool] = lambda row, node: True,
) -> None:
    """Find each row's parent: by code (the file first, then the database) or by name path (the
    file and the database; must be unique). ``fits`` prefers database nodes of a fitting kind when
    a code is shared."""
    rows_by_name: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        rows_by_name[row.name].append(i)
    resolving: set[int] = set()

    def row_chain(i: int, length: int) -> list[str]:
        names: list[str] = []
        seen: set[int] = set()
        current: tuple[str, Any] | None = ("row", i)
        while current is not None and current[0] != "root" and len(names) < length:
            if current[0] == "db":
                names.extend(reversed(index.chain(current[1], length - len(names))))
                break
            j = current[1]
            if j in seen:
                break
            seen.add(j)
            names.append(rows[j].name)
            current = resolve(j)
        return names[::-1]

    def resolve(i: int) -> tuple[str, Any] | None:
        row = rows[i]
        if row.parent is not None or i in resolving:
            return row.parent
        resolving.add(i)
        try:
            row.parent = find(i)
        finally:
            resolving.discard(i)
        return row.parent

    def find(i: int) -> tuple[str, Any] | None:
        row = rows[i]
        if row.parent_code:
            if row.parent_code in first_by_code:
                return ("row", first_by_code[row.parent_code])
            found = db_by_code.get(row.parent_code, [])
            found = [n for n in found if fits(row, n)] or found
            if not found:
                err(
                    row.number,
                    "parent_code",
                    _("上级代码“%(code)s”在本文件和系统中都找不到，或不在您的管辖范围内")
                    % {"code": row.parent_code},
                )
                return None
            return ("db", found[0])
        if row.parent_path:
            text = PATH_SEPARATOR.join(row.parent_path)
            in_db = index.find(row.parent_path)
            in_file = [
                j
                for j in rows_by_name.get(row.parent_path[-1], [])
                if j != i and row_chain(j, len(row.parent_path)) == row.parent_path
            ]
            if not in_db and not in_file:
                err(
                    row.number,
                    "parent_path",
                    _("上级“%(path)s”在本文件和系统中都找不到，或不在您的管辖范围内") % {"path": text},
                )
                return None
            if len(in_db) + len(in_file) > 1:
                err(
                    row.number,
                    "parent_path",
                    _("上级“%(path)s”不唯一，请写出更完整的名称路径或改用上级代码") % {"path": text},
                )
                return None
            return ("db", in_db[0]) if in_db else ("row", in_file[0])
        return ("root", None)

    for i in range(len(rows)):
        resolve(i)


def tree_depths(rows: Sequence[TreeRow], err: ErrorSink) -> dict[int, int]:
    """Each row's depth below the database (0: its parent is in the database or it is a root);
    rows in a cycle of parents are reported. Sorting by depth puts parents first."""
    depth: dict[int, int] = {}
    for i in range(len(rows)):
        trail: list[int] = []
        on_trail: set[int] = set()
        current = i
        while current not in depth:
            parent = rows[current].parent
            if parent is None or parent[0] != "row":
                depth[current] = 0
                break
            if current in on_trail:
                key = "parent_code" if rows[i].parent_code else "parent_path"
                err(rows[i].number, key, _("上级关系形成了循环"))
                for j in trail:
                    depth[j] = 0
                break
            trail.append(current)
            on_trail.add(current)
            current = parent[1]
        for j in reversed(trail):
            if j not in depth:
                depth[j] = depth[rows[j].parent[1]] + 1  # type: ignore[index]
    return depth


Row = TypeVar("Row", bound=TreeRow)


def tree_nodes(
    rows: Sequence[Row], depth: dict[int, int], make: Callable[[Row], Any]
) -> tuple[list[NewNode], dict[int, int]]:
    """The rows (their parents resolved, without errors) as new nodes, parents first, each built by
    ``make``; and each row's index among the nodes."""
    order = sorted(range(len(rows)), key=lambda i: (depth[i], i))
    position = {i: n for n, i in enumerate(order)}
    nodes: list[NewNode] = []
    for i in order:
        instance = make(rows[i])
        where, parent = rows[i].parent  # type: ignore[misc]
        if where == "db":
            nodes.append(NewNode(instance, parent=parent))
        elif where == "row":
            nodes.append(NewNode(instance, parent_index=position[parent]))
        else:
            nodes.append(NewNode(instance))
    return nodes, position
