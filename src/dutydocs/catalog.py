"""Read a catalogue: safe YAML, split files and includes, and the file:line of every key.

PyYAML's `compose` gives nodes with marks; we build plain Python data from them ourselves so
that each key path ("people", 3, "rank") keeps the file and line where it was written.

Plain scalars follow the YAML 1.2 core schema, not YAML 1.1: `0630` is 630 (not octal 408),
`10:30` and `on` stay text. Numbers and dates keep the text as written (`source_text`), so a
text field can take `name: 0110` as "0110".
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.representer import SafeRepresenter

from .errors import KeyPath, Problem, format_key
from .roster import REFUSED_SUFFIXES, ROSTER_SUFFIXES, CellAt, Roster, RosterError, merge_roster, read_roster

ENTRY_NAMES = ("catalog.yaml", "catalog.yml")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000


# --- Scalars that remember how they were written ---------------------------------------------


class YInt(int):
    """An integer read from YAML; `yaml_text` is the text as written (`0630`, `0x1F`)."""

    def __new__(cls, value: int = 0, text: str | None = None) -> YInt:
        self = super().__new__(cls, value)
        self.yaml_text = str(int(value)) if text is None else text
        return self

    def __reduce__(self) -> tuple:
        return (YInt, (int(self), self.yaml_text))

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return self.__reduce__()


class YFloat(float):
    """A float read from YAML; `yaml_text` is the text as written (`1.50`, `1e3`)."""

    def __new__(cls, value: float = 0.0, text: str | None = None) -> YFloat:
        self = super().__new__(cls, value)
        self.yaml_text = repr(float(value)) if text is None else text
        return self

    def __reduce__(self) -> tuple:
        return (YFloat, (float(self), self.yaml_text))

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return self.__reduce__()


class YDate(dt.date):
    """A date read from YAML; `yaml_text` is the text as written (`2026-02-18`)."""

    def __new__(cls, year: int, month: int = 1, day: int = 1, text: str | None = None) -> YDate:
        self = super().__new__(cls, year, month, day)
        self.yaml_text = self.isoformat() if text is None else text
        return self

    def __reduce__(self) -> tuple:
        return (YDate, (self.year, self.month, self.day, self.yaml_text))

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return self.__reduce__()


class YDateTime(dt.datetime):
    """A timestamp read from YAML (`2026-02-18 09:30:00`); `yaml_text` is the text as written."""

    def __new__(cls, *args: Any, text: str | None = None, **kwargs: Any) -> YDateTime:
        self = super().__new__(cls, *args, **kwargs)
        self.yaml_text = self.isoformat(" ") if text is None else text
        return self

    def __reduce__(self) -> tuple:
        return (_make_datetime, (self.year, self.month, self.day, self.hour, self.minute, self.second,
                                 self.microsecond, self.tzinfo, self.fold, self.yaml_text))

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return self.__reduce__()


def _make_datetime(year: int, month: int, day: int, hour: int, minute: int, second: int,
                   microsecond: int, tzinfo: dt.tzinfo | None, fold: int, text: str) -> YDateTime:
    return YDateTime(year, month, day, hour, minute, second, microsecond, tzinfo, fold=fold, text=text)


def source_text(value: object) -> str | None:
    """The text a YAML number or date was written as (`0630` for YInt(630)); None for other values."""
    text = getattr(value, "yaml_text", None)
    return text if isinstance(text, str) else None


# yaml.safe_dump of loaded data (the benchmark scales a catalogue this way) writes them back as written.
SafeRepresenter.add_representer(YInt, lambda r, v: r.represent_scalar("tag:yaml.org,2002:int", v.yaml_text))
SafeRepresenter.add_representer(YFloat, lambda r, v: r.represent_scalar("tag:yaml.org,2002:float", v.yaml_text))
SafeRepresenter.add_representer(YDate, SafeRepresenter.represent_date)
SafeRepresenter.add_representer(YDateTime, SafeRepresenter.represent_datetime)


# --- YAML 1.2 core schema on both loaders ------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_IMPLICIT = [  # (tag, pattern, first characters) in the order they are tried
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", rf"^(?:{_INT_RE.pattern})$", "-+0123456789"),
    ("float", rf"^(?:{_FLOAT_RE.pattern})$", "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("timestamp", next(r for t, r in yaml.resolver.Resolver.yaml_implicit_resolvers["2"] if t.endswith("timestamp")),
     "0123456789"),
    ("merge", r"^(?:<<)$", "<"),
]


def _construct_int(loader: Any, node: ScalarNode) -> YInt:
    text = loader.construct_scalar(node)
    if not _INT_RE.fullmatch(text):
        raise ValueError(text)  # e.g. `!!int 1_000`: kept as text
    if text.startswith("0o"):
        return YInt(int(text[2:], 8), text)
    if text.startswith("0x"):
        return YInt(int(text[2:], 16), text)
    return YInt(int(text, 10), text)


def _construct_float(loader: Any, node: ScalarNode) -> YFloat:
    text = loader.construct_scalar(node)
    special = text.lower().lstrip("+")
    if special in (".inf", "-.inf", ".nan"):
        return YFloat(float(special.replace(".", "")), text)
    return YFloat(float(text), text)


def _construct_bool(loader: Any, node: ScalarNode) -> bool:
    text = loader.construct_scalar(node)
    if text.lower() not in ("true", "false"):
        raise ValueError(text)
    return text.lower() == "true"


def _construct_timestamp(loader: Any, node: ScalarNode) -> dt.date:
    text = loader.construct_scalar(node)
    if not SafeConstructor.timestamp_regexp.match(text):
        raise ValueError(text)
    value = SafeConstructor.construct_yaml_timestamp(loader, node)  # ValueError for 2026-02-30
    if isinstance(value, dt.datetime):
        return YDateTime(value.year, value.month, value.day, value.hour, value.minute, value.second,
                         value.microsecond, value.tzinfo, text=text)
    return YDate(value.year, value.month, value.day, text)


def _core_schema(base: type) -> type:
    cls = type(f"Core{base.__name__}", (base,), {"yaml_implicit_resolvers": {}})
    for tag, pattern, first in _IMPLICIT:
        regexp = re.compile(pattern) if isinstance(pattern, str) else pattern
        cls.add_implicit_resolver(_TAG + tag, regexp, list(first))
    for tag, construct in (("int", _construct_int), ("float", _construct_float), ("bool", _construct_bool),
                           ("timestamp", _construct_timestamp)):
        cls.add_constructor(_TAG + tag, construct)
    return cls


_LOADERS: tuple[type, ...] = tuple(dict.fromkeys(
    _core_schema(c) for c in (getattr(yaml, "CSafeLoader", None), yaml.SafeLoader) if c is not None
))


# --- Positions ---------------------------------------------------------------------------------


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
        hit = self.where(path)
        if isinstance(hit, CellAt):  # from an included workbook: 花名册.xlsx 花名册!B7
            return hit.problem(message, severity)
        file, line = hit
        return Problem(file, line, format_key(path), message, severity)  # type: ignore[arg-type]


@dataclass
class RawCatalog:
    """The merged YAML data of a catalogue with its positions, before validation.

    `broken_files` could not be read (syntax, encoding…, or missing, empty); `broken_sections` are
    the top-level keys they probably define, so that validation need not call those sections
    missing. `reported` holds the key paths (in the merged data) where the loader already reported
    a problem — a YAML tag, a looping alias, a control character, `{{ }}` — so that validation
    need not report the value there a second time (e.g. as empty).
    """

    data: dict[str, Any]
    positions: Positions
    root: Path
    entry: Path
    broken_sections: set[str] = field(default_factory=set)
    broken_files: list[str] = field(default_factory=list)
    reported: set[KeyPath] = field(default_factory=set)


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
_PLAIN_TAGS = {_TAG + t for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp", "merge")}
_MERGE_TAG = _TAG + "merge"


def _shown_tag(tag: str) -> str:
    """The tag as the clerk wrote it: !!python/object, not tag:yaml.org,2002:python/object."""
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


# Characters Word and Excel files cannot hold (XML 1.0): C0 controls but tab, newline and
# carriage return; U+FFFE, U+FFFF; surrogates (a double-quoted "\uD800").
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _unwritable_message(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char < " ":
        return (f"文字里有不可见的控制字符（{code}），无法写入 Word 和 Excel，"
                "请删掉它（常见于从网页或 Word 复制的文字）。")
    if "\ud800" <= char <= "\udfff":
        return (f"文字里有无效的字符（{code}，半个 UTF-16 代理对），无法写入 Word 和 Excel。"
                "双引号里的 \\u 转义只能写完整的字符，请直接写出这个字符或删掉它。")
    return f"文字里有无效的字符（{code}），无法写入 Word 和 Excel，请删掉它。"


_BRACES_IN_FLOW = ("YAML 格式错误：文字里有 {{ 或 }}，在花括号写法 { } 里会被当成括号。"
                   "请用引号把整段文字括起来，如 name: \"{{张三}}\"。")


def _template_braces(line: str) -> bool:
    """`{{张三}}` in a line, not just the end of nested braces as in `{a: {b: c}}`."""
    return "{{" in line or ("}}" in line and line.count("}") > line.count("{"))


class _Lines:
    """Line numbers as an editor counts them (YAML also breaks lines at U+0085, U+2028, U+2029)."""

    def __init__(self, text: str):
        self.text = text
        self.lines = re.split(r"\r\n|\r|\n", text)
        self.starts: list[int] | None = None
        if any(c in text for c in "\x85\u2028\u2029"):
            self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line(self, mark: Any) -> int:
        if self.starts is None:
            return mark.line + 1
        return bisect_right(self.starts, mark.index)

    def source(self, line: int | None) -> str:
        return self.lines[line - 1] if line and 0 < line <= len(self.lines) else ""


class _Reader:
    """Turns composed YAML nodes into data while recording positions and node problems."""

    def __init__(self, display: str, loader: Any, problems: list[Problem], lines: _Lines):
        self.display = display
        self.loader = loader
        self.problems = problems
        self.lines = lines
        self.positions: dict[KeyPath, tuple[str, int]] = {}
        self.count = 0
        self.stack: set[int] = set()
        self.said: set[tuple[int, str]] = set()
        self.reported: set[KeyPath] = set()

    def line(self, node: Node) -> int:
        return node.start_mark.line + 1 if self.lines.starts is None else self.lines.line(node.start_mark)

    def problem(self, node: Node, path: KeyPath, message: str, about_value: bool = True) -> None:
        """`about_value`: the value at `path` is what is wrong (not a key of the mapping there)."""
        if about_value:
            self.reported.add(path)
        # A node reached through several aliases or merges is reported once, where it is written.
        if (node.start_mark.index, message) in self.said:
            return
        self.said.add((node.start_mark.index, message))
        self.problems.append(Problem(self.display, self.line(node), format_key(path), message))

    def convert(self, node: Node, path: KeyPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        if id(node) in self.stack:
            self.problem(node, path, "这里的别名（*）引用了它自己，形成了循环，请去掉这个别名。")
            return None
        self.positions.setdefault(path, (self.display, self.line(node)))
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if node.tag not in _PLAIN_TAGS:
            self.problem(node, path, self.tag_message(node))
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

    def tag_message(self, node: Node) -> str:
        tag = node.tag
        if isinstance(node, ScalarNode) and tag.startswith("!") and not tag.startswith("!!"):
            # `text: !重要 …` — a text that starts with "!" is read as a local tag.
            return (f"文字不能以“!”开头（YAML 会把「{tag}」当成标签）。"
                    "请用引号把整段文字括起来，或删掉“!”。")
        return f"不支持 YAML 标签「{_shown_tag(tag)}」，请删掉它，只写普通的内容。"

    def scalar(self, node: ScalarNode, path: KeyPath, report: bool = True, check_text: bool = True) -> Any:
        if node.tag in _PLAIN_TAGS or node.tag == "!":
            try:
                value = self.loader.construct_object(node, deep=True)
            except (ValueError, ConstructorError):
                # e.g. 2026-02-30 looks like a date but is not one: keep the text, the
                # model then says "not a valid date" at this very key.
                value = node.value
            if isinstance(value, str) and check_text:
                value = self.text(node, path, value, report)
            return value
        if report:
            self.problem(node, path, self.tag_message(node))
        return node.value

    def text(self, node: Node, path: KeyPath, value: str, report: bool = True) -> str:
        if not _UNWRITABLE.search(value):
            return value
        if re.search("[\ud800-\udbff][\udc00-\udfff]", value):
            # "\uD83D\uDE00": a JSON-style surrogate pair means the one character it encodes.
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
        bad = _UNWRITABLE.search(value)
        if bad and report:
            self.problem(node, path, _unwritable_message(bad.group()))
        # half a surrogate pair cannot even be printed: reported, it becomes �
        return re.sub("[\ud800-\udfff]", "\ufffd", value)

    def key(self, node: ScalarNode, path: KeyPath, report: bool) -> str:
        """Keys are text: `2026:` is the key "2026", `on:` the key "on"."""
        value = self.scalar(node, path, report, check_text=False)
        key = value if isinstance(value, str) else str(node.value)
        bad = _UNWRITABLE.search(key)
        if bad:
            if report:
                self.problem(node, path, "键名里" + _unwritable_message(bad.group()).removeprefix("文字里"), False)
            key = _UNWRITABLE.sub("\ufffd", key)  # printable in the key path of later messages
        return key

    def pairs(self, node: MappingNode, path: KeyPath, seen: set[int]) -> tuple[list, list]:
        """The pairs written in `node` and those merged into it by `<<`, each in precedence order.

        `seen`: the mappings already merged (each is merged once: no cycles, no blow-up)."""
        explicit: list[tuple[Node, Node]] = []
        merged: list[tuple[Node, Node]] = []
        self.count += len(node.value)
        if self.count > MAX_NODES:
            raise _TooBig
        for key_node, value_node in node.value:
            if not (isinstance(key_node, ScalarNode) and key_node.tag == _MERGE_TAG):
                explicit.append((key_node, value_node))
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            if not all(isinstance(s, MappingNode) for s in sources):
                self.problem(key_node, path, "合并键（<<）后面应是一个别名（如 <<: *base）或别名的列表"
                                             "（如 <<: [*base, *more]），别名要指向“键: 值”的内容。", False)
                continue
            for source in sources:  # the first source listed wins over later ones
                if id(source) in seen:
                    continue
                seen.add(id(source))
                own, inner = self.pairs(source, path, seen)
                merged += own + inner
        return explicit, merged

    def mapping(self, node: MappingNode, path: KeyPath) -> Any:
        if any(not isinstance(k, ScalarNode) for k, _ in node.value):
            written = self.lines.text[node.start_mark.index:node.end_mark.index]
            if _template_braces(written):
                # `name: {{张三}}` is a mapping whose key is the mapping {张三}: say so once, and
                # keep the text as written so that nothing else complains about it.
                self.problem(node, path, self.braces_message(path, written))
                return written
        explicit, merged = self.pairs(node, path, {id(node)})
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in explicit:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, path, "键名必须是普通文字，这里却是列表或键值对，请检查冒号和缩进。", False)
                continue
            key = self.key(key_node, path, report=True)
            line = self.line(key_node)
            if key in first_line:
                earlier = "这一行前面已经写过" if first_line[key] == line else f"第一次出现在第 {first_line[key]} 行"
                self.problem(
                    key_node,
                    path + (key,),
                    f"键「{key}」重复了（{earlier}），同一层里每个键只能写一次，请删掉或合并其中一个。",
                    about_value=False,
                )
                continue
            first_line[key] = line
            self.positions[path + (key,)] = (self.display, line)
            out[key] = self.convert(value_node, path + (key,))
        # Merged keys (<<: *base) fill in what is not written here; what is written here wins.
        for key_node, value_node in merged:
            if not isinstance(key_node, ScalarNode):
                continue
            key = self.key(key_node, path, report=False)
            if key in out:
                continue
            self.positions[path + (key,)] = (self.display, self.line(key_node))
            out[key] = self.convert(value_node, path + (key,))
        if len(out) > len(first_line):  # merged keys first, as YAML itself orders them
            out = {**{k: v for k, v in out.items() if k not in first_line}, **{k: out[k] for k in first_line}}
        return out

    @staticmethod
    def braces_message(path: KeyPath, written: str) -> str:
        if path and isinstance(path[-1], str) and not re.search(r'[\r\n"\\]', written) and len(written) < 40:
            return _BRACES_IN_FLOW.replace('name: "{{张三}}"', f'{path[-1]}: "{written}"')
        return _BRACES_IN_FLOW


class _TooBig(Exception):
    pass


# --- Whole files -------------------------------------------------------------------------------


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
    ("invalid Unicode character escape", "双引号里的 \\u 转义不是有效的字符，请直接写出这个字符或删掉这个转义。"),
    ("control characters are not allowed", "文件里有不可见的控制字符，请删掉它（常见于从网页或 Word 复制的文字）。"),
    ("unacceptable character", "文件里有不可见的控制字符，请删掉它（常见于从网页或 Word 复制的文字）。"),
    ("found unexpected end of stream", "文件意外结束：多半是引号或括号没有配对。"),
    ("'<stream end>'", "文件意外结束：多半是方括号 [ ] 或花括号 { } 没有配对。"),
    ("a tag", "文字不能以“!”开头（YAML 会把 ! 当成标签）。请用引号把整段文字括起来，或改用中文感叹号“！”。"),
]

# `text: "十三五"规划`, `- {name: "张三"（研究室）}`: a quoted text with more text after its closing quote.
_TEXT_AFTER_QUOTE = re.compile(r"""(?:^|[:\-\[{,])[ \t]*("[^"\\]*"|'[^']*')[^\s,\]}#:]""")
# `text: [重要] 每季度报告`: brackets at the start of a text make a list.
_TEXT_AFTER_BRACKET = re.compile(r"""(?:^|:)[ \t]+(\[[^\[\]]*\]|\{[^{}]*\})[ \t]*[^\s,\]}#]""")


def _yaml_problem(exc: yaml.YAMLError, display: str, lines: _Lines) -> Problem:
    context = str(getattr(exc, "context", "") or "")
    problem = str(getattr(exc, "problem", "") or "")
    mark = _shown_mark(exc)
    line = lines.line(mark) if mark is not None else None
    if line is not None and line > 1 and not lines.source(line).strip():
        # noticed at the end of the file, or on an empty line: point at the last thing written
        line = next((n for n in range(line - 1, 0, -1) if lines.source(n).strip()), line)
    text = " ".join(x for x in (context, problem) if x) or str(exc)
    written = lines.source(line)
    code = written.split("#")[0]
    breaks = [c for c in written if c in "\x85\u2028\u2029"]
    if breaks:
        return Problem(display, line, "", f"YAML 格式错误：这一行有看不见的分行符（U+{ord(breaks[0]):04X}），YAML 会在那里换行。"
                       "请删掉它（常见于从网页复制的文字）。")
    if "：" in written and not re.search(r":(\s|$)", code):
        return Problem(display, line, "", "YAML 格式错误：这一行用了中文冒号“：”，键名后面要用英文冒号“:”再加一个空格。")
    if _template_braces(written):
        m = re.match(r"""\s*(?:-\s+)?([^\s:#{}\[\],"']+):\s+([^"#]+?)\s*$""", written)
        if m and len(m.group(2)) < 40:  # `text: {{年度}}工作要点`: the example is this very line
            return Problem(display, line, "", _BRACES_IN_FLOW.replace('name: "{{张三}}"', f'{m.group(1)}: "{m.group(2)}"'))
        return Problem(display, line, "", _BRACES_IN_FLOW)
    parsing = context.startswith("while parsing")
    if parsing and (m := _TEXT_AFTER_QUOTE.search(code)):
        q = m.group(1)[0]
        other = "'" if q == '"' else '"'
        return Problem(display, line, "", f"YAML 格式错误：引号 {q}…{q} 后面还有文字。文字以引号开头时，YAML 把引号当成括住"
                       f"整段文字的符号，后面就不能再写字。请用 {other} 把整段文字括起来，或改用中文引号“”。")
    if parsing and (m := _TEXT_AFTER_BRACKET.search(code)):
        return Problem(display, line, "", f"YAML 格式错误：文字以「{m.group(1)[0]}」开头，YAML 会把它当成列表或键值对的括号。"
                       "请用引号把整段文字括起来，或改用中文括号【】。")
    if "while scanning an alias" in context:
        at = getattr(exc, "context_mark", None) or mark
        name = re.search(r"\*([^\s,\[\]{}]*)", lines.text[at.index:] if at is not None else "")
        word = (name.group(1) if name else "").rstrip("*")
        if not word or ("&" + word) not in lines.text:
            return Problem(display, line, "", "YAML 格式错误：文字不能以“*”开头（YAML 会把 * 当成别名）。"
                           "请用引号把整段文字括起来，或改用中文星号“＊”。")
    if "cannot start any token" in problem and mark is not None and mark.index < len(lines.text):
        char = lines.text[mark.index]
        if char in "@`%":
            return Problem(display, line, "", f"YAML 格式错误：文字不能以“{char}”开头（YAML 保留了这个符号），"
                           "请用引号把整段文字括起来。")
    for needle, hint in _YAML_HINTS:
        if needle in text:
            return Problem(display, line, "", f"YAML 格式错误：{hint}")
    return Problem(display, line, "", "YAML 格式错误：请检查这一行及上一行的缩进、冒号“:”后的空格和引号是否配对。")


# --- Unicode spaces where YAML wants a plain space, and raw control characters -----------------

_ODD_SPACES = {
    "\u3000": "全角空格",
    "\u00a0": "不换行空格",
    "\u202f": "窄不换行空格",
    "\u200b": "零宽空格",
    "\ufeff": "零宽不换行空格",
    "\u1680": "特殊空格",
    "\u205f": "特殊空格",
    **{chr(c): "特殊空格" for c in range(0x2000, 0x200B)},
}
_ODD = "".join(_ODD_SPACES)
_ODD_RE = re.compile(f"[{_ODD}]")
_SPACE_RUN = re.compile(f"[ \t{_ODD}]*")
_KEY = re.compile(rf"""([^ \t:#{{}}\[\],"'&*!|>%@`{_ODD}][^ \t:{_ODD}]*)[ \t]*:(?=[{_ODD}]|[ \t]+[{_ODD}])""")
_FLOW_KEY = re.compile(rf"""[{{,][ \t]*([^ \t:#{{}}\[\],"'&*!|>%@`{_ODD}][^ \t:{_ODD}]*)[ \t]*:(?=[{_ODD}])""")
_STRUCTURE = re.compile(rf"""$|[-](?:[ \t{_ODD}]|$)|[{{\[\]"'#&*!|>]|[^ \t:#{_ODD}][^:#]*:(?:[ \t{_ODD}]|$)""")
_BLOCK_SCALAR = re.compile(r"""(?:^|[ \t])[|>][1-9+-]{0,2}[ \t]*(?:#.*)?$""")
# What PyYAML's reader refuses in a file (raw control characters).
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _space_name(char: str) -> str:
    return f"{_ODD_SPACES[char]}（U+{ord(char):04X}）"


def _space_fix(char: str) -> str:
    return "请删掉它" if char in "\u200b\ufeff" else "请把它换成普通空格"


def _prescan(lines: list[str]) -> dict[int, str]:
    """Lines (1-based) whose odd spaces or control characters break the YAML, with the message."""
    found: dict[int, str] = {}
    if not any(_NON_PRINTABLE.search(line) or _ODD_RE.search(line) for line in lines):
        return found
    block: int | None = None  # inside a block scalar (| or >): lines indented more than this are text
    for number, line in enumerate(lines, 1):
        bad = _NON_PRINTABLE.search(line)
        if bad:
            found[number] = (f"这一行有不可见的控制字符（U+{ord(bad.group()):04X}），请删掉它"
                             "（常见于从网页或 Word 复制的文字）。")
            continue
        indent = len(line) - len(line.lstrip(" "))
        if block is not None:
            if not line.strip(" \t" + _ODD) or indent > block:
                continue
            block = None
        message = _odd_space(line)
        if message:
            found[number] = "YAML 格式错误：" + message
            continue
        if _BLOCK_SCALAR.search(line):
            # the text belongs to the key (or "- ") this indicator follows
            head = re.match(r"( *)((?:- +)*)", line)
            assert head is not None
            key_column = len(head.group(0))
            block = key_column if re.match(r"[|>]", line[key_column:]) is None else len(head.group(1))
    return found


def _odd_space(line: str) -> str | None:
    if not _ODD_RE.search(line):
        return None
    lead = _SPACE_RUN.match(line)
    assert lead is not None
    odd = [c for c in lead.group() if c in _ODD_SPACES]
    rest = line[lead.end():]
    if odd and _STRUCTURE.match(rest):
        char = odd[0]
        if not rest:
            return f"这一行只有{_space_name(char)}，YAML 会把它当成文字，请把这一行清空。"
        return f"这一行开头用了{_space_name(char)}，YAML 只能用半角空格缩进，{_space_fix(char)}。"
    if odd or rest.startswith("#"):
        return None  # text that begins with an indent of its own (a paragraph written 　　……), a comment
    i = lead.end()
    while i < len(line) and line[i] == "-":
        run = _SPACE_RUN.match(line, i + 1)
        assert run is not None
        if run.end() == i + 1:
            break  # "-1", "--": text, not a list item
        odd = [c for c in run.group() if c in _ODD_SPACES]
        if odd and (run.group()[0] in _ODD_SPACES or _STRUCTURE.match(line, run.end())):
            return f"这一行“-”后面用了{_space_name(odd[0])}，YAML 只能用半角空格，{_space_fix(odd[0])}。"
        if odd:
            return None
        i = run.end()
    code = line.split(" #")[0]
    for m in [_KEY.match(code, i)] + ([] if "{" not in code else list(_FLOW_KEY.finditer(code))):
        if m is None:
            continue
        run = _SPACE_RUN.match(code, m.end())
        assert run is not None
        char = next(c for c in run.group() if c in _ODD_SPACES)
        if run.group()[0] in _ODD_SPACES or _STRUCTURE.match(code, run.end()):
            return f"这一行「{m.group(1)}:」后面用了{_space_name(char)}，冒号后面只能用半角空格，{_space_fix(char)}。"
    return None


# --- Reading one file --------------------------------------------------------------------------


@dataclass
class FileRead:
    """One catalogue file as read: its data and positions, or why not."""

    data: Any
    positions: dict[KeyPath, tuple[str, int]]
    problems: list[Problem]
    broken: bool = False  # could not be read into data: syntax, encoding, not a text file…
    text: str | None = None  # the text, as far as it could be decoded (for broken_sections)
    includes: Any = None  # a broken file's include list, when that section itself could be read
    include_positions: dict[KeyPath, tuple[str, int]] = field(default_factory=dict)
    reported: set[KeyPath] = field(default_factory=set)  # key paths the problems are about


def read_yaml_file(path: Path, display: str, included: bool = False) -> tuple[Any, dict[KeyPath, tuple[str, int]], list[Problem]]:
    """Read one YAML file into data and positions; problems instead of exceptions."""
    got = read_file(path, display, included)
    return got.data, got.positions, got.problems


def read_file(path: Path, display: str, included: bool = False) -> FileRead:
    """Read one YAML file; problems instead of exceptions (a broken file is reported, not raised)."""
    todo = ("请写入目录内容，或从包含列表（include）里删掉它。" if included
            else "请写入目录内容（可运行 dutydocs init 新建一份起步目录）。")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return FileRead(None, {}, [Problem(display, None, "", f"文件太大（{size // 1024} KB），目录文件不应超过 "
                                               f"{MAX_FILE_BYTES // 1024 // 1024} MB，请检查是否选错了文件。")], broken=True)
        raw = path.read_bytes()
    except IsADirectoryError:
        return FileRead(None, {}, [Problem(display, None, "", "这是一个文件夹，不是 YAML 文件。")], broken=True)
    except OSError as exc:
        return FileRead(None, {}, [Problem(display, None, "", f"无法读取文件：{exc.strerror or exc}。")], broken=True)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (b"\x00" in raw[:4096] and _looks_utf16(raw[:4096])):
        return FileRead(None, {}, [Problem(display, None, "", "文件是 UTF-16 编码（记事本里的“Unicode”），无法读取。"
                                           "请用记事本打开，选择“另存为”，编码选“UTF-8”后保存。")],
                        broken=True, text=_utf16_text(raw))
    if b"\x00" in raw[:4096]:
        return FileRead(None, {}, [Problem(display, None, "", "这不是文本文件（可能是 Word、Excel 或图片），"
                                           "目录文件必须是 UTF-8 文本的 YAML。")], broken=True)
    text, bad = _decode(raw, display)
    if bad:
        return FileRead(None, {}, [bad], broken=True, text=raw.decode("utf-8", "replace"))
    assert text is not None
    if not text.strip():
        return FileRead(None, {}, [Problem(display, 1, "", f"文件是空的。{todo}")])
    return _parse(text, display, todo)


def _utf16_text(raw: bytes) -> str | None:
    for codec in ("utf-16", "utf-16-le", "utf-16-be"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _parse(text: str, display: str, todo: str) -> FileRead:
    lines = _Lines(text)
    flagged = _prescan(lines.lines)
    problems = [Problem(display, n, "", message) for n, message in flagged.items()]
    if not flagged:
        try:
            composed = _compose_any(lines, display)
        except yaml.YAMLError as exc:
            problems = [_yaml_problem(exc, display, lines)]
            flagged = dict.fromkeys(_span(exc, lines), "")
        else:
            if composed is None:
                return FileRead(None, {}, [Problem(display, 1, "", f"文件里只有注释，没有内容。{todo}")])
            data, positions, found, reported = composed
            return FileRead(data, positions, found, broken=data is None and bool(found), text=text, reported=reported)
    # The file is broken. Its other top-level sections are read one by one, for their own
    # problems (all at once) and for its include list.
    got = FileRead(None, {}, problems, broken=True, text=text)
    with_ends = _with_ends(text)
    for start, end in _sections(lines.lines):
        if any(start < n <= end for n in flagged):
            continue
        padded = "\n" * start + "".join(with_ends[start:end])
        try:
            chunk = _Lines(padded)
            composed = _compose_any(chunk, display)
        except yaml.YAMLError as exc:
            if "alias" not in f"{getattr(exc, 'context', '')} {getattr(exc, 'problem', '')}":
                # (an alias is not checked alone: its anchor may be in another section)
                problems.append(_yaml_problem(exc, display, chunk))
            continue
        if composed is None:
            continue
        data, positions, found, _ = composed
        problems += found
        if isinstance(data, dict) and "include" in data:
            got.includes = data["include"]
            got.include_positions = positions
    problems.sort(key=lambda p: p.line or 0)
    return got


def _shown_mark(exc: yaml.YAMLError) -> Any:
    """Where a syntax error is shown. An unclosed quote or bracket, or a key without its colon,
    is noticed further on: point at where it started, which is the line the clerk has to change."""
    context = str(getattr(exc, "context", "") or "")
    started = any(w in context for w in ("quoted scalar", "flow", "simple key"))
    marks = ("context_mark", "problem_mark") if started else ("problem_mark", "context_mark")
    return getattr(exc, marks[0], None) or getattr(exc, marks[1], None)


def _span(exc: yaml.YAMLError, lines: _Lines) -> range:
    """The lines a syntax error involves: from the line shown to where the parser gave up."""
    found = [lines.line(m) for m in (_shown_mark(exc), getattr(exc, "problem_mark", None)) if m]
    return range(min(found), max(found) + 1) if found else range(1, len(lines.lines) + 1)


_TOP_KEY = re.compile(r"""[^\s#'"{}\[\]&*!|>%@`,?:-][^\r\n]*?:(?:[ \t]|$)""")
_SECTION_KEY = re.compile(r"^([A-Za-z_]+)\s*:", re.MULTILINE)


def _sections(lines: list[str]) -> list[tuple[int, int]]:
    """Top-level sections as line ranges [start, end) (0-based), each starting at a key in column 0."""
    starts = [i for i, line in enumerate(lines) if _TOP_KEY.match(line)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return list(zip(starts, starts[1:] + [len(lines)], strict=True))


def _with_ends(text: str) -> list[str]:
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)


_Composed = tuple[Any, dict[KeyPath, tuple[str, int]], list[Problem], set[KeyPath]]


def _compose_any(lines: _Lines, display: str) -> _Composed | None:
    # libyaml composes twice as fast; on a syntax error the pure-Python parser says it again,
    # so messages are the same wherever libyaml is missing.
    error: yaml.YAMLError | None = None
    for loader_class in _LOADERS:
        try:
            return _compose(loader_class, lines, display)
        except yaml.YAMLError as exc:
            error = exc
    assert error is not None
    raise error


def _compose(loader_class: type, lines: _Lines, display: str) -> _Composed | None:
    problems: list[Problem] = []
    loader = loader_class(lines.text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        reader = _Reader(display, loader, problems, lines)
        data = reader.convert(node, ())
        return data, reader.positions, problems, reader.reported
    except _TooBig:
        return None, {}, [Problem(display, None, "", "文件内容过多或别名嵌套过深，无法读取，请检查是否误用了别名（*）。")], set()
    except RecursionError:
        return None, {}, [Problem(display, None, "", "嵌套层次太深，无法读取，请检查缩进和括号。")], set()
    finally:
        loader.dispose()


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 text without a BOM: every other byte of ASCII text is zero."""
    evens, odds = head[0::2], head[1::2]
    return max(evens.count(0), odds.count(0)) > 0.4 * len(head) / 2


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


# --- The catalogue: entry file, includes, merged sections --------------------------------------


def _missing_entry_hint(folder: Path) -> str:
    names = [p.name for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    for name in names:
        if name.lower() in ("catalog.yaml.txt", "catalog.yml.txt", "catalog.txt"):
            return f"文件夹里有「{name}」：请把它改名为 {ENTRY_NAMES[0]}（Windows 可能隐藏了扩展名 .txt）。"
        if name.lower() in ENTRY_NAMES:
            return f"文件夹里有「{name}」：文件名要全部小写，请改名为 {ENTRY_NAMES[0]}。"
    return ""


def _missing_include_hint(name: str, target: Path, including: Path) -> str:
    if "\\" in name:
        return "路径里的文件夹请用“/”分隔，如 子目录/people.yaml。"
    if any(sep in name for sep in (",", "，", "、")):
        names = ", ".join(n.strip() for n in re.split(r"[,，、]", name) if n.strip())
        return f"几个文件要写成列表，用英文逗号隔开：include: [{names}]。"
    folder = target.parent
    if not folder.is_dir():
        return ""
    if (folder / (target.name + ".txt")).is_file():
        return f"文件夹里有「{target.name}.txt」：请把它改名为 {target.name}（Windows 可能隐藏了扩展名 .txt）。"
    names = [p.name for p in folder.iterdir() if p.is_file() and p.resolve() != including]
    same = [n for n in names if n.lower() == target.name.lower()]
    close = difflib.get_close_matches(target.name, [n for n in names if n.endswith((".yaml", ".yml", *ROSTER_SUFFIXES))], n=1, cutoff=0.75)
    near = same[0] if same else (close[0] if close else None)
    return f"是不是想写「{near}」？" if near else ""


def load_raw(entry: Path | str, allow_include: list[Path] | None = None) -> tuple[RawCatalog | None, list[Problem]]:
    """Read the entry file and everything it includes, merged; problems instead of exceptions.

    Each file is read once. A broken file is reported and recorded in `broken_files` and
    `broken_sections`, and the others are still read. None when nothing could be read at all."""
    entry = Path(entry)
    if not entry.exists():
        return None, [Problem(display_name(entry), None, "", "找不到这个文件或文件夹，请检查路径。")]
    found = find_entry(entry)
    if found is None:
        return None, [Problem(display_name(entry), None, "",
                              f"文件夹里没有入口文件 {ENTRY_NAMES[0]}，请指定目录文件或在文件夹里放一个 {ENTRY_NAMES[0]}。"
                              + _missing_entry_hint(entry))]
    found = found.resolve()
    root = found.parent
    roots = [root] + [Path(p).resolve() for p in (allow_include or [])]
    positions = Positions()
    problems: list[Problem] = []
    merged: dict[str, Any] = {}
    origin: dict[str, tuple[str, int]] = {}
    raw = RawCatalog(merged, positions, root, found)
    done: set[Path] = set()  # each file is read and merged once, however many files include it

    def unread(display: str, text: str | None = None, written: str | None = None) -> None:
        """A file whose content is unknown: validation should not call its sections missing."""
        raw.broken_files.append(display)
        sections = {k for k in _SECTION_KEY.findall(text or "") if k != "include"}
        if not sections:  # nothing to scan: people.yaml holds people, by the usual naming
            for name in re.split(r"[,，、]", written or display):
                stem = re.split(r"[\\/]", name.strip())[-1].split(".")[0].lower()
                if re.fullmatch(r"[a-z_]+", stem) and stem != "catalog":
                    sections.add(stem)
        raw.broken_sections.update(sections)

    rosters: list[Roster] = []

    def sheet(path: Path, display: str, entry: bool) -> None:
        """An included workbook (花名册.xlsx): its people and units join the catalogue after the YAML files."""
        if entry:
            problems.append(Problem(display, None, "", "花名册（表格文件）不能单独作为目录：请在 catalog.yaml 里写 "
                                    f"include: [{path.name}]，目录的其余部分（organ、tiers……）写在 YAML 文件里。"))
            return
        try:
            roster = read_roster(path, display)
        except RosterError as exc:
            problems.extend(exc.problems)
            raw.broken_files.append(display)
            raw.broken_sections.update({"people", "divisions"})
            return
        problems.extend(roster.problems)
        rosters.append(roster)

    def visit(path: Path, chain: tuple[Path, ...]) -> None:
        done.add(path)
        display = display_name(path)
        positions.files.append(display)
        if path.suffix.lower() in ROSTER_SUFFIXES or path.suffix.lower() in REFUSED_SUFFIXES:
            sheet(path, display, entry=len(chain) == 1)
            return
        got = read_file(path, display, included=len(chain) > 1)
        problems.extend(got.problems)
        if got.broken or (got.data is None and got.problems):
            unread(display, got.text)
            if got.includes is None:
                return
            includes, pos = got.includes, got.include_positions
        else:
            data, pos = got.data, got.positions
            if data is None:
                return
            if not isinstance(data, dict):
                problems.append(Problem(display, 1, "", "文件的最外层应是“键: 值”的形式（如 people:、tiers:），"
                                                        "而不是列表或单独的文字。"))
                unread(display)
                return
            includes = data.pop("include", [])
            by_section: dict[Any, dict[KeyPath, tuple[str, int]]] = {}
            for path_, where in pos.items():
                if path_:
                    by_section.setdefault(path_[0], {})[path_[1:]] = where
            said: dict[Any, list[KeyPath]] = {}
            for path_ in got.reported:
                if path_:
                    said.setdefault(path_[0], []).append(path_[1:])
            for key, value in data.items():
                own = by_section.get(key, {})
                _merge(key, value, own, own.get((), (display, 0)), merged, origin, positions, problems,
                       said.get(key, []), raw.reported)
        inc_pos = {k[1:]: v for k, v in pos.items() if k[:1] == ("include",)}
        if isinstance(includes, str):
            includes = [includes]
            inc_pos[(0,)] = pos.get(("include",), (display, 0))
        if not isinstance(includes, list):
            f, line = pos.get(("include",), (display, None))
            problems.append(Problem(f, line, "include", "include 应是文件名的列表，如 include: [people.yaml]。"))
            includes = []
        for i, name in enumerate(includes):
            f, line = inc_pos.get((i,), (display, None))
            key = f"include[{i}]"
            if not isinstance(name, str) or not name.strip():
                problems.append(Problem(f, line, key, "include 里每一项应是一个文件名。"))
                continue
            if _UNWRITABLE.search(name):
                continue  # a control character: reported at this key already
            target = (path.parent / name).resolve()
            if not _inside(target, roots):
                problems.append(Problem(f, line, key,
                                        f"包含的文件「{name}」在目录文件夹之外，为安全起见不予读取。"
                                        "请把它复制到目录文件夹里，或运行时加 --allow-include 指定允许的文件夹。"))
                unread(display_name(target), written=name)
                continue
            if target in chain:
                loop = " → ".join(display_name(p) for p in chain[chain.index(target):] + (target,))
                problems.append(Problem(f, line, key, f"包含形成了循环：{loop}，请删掉这一项。"))
                continue
            if target in done:
                continue  # reached along another path: already read and merged
            if target.is_dir():
                problems.append(Problem(f, line, key, f"「{name}」是一个文件夹，include 里要写文件名，"
                                                      f"如 {name.rstrip('/')}/people.yaml。"))
                unread(display_name(target), written=name)
                continue
            if not target.is_file():
                problems.append(Problem(f, line, key, f"找不到要包含的文件「{name}」，请检查文件名和位置"
                                                      f"（相对于 {display} 所在文件夹）。" + _missing_include_hint(name, target, path)))
                unread(display_name(target), written=name)
                continue
            visit(target, chain + (target,))

    visit(found, (found,))
    for roster in rosters:
        problems.extend(merge_roster(merged, positions, raw.reported, roster))
    if not merged and not problems:
        problems.append(Problem(display_name(found), 1, "", "目录是空的。"))
        return None, problems
    if not merged and display_name(found) in raw.broken_files:
        return None, problems  # nothing could be read at all: there is no catalogue to check
    return raw, problems


def _merge(key: Any, value: Any, own: dict[KeyPath, tuple[str, int]], where: tuple[str, int],
           merged: dict[str, Any], origin: dict[str, tuple[str, int]], positions: Positions,
           problems: list[Problem], said: list[KeyPath], all_reported: set[KeyPath]) -> None:
    """Top-level sections: lists from several files join end to end, anything else is defined once.

    `own`: the positions under this section (paths without the section's key); `where`: the
    section's own; `said`: the paths under it with a problem reported already."""
    if key not in merged:
        merged[key] = value
        origin[key] = where
        for sub, at in own.items():
            positions.at[(key,) + sub] = at
        all_reported.update((key,) + sub for sub in said)
        return
    if isinstance(merged[key], list) and isinstance(value, list):
        offset = len(merged[key])
        merged[key].extend(value)
        for sub, at in own.items():
            if sub and isinstance(sub[0], int):
                positions.at[(key, sub[0] + offset) + sub[1:]] = at
        all_reported.update((key, sub[0] + offset) + sub[1:] for sub in said if sub and isinstance(sub[0], int))
        return
    first_file, first_line = origin[key]
    file, line = where
    problems.append(Problem(file, line, str(key),
                            f"「{key}」已经在 {first_file} 第 {first_line} 行写过了。"
                            "这一节只能写在一个文件里，请删掉其中一处或把内容合并。"))
