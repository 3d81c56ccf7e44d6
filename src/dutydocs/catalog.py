"""Read a catalogue: safe YAML, split files and includes, and the file:line of every key.

PyYAML's `compose` gives nodes with marks; we build plain Python data from them ourselves so
that each key path ("people", 3, "rank") keeps the file and line where it was written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import KeyPath, Problem, format_key

ENTRY_NAMES = ("catalog.yaml", "catalog.yml")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000


@dataclass
class Positions:
    """Where each key path was written: (display file name, 1-based line)."""

    at: dict[KeyPath, tuple[str, int]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def where(self, path: KeyPath) -> tuple[str | None, int | None]:
        for end in range(len(path), -1, -1):
            hit = self.at.get(tuple(path[:end]))
            if hit:
                return hit
        return (self.files[0] if self.files else None), None

    def problem(self, path: KeyPath, message: str, severity: str = "error") -> Problem:
        file, line = self.where(path)
        return Problem(file, line, format_key(path), message, severity)  # type: ignore[arg-type]


@dataclass
class RawCatalog:
    """The merged YAML data of a catalogue with its positions, before validation."""

    data: dict[str, Any]
    positions: Positions
    root: Path
    entry: Path


def display_name(path: Path) -> str:
    """A file name as a clerk would type it: relative to the working folder where possible."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def find_entry(path: Path) -> Path | None:
    if path.is_dir():
        for name in ENTRY_NAMES:
            if (path / name).is_file():
                return path / name
        return None
    return path


# Only plain data: no object construction, whatever the file says (safe loading).
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp",
                                                 "merge", "value")}


def _shown_tag(tag: str) -> str:
    """The tag as the clerk wrote it: !!python/object, not tag:yaml.org,2002:python/object."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _Reader:
    """Turns composed YAML nodes into data while recording positions and node problems."""

    def __init__(self, display: str, loader: yaml.SafeLoader, problems: list[Problem]):
        self.display = display
        self.loader = loader
        self.problems = problems
        self.positions: dict[KeyPath, tuple[str, int]] = {}
        self.count = 0
        self.stack: set[int] = set()

    def problem(self, node: Node, path: KeyPath, message: str) -> None:
        self.problems.append(
            Problem(self.display, node.start_mark.line + 1, format_key(path), message)
        )

    def convert(self, node: Node, path: KeyPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        if id(node) in self.stack:
            self.problem(node, path, "这里的别名（*）引用了它自己，形成了循环，请去掉这个别名。")
            return None
        self.positions.setdefault(path, (self.display, node.start_mark.line + 1))
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if node.tag not in _PLAIN_TAGS:
            self.problem(node, path, f"不支持 YAML 标签「{_shown_tag(node.tag)}」，请删掉它，只写普通的内容。")
            return None
        self.stack.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.convert(child, path + (i,)) for i, child in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self.mapping(node, path)
        finally:
            self.stack.discard(id(node))
        return None

    def scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        if node.tag in _PLAIN_TAGS or node.tag == "!":
            try:
                return self.loader.construct_object(node, deep=True)
            except ValueError:
                # e.g. 2026-02-30 looks like a date but is not one: keep the text, the
                # model then says "not a valid date" at this very key.
                return node.value
        self.problem(
            node, path, f"不支持 YAML 标签「{_shown_tag(node.tag)}」，请删掉它，只写普通的内容。"
        )
        return node.value

    def mapping(self, node: MappingNode, path: KeyPath) -> dict[Any, Any]:
        try:
            self.loader.flatten_mapping(node)
        except yaml.MarkedYAMLError as exc:
            self.problem(node, path, f"合并键（<<）用法不对：{exc.problem}")
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, path, "键名必须是普通文字，这里却是列表或键值对，请检查冒号和缩进。")
                continue
            key = self.scalar(key_node, path)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.problem(
                    key_node,
                    path + (key,),
                    f"键「{key}」重复了（第一次出现在第 {first_line[key]} 行），"
                    "同一层里每个键只能写一次，请删掉或合并其中一个。",
                )
                continue
            first_line[key] = line
            self.positions[path + (key,)] = (self.display, line)
            out[key] = self.convert(value_node, path + (key,))
        return out


class _TooBig(Exception):
    pass


def _decode(raw: bytes, display: str) -> tuple[str | None, Problem | None]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = ""
        try:
            from charset_normalizer import from_bytes

            best = from_bytes(raw).best()
            if best is not None:
                guess = best.encoding
        except Exception:
            guess = ""
        if guess.lower().replace("_", "") in {"gbk", "gb2312", "gb18030", "hz", "big5", "cp936"}:
            hint = (
                f"文件看起来是 {guess.upper()} 编码（中文 Windows 记事本的默认编码）。"
                "请用记事本或 WPS 打开，选择“另存为”，编码选“UTF-8”后保存。"
            )
        else:
            hint = "请用编辑器把文件另存为 UTF-8 编码。"
        return None, Problem(display, line, "", f"文件不是 UTF-8 编码，无法读取。{hint}")


_YAML_HINTS: list[tuple[str, str]] = [
    ("found character '\\t'", "这一行用了制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。"),
    ("mapping values are not allowed here",
     "这里多了一个冒号“:”。常见原因：冒号后面少了空格、上一行缩进不对，"
     "或文字里本身含有冒号——这时请用引号把整段文字括起来。"),
    ("while scanning a quoted scalar", "引号没有配对：这一处开始的引号一直没有结束，请补上结尾的引号。"),
    ("while scanning a simple key", "这一行缺少冒号“:”，或冒号后面少了空格（应写成“键: 值”），或者缩进与上下文不一致。"),
    ("could not find expected ':'", "这一行缺少冒号“:”，或冒号后面少了空格（应写成“键: 值”），或者缩进与上下文不一致。"),
    ("while scanning an anchor", "& 和 * 后面的名字（锚点、别名）只能用英文字母和数字，不能用汉字。"),
    ("while scanning an alias", "& 和 * 后面的名字（锚点、别名）只能用英文字母和数字，不能用汉字。"),
    ("expected <block end>", "缩进不一致：同一层的键和“- ”必须上下对齐，请检查这一行的空格数。"),
    ("expected <document start>", "缩进不一致或多写了内容：请检查这一行的开头空格。"),
    ("did not find expected '-' indicator", "列表项的“- ”没有对齐，请检查这一行的缩进。"),
    ("did not find expected key", "缩进不一致：同一层的键必须上下对齐，请检查这一行的空格数。"),
    ("did not find expected node content", "这里缺少内容，或者方括号、花括号没有配对。"),
    ("expected ',' or ']'", "方括号 [ ] 没有配对，或列表里少了逗号。"),
    ("expected ',' or '}'", "花括号 { } 没有配对，或里面少了逗号。"),
    ("found undefined alias", "引用了未定义的别名（*名字），请先用 &名字 定义，或删掉这个引用。"),
    ("found unhashable key", "键名必须是普通文字，这里却是列表或键值对。"),
    ("could not determine a constructor", "不支持这个 YAML 标签（以 ! 开头），请删掉它。"),
    ("expected a single document", "一个文件里只能有一份内容，请删掉多余的“---”分隔线。"),
    ("found unknown escape character", "双引号里有无法识别的反斜杠转义（\\），请改用单引号或去掉反斜杠。"),
    ("control characters are not allowed", "文件里有不可见的控制字符，请删掉它（常见于从网页或 Word 复制的文字）。"),
    ("unacceptable character", "文件里有不可见的控制字符，请删掉它（常见于从网页或 Word 复制的文字）。"),
    ("found unexpected end of stream", "文件意外结束：多半是引号或括号没有配对。"),
]


def _yaml_problem(exc: yaml.YAMLError, display: str, source: str) -> Problem:
    context = str(getattr(exc, "context", "") or "")
    # An unclosed quote or bracket, or a key without its colon, is noticed further on: point
    # at where it started, which is the line the clerk has to change.
    started = any(w in context for w in ("quoted scalar", "flow", "simple key"))
    marks = ("context_mark", "problem_mark") if started else ("problem_mark", "context_mark")
    mark = getattr(exc, marks[0], None) or getattr(exc, marks[1], None)
    line = mark.line + 1 if mark is not None else None
    text = " ".join(str(x) for x in (context, getattr(exc, "problem", "")) if x) or str(exc)
    written = source.splitlines()[line - 1] if line and line <= len(source.splitlines()) else ""
    if "：" in written and not re.search(r":(\s|$)", written.split("#")[0]):
        return Problem(display, line, "", "YAML 格式错误：这一行用了中文冒号“：”，键名后面要用英文冒号“:”再加一个空格。")
    for needle, hint in _YAML_HINTS:
        if needle in text:
            return Problem(display, line, "", f"YAML 格式错误：{hint}")
    return Problem(display, line, "", "YAML 格式错误：请检查这一行及上一行的缩进、冒号“:”后的空格和引号是否配对。")


def read_yaml_file(path: Path, display: str, included: bool = False) -> tuple[Any, dict[KeyPath, tuple[str, int]], list[Problem]]:
    """Read one YAML file into data and positions; problems instead of exceptions."""
    todo = ("请写入目录内容，或从包含列表（include）里删掉它。" if included
            else "请写入目录内容（可运行 dutydocs init 新建一份起步目录）。")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, {}, [Problem(display, None, "", f"文件太大（{size // 1024} KB），目录文件不应超过 "
                                      f"{MAX_FILE_BYTES // 1024 // 1024} MB，请检查是否选错了文件。")]
        raw = path.read_bytes()
    except IsADirectoryError:
        return None, {}, [Problem(display, None, "", "这是一个文件夹，不是 YAML 文件。")]
    except OSError as exc:
        return None, {}, [Problem(display, None, "", f"无法读取文件：{exc.strerror or exc}。")]
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (b"\x00" in raw[:4096] and _looks_utf16(raw[:4096])):
        return None, {}, [Problem(display, None, "", "文件是 UTF-16 编码（记事本里的“Unicode”），无法读取。"
                                  "请用记事本打开，选择“另存为”，编码选“UTF-8”后保存。")]
    if b"\x00" in raw[:4096]:
        return None, {}, [Problem(display, None, "", "这不是文本文件（可能是 Word、Excel 或图片），目录文件必须是 UTF-8 文本的 YAML。")]
    text, bad = _decode(raw, display)
    if bad:
        return None, {}, [bad]
    assert text is not None
    if not text.strip():
        return None, {}, [Problem(display, 1, "", f"文件是空的。{todo}")]
    # libyaml composes twice as fast; on a syntax error the pure-Python parser says it again,
    # so messages are the same wherever libyaml is missing.
    for loader_class in dict.fromkeys((getattr(yaml, "CSafeLoader", yaml.SafeLoader), yaml.SafeLoader)):
        try:
            return _compose(loader_class, text, display, todo)
        except yaml.YAMLError as exc:
            error = exc
    if isinstance(error, yaml.reader.ReaderError):
        line = text[: error.position].count("\n") + 1
        char = error.character if isinstance(error.character, int) else ord(error.character)
        return None, {}, [Problem(display, line, "", f"文件里有不可见的控制字符（U+{char:04X}），请删掉它"
                                  "（常见于从网页或 Word 复制的文字）。")]
    return None, {}, [_yaml_problem(error, display, text)]


def _compose(loader_class: type, text: str, display: str, todo: str) -> tuple[Any, dict[KeyPath, tuple[str, int]], list[Problem]]:
    problems: list[Problem] = []
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, [Problem(display, 1, "", f"文件里只有注释，没有内容。{todo}")]
        reader = _Reader(display, loader, problems)
        data = reader.convert(node, ())
        return data, reader.positions, problems
    except _TooBig:
        return None, {}, [Problem(display, None, "", "文件内容过多或别名嵌套过深，无法读取，请检查是否误用了别名（*）。")]
    except RecursionError:
        return None, {}, [Problem(display, None, "", "嵌套层次太深，无法读取，请检查缩进和括号。")]
    finally:
        loader.dispose()


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 text without a BOM: every other byte of ASCII text is zero."""
    evens, odds = head[0::2], head[1::2]
    return max(evens.count(0), odds.count(0)) > 0.4 * len(head) / 2


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


def load_raw(entry: Path | str, allow_include: list[Path] | None = None) -> tuple[RawCatalog | None, list[Problem]]:
    """Read the entry file and everything it includes, merged; problems instead of exceptions."""
    entry = Path(entry)
    if not entry.exists():
        return None, [Problem(display_name(entry), None, "", "找不到这个文件或文件夹，请检查路径。")]
    found = find_entry(entry)
    if found is None:
        return None, [Problem(display_name(entry), None, "",
                              f"文件夹里没有入口文件 {ENTRY_NAMES[0]}，请指定目录文件或在文件夹里放一个 {ENTRY_NAMES[0]}。")]
    found = found.resolve()
    root = found.parent
    roots = [root] + [Path(p).resolve() for p in (allow_include or [])]
    positions = Positions()
    problems: list[Problem] = []
    merged: dict[str, Any] = {}
    origin: dict[str, tuple[str, int]] = {}

    def visit(path: Path, chain: tuple[Path, ...]) -> None:
        display = display_name(path)
        positions.files.append(display)
        data, pos, found_problems = read_yaml_file(path, display, included=len(chain) > 1)
        problems.extend(found_problems)
        if data is None:
            return
        if not isinstance(data, dict):
            problems.append(Problem(display, 1, "", "文件的最外层应是“键: 值”的形式（如 people:、tiers:），而不是列表或单独的文字。"))
            return
        includes = data.pop("include", [])
        inc_pos = {k[1:]: v for k, v in pos.items() if k[:1] == ("include",)}
        if isinstance(includes, str):
            includes = [includes]
        if not isinstance(includes, list):
            f, line = pos.get(("include",), (display, None))
            problems.append(Problem(f, line, "include", "include 应是文件名的列表，如 include: [people.yaml]。"))
            includes = []
        for key, value in data.items():
            _merge(key, value, pos, display, merged, origin, positions, problems)
        for i, name in enumerate(includes):
            f, line = inc_pos.get((i,), (display, None))
            key = f"include[{i}]"
            if not isinstance(name, str) or not name.strip():
                problems.append(Problem(f, line, key, "include 里每一项应是一个文件名。"))
                continue
            target = (path.parent / name).resolve()
            if not _inside(target, roots):
                problems.append(Problem(f, line, key,
                                        f"包含的文件「{name}」在目录文件夹之外，为安全起见不予读取。"
                                        "请把它复制到目录文件夹里，或运行时加 --allow-include 指定允许的文件夹。"))
                continue
            if target in chain:
                loop = " → ".join(display_name(p) for p in chain[chain.index(target):] + (target,))
                problems.append(Problem(f, line, key, f"包含形成了循环：{loop}，请删掉这一项。"))
                continue
            if not target.is_file():
                problems.append(Problem(f, line, key, f"找不到要包含的文件「{name}」，请检查文件名和位置（相对于 {display} 所在文件夹）。"))
                continue
            visit(target, chain + (target,))

    visit(found, (found,))
    if not merged and not problems:
        problems.append(Problem(display_name(found), 1, "", "目录是空的。"))
    return RawCatalog(merged, positions, root, found), problems


def _merge(key: Any, value: Any, pos: dict[KeyPath, tuple[str, int]], display: str,
           merged: dict[str, Any], origin: dict[str, tuple[str, int]], positions: Positions,
           problems: list[Problem]) -> None:
    """Top-level sections: lists from several files join end to end, anything else is defined once."""
    own = {k[1:]: v for k, v in pos.items() if k[:1] == (key,)}
    if key not in merged:
        merged[key] = value
        origin[key] = pos.get((key,), (display, 0))
        for sub, where in own.items():
            positions.at[(key,) + sub] = where
        return
    if isinstance(merged[key], list) and isinstance(value, list):
        offset = len(merged[key])
        merged[key].extend(value)
        for sub, where in own.items():
            if sub and isinstance(sub[0], int):
                positions.at[(key, sub[0] + offset) + sub[1:]] = where
        return
    first_file, first_line = origin[key]
    file, line = pos.get((key,), (display, None))
    problems.append(Problem(file, line, str(key),
                            f"「{key}」已经在 {first_file} 第 {first_line} 行写过了。"
                            "这一节只能写在一个文件里，请删掉其中一处或把内容合并。"))
