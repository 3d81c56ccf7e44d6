"""Next year's catalogue from this year's: `dutydocs init --from 2026目录 2027目录 --year 2027`.

Every file of the catalogue (the entry, what it includes, a roster workbook, its own templates) is
copied into the new folder with the same names and split, and the text is edited in place, so the
clerk's comments, order and layout stay as they were:

- `organ.year` becomes the new year; `organ.issue_date`, `organ.as_of` and every duty's `due` date move
  by the same number of years (2026-06-30 → 2027-06-30, 2026年6月30日 → 2027年6月30日; 29 February
  becomes the 28th); texts like 每季度, 6月底前 stay;
- this year's tasks, records, talks, checks and four-list reports stay behind in the old catalogue:
  their sections become `[]` with a comment saying where last year's are;
- rectifications not yet closed, and recommendation letters with items not yet closed, go on: 销号
  management follows an item until it is done. Closed ones stay behind.
"""

from __future__ import annotations

import calendar
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem, ProblemsError
from .main import Loaded, load_catalog
from .roster import REFUSED_SUFFIXES, ROSTER_SUFFIXES

CLEARED = ("tasks", "records", "talks", "checks", "four_lists")
CARRIED = ("rectifications", "advice")
SHIFTED_KEYS = ("due", "issue_date", "as_of")
_DATE = re.compile(r"(\d{4})(\s*(?:-|/|\.|年)\s*)(\d{1,2})(\s*(?:-|/|\.|月)\s*)(\d{1,2})")
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:")


@dataclass
class Rolled:
    """What the rollover did, for the clerk."""

    folder: Path
    year: int
    files: list[str] = field(default_factory=list)
    cleared: dict[str, int] = field(default_factory=dict)  # section -> items left behind
    carried: dict[str, int] = field(default_factory=dict)  # section -> open items carried over
    dates: int = 0
    loaded: Loaded | None = None


def shift_date_text(text: str, years: int) -> str:
    """Every date written in `text` moved by `years`, in the format it was written."""

    def move(m: re.Match) -> str:
        year, month, day = int(m.group(1)) + years, int(m.group(3)), int(m.group(5))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return m.group(0)
        day = min(day, calendar.monthrange(year, month)[1])
        width = len(m.group(5))
        return f"{year}{m.group(2)}{m.group(3)}{m.group(4)}{day:0{width}d}"

    return _DATE.sub(move, text)


def catalogue_files(loaded: Loaded) -> list[Path]:
    """The files the catalogue was read from: the entry first, then what it includes."""
    return [Path(name).resolve() for name in loaded.raw.positions.files]


def rollover(source: Path | str | None, target: Path | str, year: int | None = None,
             allow_include: list[Path] | None = None) -> Rolled:
    """Write next year's catalogue into `target` (a new or empty folder); ProblemsError when the old
    catalogue has errors or the new one cannot be made."""
    old = load_catalog(source, allow_include)
    old_year = old.catalog.organ.year
    year = year or old_year + 1
    years = year - old_year
    target = Path(target)
    root = old.raw.root
    files = catalogue_files(old)
    outside = [f for f in files if root not in f.parents and f != root]
    if outside:
        raise ProblemsError([Problem(str(f), None, "", "这个文件在目录文件夹之外（用 --allow-include 包含的），"
                                     "不会复制到新目录。请先把它复制到目录文件夹里，再改 include。") for f in outside])
    rolled = Rolled(target, year)
    edits = _plan(old, files, years, rolled)
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        rel = path.relative_to(root)
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() in ROSTER_SUFFIXES or path.suffix.lower() in REFUSED_SUFFIXES:
            shutil.copyfile(path, dest)
        else:
            text = path.read_text("utf-8-sig")
            dest.write_text(_apply(text, edits.get(path, [])), "utf-8")
        rolled.files.append(str(rel))
    templates = old.catalog.templates
    if templates:
        folder = (old.raw.entry.parent / templates).resolve()
        if folder.is_dir() and root in folder.parents:
            shutil.copytree(folder, target / folder.relative_to(root), dirs_exist_ok=True)
            rolled.files.append(str(folder.relative_to(root)) + "/")
    entry = target / old.raw.entry.relative_to(root)
    rolled.loaded = load_catalog(entry, allow_include)
    return rolled


Edit = tuple[int, int, str]  # (start, end, replacement) in a file's text


def _apply(text: str, edits: list[Edit]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _plan(old: Loaded, files: list[Path], years: int, rolled: Rolled) -> dict[Path, list[Edit]]:
    """The edits of each YAML file: its sections left behind, its dates moved, the year."""
    cat = old.catalog
    keep: dict[str, set[int]] = {
        "rectifications": {i for i, r in enumerate(cat.rectifications) if r.closed is None and r.status != "已完成"},
        "advice": {i for i, a in enumerate(cat.advice) if any(item.status != "已完成" for item in a.items)},
    }
    for section in CLEARED:
        count = len(getattr(cat, section))
        if count:
            rolled.cleared[section] = count
    for section in CARRIED:
        total = len(getattr(cat, section))
        if total - len(keep[section]):
            rolled.cleared[section] = total - len(keep[section])
        if keep[section]:
            rolled.carried[section] = len(keep[section])
    # which file and line each item of a carried section starts at
    item_lines: dict[tuple[Path, str], list[tuple[int, int]]] = {}
    for section in CARRIED:
        for i in range(len(getattr(cat, section))):
            file, line = old.raw.positions.where((section, i))
            if file and line:
                item_lines.setdefault((Path(file).resolve(), section), []).append((line, i))
    edits: dict[Path, list[Edit]] = {}
    for path in files:
        if path.suffix.lower() not in (".yaml", ".yml"):
            continue
        text = path.read_text("utf-8-sig")
        lines = text.splitlines(keepends=True)
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line))
        spans = _top_sections(lines)
        mine: list[Edit] = []
        removed: list[tuple[int, int]] = []
        for key, (first, last) in spans.items():
            if key in CLEARED or key in CARRIED:
                items = item_lines.get((path, key), [])
                kept = [(line, i) for line, i in items if i in keep.get(key, set())]
                if key in CARRIED and kept and len(kept) < len(items) and len({ln for ln, _ in items}) == len(items):
                    bounds = [ln for ln, _ in items] + [last + 1]
                    for n, (line, i) in enumerate(items):
                        if i not in keep[key]:
                            a, b = line - 1, _trim(lines, bounds[n + 1] - 1)
                            mine.append((starts[a], starts[b], ""))
                            removed.append((starts[a], starts[b]))
                    continue
                if key in CARRIED and kept and len(kept) == len(items):
                    continue
                if key in CARRIED and kept:  # items on one line ([..., ...]): written anew
                    data = [_plain_item(old, key, i) for _, i in kept]
                    new = yaml.safe_dump({key: data}, allow_unicode=True, sort_keys=False, width=1000)
                else:
                    new = f"{key}: []  # {rolled.year - years}年度的留在原目录的 {path.name} 里；{rolled.year}年度的写在这里\n"
                b = _trim(lines, last)
                mine.append((starts[first], starts[b], new))
                removed.append((starts[first], starts[b]))
        for start, end, new in _scalar_edits(text, years, rolled):
            if not any(a <= start < b for a, b in removed):
                mine.append((start, end, new))
        edits[path] = mine
    return edits


def _trim(lines: list[str], end: int) -> int:
    """The end of a section (exclusive line index) without the comments and blank lines that lead into the next."""
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _top_sections(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Top-level keys and their lines: (first line index, exclusive end index)."""
    found: list[tuple[str, int]] = []
    for n, line in enumerate(lines):
        m = _TOP_KEY.match(line)
        if m:
            found.append((m.group(1), n))
    out = {}
    for k, (key, n) in enumerate(found):
        end = found[k + 1][1] if k + 1 < len(found) else len(lines)
        out[key] = (n, end)
    return out


def _plain_item(old: Loaded, section: str, i: int) -> Any:
    item = getattr(old.catalog, section)[i]
    return item.model_dump(mode="json", exclude_defaults=True)


def _scalar_edits(text: str, years: int, rolled: Rolled) -> list[Edit]:
    """The year and the dates: the scalars under organ.year and any due / issue_date / as_of key."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    out: list[Edit] = []

    def walk(node: Node, path: tuple[str, ...]) -> None:
        if isinstance(node, MappingNode):
            for key_node, value in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else ""
                if isinstance(value, ScalarNode):
                    span = text[value.start_mark.index:value.end_mark.index]
                    if key == "year" and path == ("organ",) and re.fullmatch(r"\d{4}", value.value.strip()):
                        out.append((value.start_mark.index, value.end_mark.index,
                                    span.replace(value.value.strip(), str(rolled.year))))
                    elif key in SHIFTED_KEYS and (path[0] if path else "") not in CLEARED + CARRIED and _DATE.search(value.value):
                        out.append((value.start_mark.index, value.end_mark.index, shift_date_text(span, years)))
                        rolled.dates += 1
                else:
                    walk(value, path + (key,))
        elif isinstance(node, SequenceNode):
            for child in node.value:
                walk(child, path)

    if node is not None:
        walk(node, ())
    return out


def summary(rolled: Rolled, words: dict[str, str] | None = None) -> list[str]:
    names = {"tasks": "年度任务", "records": "纪实记录", "talks": "谈话记录", "checks": "监督检查记录",
             "four_lists": "四张清单", "rectifications": "整改台账", "advice": "工作建议书"}
    lines = [f"已在 {rolled.folder} 建立 {rolled.year} 年度目录（{len(rolled.files)} 个文件：{'、'.join(rolled.files)}）。"]
    if rolled.cleared:
        lines.append("留在原目录的上年度内容：" + "，".join(f"{names[k]} {n} 条" for k, n in rolled.cleared.items()) + "。")
    if rolled.carried:
        lines.append("还没销号、带到新年度的：" + "，".join(f"{names[k]} {n} 条" for k, n in rolled.carried.items()) + "。")
    lines.append(f"日期顺延 {rolled.dates} 处（印发日期、职责的完成时限）。下一步：写本年度的年度任务（tasks），"
                 f"核对人员变动，然后运行 dutydocs check {rolled.folder}")
    return lines

