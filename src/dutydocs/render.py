"""Templates in, bytes out.

A `.docx` template is prepared once: docxtpl's own XML preprocessing (`patch_xml`) is applied to
every part that can hold tags (body, headers, footers, footnotes), the Jinja is compiled, and
every other part is kept as the already-compressed bytes of the template's zip. Rendering a
document then renders only the templated parts, deflates them and writes a zip with fixed
timestamps, so the same inputs always give the same bytes. Templates using features this path
does not reproduce (pictures, column tags, merged-cell tags, tags in the core properties) are
rendered with plain docxtpl instead, and the caller is told once.

Templates are untrusted: offices pass them around. Every render (the fast path, the docxtpl
fallback and the dry run) goes through one `GuardedEnvironment`, a Jinja sandbox that also
refuses anything starting with `_` and the frame/function internals, cannot change lists or
dicts, and stops a template that loops or grows without bound: every `{% for %}` body and macro
body counts against an iteration budget and a wall-clock deadline per document, `range()` is
capped, operators, `~`, filters and string methods refuse results bigger than `MAX_TEXT`, and a
rendered part may not exceed `MAX_PART`. Unsafe names written in the template are refused by
`prepare` before anything runs. Every refusal, and every other error a template makes on some
data (a misspelt field, 1/0), is a `Problem` naming the template, the part and, when known, the
tag: raised as `ProblemsError` by `Prepared.render` and `render_docxtpl`, returned by `dry_run`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import io
import re
import string
import struct
import time
import types
import zipfile
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, MappingView
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any

from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.lexer import Lexer
from jinja2.nodes import EvalContext, Impossible
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace, _PassArg
from lxml import etree

from .errors import Problem, ProblemsError, closest, suggest

REL_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
REL_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
REL_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
W_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"
DEFLATE_LEVEL = 6
_DOS_DATE, _DOS_TIME = (1 << 5) | 1, 0  # 1980-01-01 00:00:00: fixed, so rebuilds are byte-identical

# docxtpl's methods used here read no instance state: one bare instance serves them all.
_DOCXTPL = DocxTemplate.__new__(DocxTemplate)
_UNSUPPORTED = [
    (re.compile(r"{%-?\s*(tc|colspan|hm|vm|cellbg)\b"), "单元格（列）标签"),
    (re.compile(r"<wp:docPr\b"), "图片"),
]


# ---------------------------------------------------------------- zip writing


@dataclass(frozen=True)
class ZipEntry:
    name: str
    method: int  # zipfile.ZIP_DEFLATED or ZIP_STORED
    crc: int
    size: int
    data: bytes  # compressed as `method` says

    @classmethod
    def deflate(cls, name: str, raw: bytes) -> ZipEntry:
        comp = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        data = comp.compress(raw) + comp.flush()
        return cls(name, zipfile.ZIP_DEFLATED, zlib.crc32(raw), len(raw), data)

    @classmethod
    def deflate_chunks(cls, name: str, chunks: Iterable[bytes], level: int = DEFLATE_LEVEL) -> ZipEntry:
        """Deflate a part given piece by piece, so a large one never sits in memory uncompressed."""
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        out, crc, size = [], 0, 0
        for chunk in chunks:
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            out.append(comp.compress(chunk))
        out.append(comp.flush())
        return cls(name, zipfile.ZIP_DEFLATED, crc, size, b"".join(out))


def write_zip(entries: list[ZipEntry]) -> bytes:
    """A plain zip with fixed dates and no extras: deterministic, and it reuses compressed bytes."""
    return _assemble([_pieces(e) for e in entries])


def _pieces(e: ZipEntry) -> tuple[bytes, bytes, bytes]:
    """An entry as write_zip writes it: its local header with the data, its central record up to
    the offset (which depends on what comes before it), its name."""
    name = e.name.encode("utf-8")
    flags = 0x800 if not e.name.isascii() else 0
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, e.method, _DOS_TIME, _DOS_DATE,
                        e.crc, len(e.data), e.size, len(name), 0) + name + e.data
    central = struct.pack("<4s6H3L5HL", b"PK\x01\x02", 20, 20, flags, e.method, _DOS_TIME, _DOS_DATE,
                          e.crc, len(e.data), e.size, len(name), 0, 0, 0, 0, 0o644 << 16)
    return local, central, name


def _assemble(pieces: list[tuple[bytes, bytes, bytes]]) -> bytes:
    out, central, offset = [], [], 0
    for local, record, name in pieces:
        out.append(local)
        central.append(record + struct.pack("<L", offset) + name)
        offset += len(local)
    directory = b"".join(central)
    out.append(directory)
    out.append(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(pieces), len(pieces), len(directory), offset, 0))
    return b"".join(out)


def read_entries(source: bytes | Path) -> list[ZipEntry]:
    """The entries of a zip with their compressed bytes untouched."""
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    entries = []
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                data = zf.read(info)
                entries.append(ZipEntry.deflate(info.filename, data))
                continue
            name_len, extra_len = struct.unpack("<2H", raw[info.header_offset + 26: info.header_offset + 30])
            start = info.header_offset + 30 + name_len + extra_len
            entries.append(ZipEntry(info.filename, info.compress_type, info.CRC, info.file_size,
                                    raw[start: start + info.compress_size]))
    return entries


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip (python-docx, openpyxl) with fixed timestamps, keeping its compressed parts."""
    return write_zip(read_entries(data))


# ---------------------------------------------------------------- the sandbox
#
# Templates arrive from other offices, so a template is code we did not write. Jinja's sandbox
# refuses `_`-names and Python internals; on top of it every render runs under a budget:
# calls of `_tick`, put at the top of each loop body and macro body when a template is parsed,
# count iterations and now and then look at the clock; operators, `~`, filters and string
# methods predict the size of what they would make and refuse before making it; rendered output
# is counted chunk by chunk. A broken rule raises `TemplateFault`, which `_fault_problem` turns
# into a message naming the template, the part and the tag (tokens are numbered by tag instead of
# by line, so the line of a traceback frame is the tag).

MAX_ITERATIONS = 5_000_000  # loop bodies and macro calls per document; a record book needs thousands
MAX_SECONDS = 10.0  # per document; the slowest real document takes milliseconds
MAX_RANGE = 100_000  # numbers one range() may give
MAX_TEXT = 2_000_000  # characters one operator, `~`, filter or string method may make
MAX_ITEMS = 1_000_000  # items one filter or method may put in a list
MAX_PRODUCED = 200_000_000  # characters all of those together may make for one document
MAX_PART = 50_000_000  # characters of one rendered part (正文, 页眉, 页脚)
JOIN_BATCH = 16  # chunks joined before the size is counted (each at most MAX_TEXT, or a catalogue's text)
MAX_INT_BITS = 100_000  # an integer made by *, ** or + (about 30,000 decimal digits)
# Attribute names refused on any object, on top of the sandbox's own rules ("_" and internals).
_UNSAFE_NAMES = frozenset({
    "mro", "func_globals", "func_code", "func_closure", "func_defaults", "im_func", "im_self", "im_class",
    "f_globals", "f_locals", "f_builtins", "f_code", "f_back", "tb_frame", "tb_next", "co_code",
    "gi_frame", "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "ag_frame", "ag_code", "ag_await",
})


def unsafe_name(name: str) -> bool:
    """An attribute or item name no template may use: it leads to Python's internals."""
    return name.startswith("_") or name in _UNSAFE_NAMES


class TemplateFault(Exception):
    """A template broke a rule of the sandbox. `kind` picks the message, `detail` fills it in."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


class _Budget:
    """What the render of one document may still spend."""

    __slots__ = ("deadline", "left", "produced")

    def __init__(self) -> None:
        self.left = MAX_ITERATIONS
        self.deadline = time.monotonic() + MAX_SECONDS
        self.produced = 0

    def check(self) -> None:
        if self.left <= 0:
            raise TemplateFault("loops")
        if time.monotonic() > self.deadline:
            raise TemplateFault("time")


# The budget of the document being rendered. Unset outside a render: compiled template code
# run any other way (e.g. `Template.module`) fails instead of running unguarded.
_BUDGET: ContextVar[_Budget] = ContextVar("dutydocs_render_budget")


def _tick() -> None:
    """Called by compiled templates at the top of every loop body and macro body. Cheap: a
    counter, and every 64th time a look at the clock."""
    budget = _BUDGET.get()
    budget.left -= 1
    if not budget.left & 63:
        budget.check()


def _charge(result: Any, what: str) -> Any:
    """Count what an operator, filter or method made against the limits; return it unchanged."""
    budget = _BUDGET.get()
    size = 0
    if isinstance(result, (str, bytes)):
        size = len(result)
        if size > MAX_TEXT:
            raise TemplateFault("text", what)
    elif isinstance(result, (list, tuple, dict, set, frozenset)):
        size = len(result)
        if size > MAX_ITEMS:
            raise TemplateFault("items", what)
    budget.produced += size
    if budget.produced > MAX_PRODUCED:
        raise TemplateFault("produced")
    budget.left -= 1
    if not budget.left & 63:
        budget.check()
    return result


def _weight(value: Any, limit: int = MAX_TEXT) -> int:
    """About how many characters str(value) would have, without making it: a list holding one
    long string a thousand times weighs a thousand times as much. Stops counting past `limit`
    (or past 200,000 pieces, so weighing stays quick), then says limit + 1."""
    total, pieces = 0, 0
    stack = [value]
    while stack:
        item = stack.pop()
        pieces += 1
        if isinstance(item, (str, bytes)):
            total += len(item) + 4
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            stack += item.keys()
            stack += item.values()
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(item)
            stack += item
        elif isinstance(item, Namespace):
            total += 14
            stack.append(object.__getattribute__(item, "_Namespace__attrs"))
        elif isinstance(item, Mapping):  # the slower abstract checks last: they are rare
            total += 2 + 4 * len(item)
            stack += item.keys()
            stack += item.values()
        elif isinstance(item, (MappingView, deque)):
            total += 2 + 2 * len(item)
            stack += item
        else:
            total += 8  # numbers, None, objects whose repr is short
        if total > limit or pieces > 200_000:
            return limit + 1
    return total


def _text_len(value: Any) -> int:
    return len(value) if isinstance(value, str) else _weight(value)


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _spec_number(digits: str) -> int:
    """A width or precision written in a format: 10 digits or more is refused without int()."""
    return int(digits) if len(digits) < 10 else MAX_TEXT + 1


_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _percent_size(fmt: str, args: Any) -> int:
    """Characters `fmt % args` would have at most: widths and precisions, and each field
    counted as long as all the arguments together."""
    values = list(args.values() if isinstance(args, Mapping) else args if isinstance(args, tuple) else [args])
    size, fields = len(fmt), 0
    for m in _PERCENT_FIELD.finditer(fmt):
        fields += 1
        for spec in m.groups():
            if spec == "*":
                size += sum(abs(v) for v in values if isinstance(v, int))
            elif spec:
                size += _spec_number(spec)
    return size + fields * _weight(args)


def _format_size(fmt: str, *args: Any, **kwargs: Any) -> int:
    """Characters `fmt.format(...)` would have at most, like _percent_size; a width taken from
    an argument ({:{w}}) counts every integer argument."""
    size, fields, nested = len(fmt), 0, False
    for _text, name, spec, _conversion in string.Formatter().parse(fmt):
        if name is None:
            continue
        fields += 1
        if spec:
            nested = nested or "{" in spec
            size += sum(_spec_number(d) for d in re.findall(r"\d+", spec))
    size += fields * _weight((args, kwargs))
    if nested:
        size += fields * sum(abs(v) for v in (*args, *kwargs.values()) if isinstance(v, int))
    return size


def _format_map_size(fmt: str, mapping: Any) -> int:
    return _format_size(fmt, **mapping) if isinstance(mapping, Mapping) else 0


def _replace_size(s: Any, old: Any, new: Any, count: Any = None) -> int:
    s, old, new = str(s), str(old), str(new)
    times = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    return len(s) + times * (len(new) - len(old))


def _indent_size(s: Any, width: Any = 4, first: bool = False, blank: bool = False) -> int:
    step = len(width) if isinstance(width, str) else _int(width)
    return _text_len(s) + (str(s).count("\n") + 1) * step


def _wordwrap_size(s: Any, width: Any = 79, break_long_words: bool = True, wrapstring: Any = None,
                   break_on_hyphens: bool = True) -> int:
    s, width = str(s), max(_int(width), 1)
    longest = max(map(len, s.split()), default=0)
    if longest * longest // width > 2_000_000_000:
        return MAX_TEXT + 1  # textwrap cuts a long word a piece at a time, copying the rest: minutes
    breaks = len(s) // width + s.count(" ") + s.count("\n") + 1
    return len(s) + breaks * (len(wrapstring) if isinstance(wrapstring, str) else 1)


def _join_size(items: list[Any], d: Any = "", attribute: Any = None) -> int:
    if attribute is not None:
        return 0  # only the attributes are joined: the result is checked after
    return _weight(items) + len(str(d)) * max(len(items) - 1, 0)


def _fill_size(count: Any, fill_with: Any = None) -> int:
    """batch/slice: `count` lists, or one list padded to `count` items with `fill_with`."""
    n = _int(count)
    return n * (4 + (_weight(fill_with) if fill_with is not None else 0))


def _sum_size(items: list[Any], attribute: Any = None, start: Any = 0) -> int:
    """sum() of strings or lists copies the total once per item."""
    if isinstance(start, (int, float)):
        return 0
    return len(items) * (_weight(start) + _weight(items))


def _tojson_size(value: Any, indent: Any = None) -> int:
    step = len(indent) if isinstance(indent, str) else _int(indent)
    return _weight(value) * (1 + max(step, 0))


def _value_size(value: Any, *args: Any, **kwargs: Any) -> int:
    return _text_len(value)


# Filters that could make a result much bigger than their input: the size it would have.
_FILTER_SIZES: dict[str, Callable[..., int]] = {
    "center": lambda value, width=80: max(_text_len(value), _int(width)),
    "indent": _indent_size,
    "wordwrap": _wordwrap_size,
    "replace": _replace_size,
    "join": _join_size,
    "format": lambda value, *args, **kwargs: _percent_size(str(value), kwargs or args),
    "batch": lambda value, linecount, fill_with=None: _fill_size(linecount, fill_with),
    "slice": lambda value, slices, fill_with=None: _fill_size(slices, fill_with),
    "sum": _sum_size,
    "tojson": _tojson_size,
}
# Filters that turn their whole input into text: a list holding a long string many times is big.
for _name in ("string", "pprint", "escape", "e", "forceescape", "safe", "upper", "lower", "title",
              "capitalize", "trim", "striptags", "urlize", "urlencode", "wordcount", "truncate", "xmlattr"):
    _FILTER_SIZES[_name] = _value_size
_MATERIALIZE = frozenset({"join", "sum"})  # filters whose input is counted first, so made a list first


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """The filter, refusing arguments that would make a result bigger than the limits."""
    skip = 0 if _PassArg.from_obj(func) is None else 1  # context / eval context / environment first
    predict = _FILTER_SIZES.get(name)
    what = f"过滤器「{name}」"

    def guarded(*args: Any, **kwargs: Any) -> Any:
        if _BUDGET.get(None) is None:
            raise Impossible()  # asked to fold a constant while compiling: filters run only in a render
        if predict is not None and len(args) > skip:
            if name in _MATERIALIZE and not isinstance(args[skip], (list, tuple)):
                args = (*args[:skip], list(args[skip]), *args[skip + 1:])
            try:
                size = predict(*args[skip:], **kwargs)
            except (TypeError, ValueError, AttributeError):
                size = 0  # wrong arguments: the filter itself will say so
            if size > MAX_TEXT:
                raise TemplateFault("text", what)
        return _charge(func(*args, **kwargs), what)

    return functools.update_wrapper(guarded, func)


def _longest_value(table: Any) -> int:
    """str.translate: each character may become the longest string of the table."""
    if not isinstance(table, Mapping):
        return 1
    return max([len(v) for v in table.values() if isinstance(v, str)] + [1])


# Methods that could make a result much bigger than their object (str/bytes/int/dict).
_METHOD_SIZES: dict[str, Callable[..., int]] = {
    "center": lambda s, width, fillchar=" ": max(len(s), _int(width)),
    "ljust": lambda s, width, fillchar=" ": max(len(s), _int(width)),
    "rjust": lambda s, width, fillchar=" ": max(len(s), _int(width)),
    "zfill": lambda s, width: max(len(s), _int(width)),
    "expandtabs": lambda s, tabsize=8: len(s) + s.count("\t" if isinstance(s, str) else b"\t") * max(_int(tabsize), 0),
    "replace": lambda s, old, new, count=-1: _replace_size(s, old, new, count),
    "join": lambda s, items: _weight(items) + len(s) * max(len(items) - 1, 0),
    "translate": lambda s, table, *rest: len(s) * _longest_value(table),
    "format": _format_size,
    "format_map": _format_map_size,
    "to_bytes": lambda n, length=1, *rest, **kwargs: _int(length),
    "fromkeys": lambda cls, keys, value=None: len(keys) * (_weight(value) + 4),
}
_METHOD_MATERIALIZE = {"join": 0, "fromkeys": 0}  # argument counted first, so made a list first


def _method_of(obj: Any) -> tuple[str, Any]:
    """(name, object) when `obj` is a bound method of a string, number or dict, else ("", None).
    The sandbox hands out str.format as a wrapper around the real method."""
    if isinstance(obj, types.FunctionType) and obj.__name__ in ("format", "format_map"):
        obj = getattr(obj, "__wrapped__", obj)
    if isinstance(obj, (types.BuiltinMethodType, types.MethodType)):
        owner = getattr(obj, "__self__", None)
        if isinstance(owner, (str, bytes, int, float, list, tuple, dict)) or owner is dict:  # dict: fromkeys
            return obj.__name__, owner
    return "", None


def _guarded_range(*args: Any) -> range:
    """range() with at most MAX_RANGE numbers."""
    try:
        numbers = range(*args)
        too_many = len(numbers) > MAX_RANGE
    except OverflowError:
        too_many = True
    if too_many:
        raise TemplateFault("range")
    return numbers


def _binop_size(operator: str, left: Any, right: Any) -> int:
    """Characters (items, for lists) `left operator right` would have; 0 when it cannot grow."""
    if operator == "*":
        if isinstance(right, int) and isinstance(left, (str, bytes, list, tuple)):
            left, right = right, left
        if isinstance(left, int) and isinstance(right, (str, bytes, list, tuple)):
            return max(left, 0) * (len(right) if isinstance(right, (str, bytes)) else _weight(right))
    elif operator == "+":
        if isinstance(left, (str, bytes)) and isinstance(right, (str, bytes)):
            return len(left) + len(right)
        if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
            return _weight(left) + _weight(right)
    elif operator == "%" and isinstance(left, str):
        return _percent_size(left, right)
    return 0


def _int_bits(operator: str, left: Any, right: Any) -> int:
    """Bits of the integer `left operator right` would be, computed without computing it."""
    if not (isinstance(left, int) and isinstance(right, int)):
        return 0
    if operator == "**":
        return right * max(abs(left).bit_length(), 1) if right > 0 and abs(left) > 1 else 0
    if operator == "*":
        return left.bit_length() + right.bit_length()
    if operator == "+":
        return max(left.bit_length(), right.bit_length()) + 1
    return 0


_OPERATOR_NAMES = {"*": "乘法（*）", "**": "乘方（**）", "%": "格式化（%）", "+": "加法（+）"}
_CONCAT_NAME = "拼接（~）"


def _concat(join: Callable[[Iterable[Any]], str], pieces: tuple[Any, ...]) -> str:
    """`a ~ b ~ c`, refused before joining when the pieces are too long together."""
    if sum(_text_len(p) for p in pieces) > MAX_TEXT:
        raise TemplateFault("text", _CONCAT_NAME)
    return _charge(join(pieces), _CONCAT_NAME)


def _output(value: Any) -> Any:
    """A {{ }} value that is not a plain str: a list holding long strings prints long."""
    if not isinstance(value, str) and _weight(value, MAX_TEXT) > MAX_TEXT:
        raise TemplateFault("text", "列表")
    return value


class _Buffer(list):  # type: ignore[type-arg]
    """What a macro, call block or {% set %} block writes, kept within MAX_PART."""

    __slots__ = ("size",)

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def append(self, item: str) -> None:
        self.size += len(item)
        if self.size > MAX_PART:
            raise TemplateFault("output")
        super().append(item)

    def extend(self, items: Iterable[str]) -> None:
        items = tuple(items)
        self.size += sum(map(len, items))
        if self.size > MAX_PART:
            raise TemplateFault("output")
        super().extend(items)


def _join_limited(chunks: Iterable[str]) -> str:
    """Join rendered chunks one by one, refusing past MAX_PART before it is all in memory."""
    if isinstance(chunks, _Buffer):
        return "".join(chunks)  # counted as it was written
    out: list[str] = []
    append = out.append
    size, limit = 0, MAX_PART
    it = iter(chunks)
    while batch := list(islice(it, JOIN_BATCH)):  # counted a few at a time: a chunk costs no Python step
        size += sum(map(len, batch))
        if size > limit:
            raise TemplateFault("output")
        append("".join(batch))
    return "".join(out)


_TICK = f"{__name__}._tick"
_DICT_ATTRIBUTES = frozenset(dir(dict))


def _escape_text(s: str) -> str:
    """markupsafe's escape of a plain string, as a plain string."""
    return s.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("'", "&#39;").replace('"', "&#34;")


try:  # markupsafe's own C function for the above, when it has one that does exactly that
    from markupsafe._speedups import _escape_inner as _c_escape

    if _c_escape("<&'\">a") != _escape_text("<&'\">a"):  # pragma: no cover - another markupsafe
        raise ImportError
    _escape_str = _c_escape
except ImportError:  # pragma: no cover - markupsafe without speedups
    _escape_str = _escape_text


def _is_tick(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Call) and isinstance(node.node, nodes.ImportedName) and node.node.importname == _TICK


class _GuardedCodeGenerator(CodeGenerator):
    """Jinja's code generator, writing the guards into the template's Python. The tick is
    imported into the template module (visit_Template imports every ImportedName); the other
    guards are attributes of the environment, which every compiled function has at hand."""

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        if _is_tick(node):  # our own call: straight to the function, not through the sandbox
            self.write(f"{self.import_aliases[_TICK]}()")
        else:
            super().visit_Call(node, frame, forward_caller=forward_caller)

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.guard_buffer()")

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # Jinja's choice of join, unchanged (volatile included), passed to the size check.
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.guard_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    # {{ x }} becomes
    #   (environment.escape_str(dd_v) if (dd_v := x).__class__ is str else escape(environment.guard_output(dd_v))):
    # a plain string is escaped straight to text (markupsafe's escape would wrap it in a Markup
    # first: the same characters, twice the time), anything else is weighed before it is turned
    # into text. Under {% autoescape %} switches, Jinja's own choice of escape, with the same guard.
    @staticmethod
    def _plain_escape(frame: Frame, finalize: Any) -> bool:
        return frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._plain_escape(frame, finalize):
            self.write("(environment.escape_str(dd_v) if (dd_v := ")
            return
        super()._output_child_pre(node, frame, finalize)
        self.write("dd_v if (dd_v := ")

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if self._plain_escape(frame, finalize):
            self.write(").__class__ is str else escape(environment.guard_output(dd_v)))")
            return
        self.write(").__class__ is str else environment.guard_output(dd_v)")
        super()._output_child_post(node, frame, finalize)

    # a.b on a plain dict is a.get("b"), as the sandbox's getattr would find it after looking for
    # an attribute and failing (slowly: an exception each time); names that are attributes of
    # dict (items, keys …), other objects and missing keys go through the sandbox as before.
    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        if node.attr in _DICT_ATTRIBUTES or self.environment.is_async:
            super().visit_Getattr(node, frame)
            return
        self.write("(dd_a if (dd_o := ")
        self.visit(node.node, frame)
        self.write(f").__class__ is dict and (dd_a := dd_o.get({node.attr!r}, missing)) is not missing "
                   f"else environment.getattr(dd_o, {node.attr!r}))")


# Tags are numbered in order (variable and block tags, {% raw %} and {% endraw %}); _TagLexer
# gives every token its tag's number as its "line", so errors and nodes point at tags.
_TAG_OPEN = frozenset({"variable_begin", "block_begin"})
_TAG_CLOSE = frozenset({"variable_end", "block_end"})
_TAG_WHOLE = frozenset({"raw_begin", "raw_end"})


class _TagLexer(Lexer):
    """Jinja's lexer, numbering tokens by tag instead of by line."""

    def tokeniter(self, source: str, name: str | None, filename: str | None = None,
                  state: str | None = None) -> Iterator[tuple[int, str, str]]:
        tag = 0
        for _line, token, value in super().tokeniter(source, name, filename, state):
            if token in _TAG_OPEN or token in _TAG_WHOLE:
                tag += 1
            yield max(tag, 1), token, value


def tag_text(lexer: Lexer, source: str, number: int) -> str:
    """Tag `number` of `source` as written, whitespace tidied, shortened if very long."""
    pieces: list[str] = []
    inside = False
    for tag, token, value in lexer.tokeniter(source, None):
        if tag > number:
            break
        if tag < number:
            continue
        if token in _TAG_WHOLE:
            pieces = [value]
            break
        inside = inside or token in _TAG_OPEN
        if inside:
            pieces.append(value)
        if token in _TAG_CLOSE:
            break
    text = html.unescape(" ".join("".join(pieces).split()))
    return text if len(text) <= 80 else text[:77] + "…"


class GuardedTemplate(Template):
    """A compiled template whose every render runs under a budget and an output limit."""

    dutydocs_source: str | None = None  # the source, to name the tag of an error

    def render(self, *args: Any, **kwargs: Any) -> str:
        token = _BUDGET.set(_Budget()) if _BUDGET.get(None) is None else None
        try:
            xml = _join_limited(self.root_render_func(self.new_context(dict(*args, **kwargs))))
        finally:
            if token is not None:
                _BUDGET.reset(token)
        _check_listing(xml)  # docxtpl resolves tabs and line breaks after this
        return xml

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        yield self.render(*args, **kwargs)


class GuardedEnvironment(ImmutableSandboxedEnvironment):
    """The one Jinja environment of every render (see "the sandbox" above). Autoescape:
    catalogue text is data, never markup. Strict: a misspelt field is an error."""

    intercepted_binops = frozenset(_OPERATOR_NAMES)
    code_generator_class = _GuardedCodeGenerator
    template_class = GuardedTemplate

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self.globals["range"] = _guarded_range
        self.globals.pop("lipsum", None)
        self.filters = {name: _guard_filter(name, func) for name, func in self.filters.items()}
        self.concat = _join_limited  # type: ignore[assignment]  # macros, blocks, Template.render
        self.guard_buffer = _Buffer  # used by the code _GuardedCodeGenerator writes
        self.guard_concat = _concat
        self.guard_output = _output
        self.escape_str = _escape_str

    @functools.cached_property
    def lexer(self) -> Lexer:  # type: ignore[override]
        return _TagLexer(self)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse, then put a call of _tick at the top of every loop body, macro body and call block."""
        tree = super()._parse(source, name, filename)
        for node in list(tree.find_all((nodes.For, nodes.Macro, nodes.CallBlock))):
            tick = nodes.Call(nodes.ImportedName(_TICK, lineno=node.lineno), [], [], None, None, lineno=node.lineno)
            node.body.insert(0, nodes.ExprStmt(tick, lineno=node.lineno))
        tree.set_environment(self)
        return tree

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        template = super().from_string(source, globals, template_class)
        if isinstance(source, str):
            template.dutydocs_source = source
        return template

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return attr not in _UNSAFE_NAMES and super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        what = _OPERATOR_NAMES[operator]
        if _int_bits(operator, left, right) > MAX_INT_BITS:
            raise TemplateFault("number", what)
        if _binop_size(operator, left, right) > MAX_TEXT:
            raise TemplateFault("text", what)
        return _charge(self.binop_table[operator](left, right), what)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Calls from templates; methods of strings, numbers and dicts are checked for size."""
        name, owner = _method_of(obj)
        if not name:
            return super().call(context, obj, *args, **kwargs)  # macros, range(), dict(), cycler …
        predict = _METHOD_SIZES.get(name)
        if predict is not None:
            at = _METHOD_MATERIALIZE.get(name)
            if at is not None and len(args) > at and not isinstance(args[at], (list, tuple)):
                args = (*args[:at], list(args[at]), *args[at + 1:])
            try:
                size = predict(owner, *args, **kwargs)
            except (TypeError, ValueError, AttributeError):
                size = 0  # wrong arguments: the method itself will say so
            if size > MAX_TEXT:
                raise TemplateFault("text", f"「{name}()」")
        return _charge(super().call(context, obj, *args, **kwargs), f"「{name}()」")


def jinja_env() -> GuardedEnvironment:
    """A fresh guarded environment (see GuardedEnvironment)."""
    return GuardedEnvironment()


def _check_listing(xml: str) -> None:
    """docxtpl's resolve_listing turns each tab, line break, \\a and \\f inside text into runs
    that repeat the run's (and paragraph's) properties: refuse a part it would blow up."""
    if "\t" in xml or "\n" in xml or "\a" in xml or "\f" in xml:  # as in _postprocess: usually none
        _check_listing_growth(xml)


def _check_listing_growth(xml: str) -> None:
    n = xml.count("\t") + xml.count("\a") + xml.count("\f") + xml.count("\n") - xml.count("\n<w:p")
    if n <= 0 or len(xml) + n * (200 + 3 * len(xml)) <= MAX_PART:
        return
    longest = 0
    for pattern in (r"<w:rPr>.*?</w:rPr>", r"<w:pPr>.*?</w:pPr>"):
        longest += max((m.end() - m.start() for m in re.finditer(pattern, xml)), default=0)
    if len(xml) + n * (200 + 2 * longest) > MAX_PART:
        raise TemplateFault("output")


def _render_limited(template: Template, context: dict[str, Any]) -> str:
    """Render one part chunk by chunk within MAX_PART. The caller has started the budget."""
    return _join_limited(template.root_render_func(template.new_context(context)))


# What a render raises when the sandbox stops a template (its own mistakes are _TEMPLATE_ERRORS).
_FAULTS = (TemplateFault, SecurityError, RecursionError, MemoryError)


def _failing_tag(exc: BaseException) -> str:
    """The tag the innermost template frame of the traceback was running, as written. For a
    recursion, the tag most frames were running: the call that repeats (the innermost frame
    stops wherever the stack ran out)."""
    frames: list[tuple[Any, int]] = []
    tb = exc.__traceback__
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        if template is not None and getattr(template, "dutydocs_source", None):
            frames.append((template, template.get_corresponding_lineno(tb.tb_lineno)))
        tb = tb.tb_next
    if not frames:
        return ""
    if isinstance(exc, RecursionError):
        template, number = Counter(frames).most_common(1)[0][0]
    else:
        template, number = frames[-1]
    return tag_text(template.environment.lexer, template.dutydocs_source, number)


def _failing_source(exc: BaseException) -> str:
    """The source of the innermost template in the traceback ("" if none)."""
    source = ""
    tb = exc.__traceback__
    while tb is not None:
        template = tb.tb_frame.f_globals.get("__jinja_template__")
        source = getattr(template, "dutydocs_source", None) or source
        tb = tb.tb_next
    return source


def _security_fault(exc: SecurityError) -> TemplateFault:
    """Jinja's SecurityError, as the attribute it refused."""
    m = re.search(r"attribute '([^']*)'", str(exc))
    if m is None:
        return TemplateFault("uncallable")
    name = m.group(1)
    return TemplateFault("unsafe" if unsafe_name(name) else "mutate", name)


def fault_message(label: str, part: str, fault: TemplateFault, tag: str) -> str:
    """The clerk's message for a broken sandbox rule: which template, where, what to change."""
    where = f"模板「{label}」的{part_label(part)}"
    at = f"{where}中的标签 {tag} " if tag else f"{where}中"
    check = f"标签 {tag}" if tag else "其中的 {% for %} 和 {% macro %} 标签"
    detail = fault.detail
    messages = {
        "unsafe": f"{at}使用了「{detail}」，这是 Python 的内部属性，模板里不能使用（这种写法可以在生成文档时"
                  "执行任意程序，模板可能被人夹带了恶意代码）。请在 Word 里删除这个标签，"
                  "只用 README 模板变量表里列出的变量和字段。",
        "mutate": f"{at}调用了「{detail}」，它会修改目录数据，模板里不允许。请在 Word 里删除这个标签。",
        "uncallable": f"{at}调用了模板里不允许调用的函数。请在 Word 里删除这个标签。",
        "loops": f"{where}中循环次数超过上限（{MAX_ITERATIONS} 次），可能是无限循环或 range() 过大，请检查{check}。",
        "time": f"{where}生成超过 {MAX_SECONDS:g} 秒仍未完成，可能是循环或运算过多，请检查{check}。",
        "range": f"{at}里 range() 的数超过上限（最多 {MAX_RANGE} 个），请改小范围。",
        "text": f"{at}里的{detail}会生成超过上限（{MAX_TEXT} 个字符）的文字，可能是重复、填充或拼接了太多次，"
                "请改小其中的数字或删除这个标签。",
        "items": f"{at}里的{detail}会生成超过上限（{MAX_ITEMS} 项）的列表，请改小其中的数字或删除这个标签。",
        "number": f"{at}里的{detail}结果过大（超过 {MAX_INT_BITS} 位二进制数），请改小其中的数字。",
        "produced": f"{where}生成的文字累计超过上限（{MAX_PRODUCED} 个字符），可能是在循环里反复生成长文字，"
                    f"请检查{check}。",
        "output": f"{where}生成的内容超过上限（{MAX_PART // 1_000_000} MB），可能是循环或重复过多，请检查{check}。",
        "recursion": f"{where}中宏（macro）或递归循环的调用层次过深，可能是宏调用了自己而没有结束条件，"
                     f"请检查{check}。",
        "memory": f"{where}生成时内存不足，可能是生成的内容过大，请检查{check}。",
    }
    return messages[fault.kind] + "本模板的文档未生成。"


def _fault_problem(label: str, part: str, exc: BaseException) -> Problem:
    """A render stopped by the sandbox, as a Problem located at the template, part and tag."""
    if isinstance(exc, TemplateFault):
        fault = exc
    elif isinstance(exc, SecurityError):
        fault = _security_fault(exc)
    elif isinstance(exc, RecursionError):
        fault = TemplateFault("recursion")
    else:
        fault = TemplateFault("memory")
    return Problem(label, None, part_label(part), fault_message(label, part, fault, _failing_tag(exc)))


# Filters whose arguments name attributes: position of the name among the arguments.
_ATTRIBUTE_FILTERS = {"attr": 0, "selectattr": 0, "rejectattr": 0, "groupby": 0}


def _first_unsafe_by_tag(env: Environment, source: str, tree: nodes.Template) -> dict[int, str]:
    """For each tag with unsafe names, the one written first: one message per tag."""
    found: dict[int, list[str]] = {}
    for number, name in _unsafe_accesses(tree):
        found.setdefault(number, []).append(name)
    first = {}
    for number, names in sorted(found.items()):
        text = tag_text(env.lexer, source, number)
        first[number] = min(names, key=lambda n: text.find(n) if n in text else len(text))
    return first


def _unsafe_accesses(tree: nodes.Template) -> Iterator[tuple[int, str]]:
    """(tag number, name) of every unsafe attribute or item written out in the template: found
    before anything is rendered, in branches a dry run never takes too."""
    eval_ctx = EvalContext(tree.environment)

    def const(node: nodes.Node | None) -> Any:
        try:
            return node.as_const(eval_ctx) if isinstance(node, nodes.Expr) else None
        except Exception:  # not a constant (Impossible), or an error only a render can report
            return None

    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Call)):
        names: list[Any] = []
        if isinstance(node, nodes.Getattr):
            names.append(node.attr)
        elif isinstance(node, nodes.Getitem):
            names.append(const(node.arg))
        elif isinstance(node, nodes.Filter):
            at = _ATTRIBUTE_FILTERS.get(node.name)
            if at is not None and len(node.args) > at:
                names.append(const(node.args[at]))
            if node.name == "map" and len(node.args) > 1 and const(node.args[0]) == "attr":
                names.append(const(node.args[1]))
            names += [const(kw.value) for kw in node.kwargs if kw.key == "attribute"]
        elif isinstance(node.node, nodes.Getattr) and node.node.attr in ("format", "format_map"):
            with contextlib.suppress(TypeError, ValueError):  # not a constant, or not a format
                names += [field for _t, field, _s, _c in string.Formatter().parse(const(node.node.node)) if field]
        for name in names:
            if isinstance(name, str) and any(unsafe_name(p) for p in re.split(r"[.\[\]]", name) if p):
                yield node.lineno, name


# ---------------------------------------------------------------- preparing templates


@dataclass
class Part:
    """One templated XML part: the compiled Jinja and the fixed text around it."""

    name: str
    template: Any  # jinja2.Template
    prefix: str
    suffix: str
    source: str  # the patched XML, for variable analysis


@dataclass
class Prepared:
    path: Path
    label: str  # the template's file name, as messages name it
    digest: str  # sha256 of the template file: part of every document's input hash
    entries: list[ZipEntry]
    parts: dict[str, Part]
    fallback: str = ""  # why this template must go through plain docxtpl; "" = fast path
    variables: set[str] = field(default_factory=set)
    # Packed zip entries kept between documents: the template's own parts, and each rendered
    # part's last text with its compressed bytes (footers are the same in every document).
    _static: dict[str, tuple[bytes, bytes, bytes]] = field(default_factory=dict, repr=False, compare=False)
    _last: dict[str, tuple[str, tuple[bytes, bytes, bytes]]] = field(default_factory=dict, repr=False, compare=False)

    def render(self, context: dict[str, Any]) -> bytes:
        """The document; ProblemsError when the template breaks a rule of the sandbox or fails
        on this context."""
        if self.fallback:
            return render_docxtpl(self.path, context, self.label)
        pieces = []
        token = _BUDGET.set(_Budget())  # one budget for all parts of the document
        try:
            for entry in self.entries:
                part = self.parts.get(entry.name)
                if part is None:  # the template's own bytes, packed once
                    piece = self._static.get(entry.name)
                    if piece is None:
                        piece = self._static[entry.name] = _pieces(entry)
                    pieces.append(piece)
                    continue
                try:
                    xml = _postprocess(_render_limited(part.template, context))
                except _RENDER_ERRORS as exc:
                    problem = _render_problem(self.label, entry.name, context, exc, self.sources())
                    raise ProblemsError([problem]) from None
                raw = part.prefix + xml + part.suffix
                last = self._last.get(entry.name)
                if last is not None and last[0] == raw:  # a footer rendered as for the document before
                    pieces.append(last[1])
                    continue
                piece = _pieces(ZipEntry.deflate(entry.name, raw.encode("utf-8")))
                self._last[entry.name] = (raw, piece)
                pieces.append(piece)
        finally:
            _BUDGET.reset(token)
        return _assemble(pieces)

    def sources(self) -> list[str]:
        """The patched XML of each part: where a misspelt field is looked up to quote it."""
        return [part.source for part in self.parts.values()]


_TAG = re.compile(r"{[{%#]")


def _postprocess(xml: str) -> str:
    """What docxtpl's render_xml_part does after Jinja, in the same order, skipping the passes
    that cannot change anything. (docxtpl also puts a newline before each <w:p> for Jinja's
    error line numbers and takes it out again; we compile without it, see _compile.)"""
    # Single-character tests first: they run at memchr speed on a long document.
    if ("{" in xml or "}" in xml) and ("{_" in xml or "_}" in xml):
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if "\t" in xml or "\a" in xml or "\f" in xml:
        _check_listing_growth(xml)
        xml = _DOCXTPL.resolve_listing(xml)
    elif "\n" in xml:  # line breaks only: what resolve_listing does, to the texts that hold one
        if len(xml) + xml.count("\n") * len(_BREAK) > MAX_PART:  # each grows by a <w:br/> at most
            raise TemplateFault("output")
        xml = _TEXT_WITH_BREAK.sub(lambda m: m.group(0).replace("\n", _BREAK), xml)
    return xml


# docxtpl's resolve_listing walks every paragraph, run and text of the part to turn a "\n" in a
# text into a line break, tripling a document's render time; a "\n" only ever changes the <w:t>
# that holds it, and a text holds no "<". tests/test_render.py compares both.
_TEXT_WITH_BREAK = re.compile(r"<w:t(?: [^>]*)?>[^<]*\n[^<]*</w:t>")
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'


def render_docxtpl(path: Path, context: dict[str, Any], label: str | None = None) -> bytes:
    """The reference path: plain docxtpl (in the same sandbox), then fixed zip timestamps.
    ProblemsError when the template breaks a rule of the sandbox or fails on this context."""
    tpl = DocxTemplate(str(path))
    token = _BUDGET.set(_Budget())
    try:
        tpl.render(context, jinja_env=jinja_env())
    except _RENDER_ERRORS as exc:
        raise ProblemsError([_render_problem(label or path.name, _docxtpl_part(tpl, exc), context, exc)]) from None
    finally:
        _BUDGET.reset(token)
    buf = io.BytesIO()
    tpl.save(buf)
    return normalize_zip(buf.getvalue())


def _docxtpl_part(tpl: DocxTemplate, exc: BaseException) -> str:
    """The part docxtpl was rendering when it failed: it notes body, headers and footers, but
    not the document properties, which render_properties renders last."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == "render_properties":
            return "docProps/core.xml"
        tb = tb.tb_next
    part = getattr(tpl, "current_rendering_part", None)
    return str(part.partname).lstrip("/") if part is not None else "word/document.xml"


def _rels(entries: dict[str, ZipEntry], part: str) -> list[tuple[str, str]]:
    """(type, target part name) of a part's relationships."""
    p = PurePosixPath(part)
    rels_name = str(p.parent / "_rels" / (p.name + ".rels")) if str(p.parent) != "." else f"_rels/{p.name}.rels"
    entry = entries.get(rels_name)
    if entry is None:
        return []
    raw = inflate(entry)
    out = []
    for rel in etree.fromstring(raw).iter(f"{NS_REL}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        full = target.lstrip("/") if target.startswith("/") else str(PurePosixPath(p.parent) / target)
        out.append((rel.get("Type", ""), _normpath(full)))
    return out


def _normpath(path: str) -> str:
    parts: list[str] = []
    for bit in path.split("/"):
        if bit == "..":
            if parts:
                parts.pop()
        elif bit not in ("", "."):
            parts.append(bit)
    return "/".join(parts)


def inflate(entry: ZipEntry) -> bytes:
    return zlib.decompress(entry.data, -15) if entry.method == zipfile.ZIP_DEFLATED else entry.data


_JINJA_MESSAGES = [
    (re.compile(r"innermost block that needs to be closed is '(\w+)'"),
     lambda m: f"{{% {m.group(1)} %}} 没有结束，缺少 {{% end{m.group(1)} %}}"),
    (re.compile(r"unexpected '}'"), lambda m: "多了一个“}”，或 {{ 没有用 }} 结束"),
    (re.compile(r"expected 'end of print statement'"), lambda m: "{{ 没有用 }} 结束"),
    (re.compile(r"expected 'end of statement block'"), lambda m: "{% 没有用 %} 结束"),
    (re.compile(r"Encountered unknown tag '(\w+)'"), lambda m: f"不认识的标签「{m.group(1)}」，或它前面缺少对应的开头标签"),
    (re.compile(r"unexpected end of template"), lambda m: "标签没有结束"),
    (re.compile(r"unexpected char '(.)'"), lambda m: f"标签里有不能用的字符「{m.group(1)}」"),
]


def _jinja_problem(message: str) -> str:
    """Jinja's English, said in Chinese; anything unforeseen gets a general hint, not English."""
    for pattern, say in _JINJA_MESSAGES:
        m = pattern.search(message)
        if m:
            return say(m)
    return "标签不成对或写法不对"


def part_label(name: str) -> str:
    """What a clerk calls a part of a Word file."""
    base = PurePosixPath(name).name
    for prefix, label in (("document", "正文"), ("header", "页眉"), ("footer", "页脚"), ("footnotes", "脚注"),
                          ("core", "文档属性")):
        if base.startswith(prefix):
            return label
    return name


def _compile(env: Environment, source: str, label: str, part: str) -> tuple[Any, list[Problem], set[str]]:
    """Parse a patched part, refuse unsafe names in it, compile it: (template, problems, variables).
    Compiled without docxtpl's newline before each <w:p>: the newlines only serve error line
    numbers and are removed after rendering, so the output is the same."""
    too_deep = Problem(label, None, part_label(part), "模板中有标签嵌套过深或过长（如括号套括号），无法处理。"
                       "请在 Word 里简化这一处的 {{ }} 或 {% %}。")
    try:
        tree = env.parse(source)
    except TemplateSyntaxError:
        return None, [_syntax_problem(source, label, part)], set()
    except (RecursionError, MemoryError):  # Jinja's parser gave up
        return None, [too_deep], set()
    unsafe = [Problem(label, None, part_label(part), fault_message(label, part, TemplateFault("unsafe", name),
                                                                    tag_text(env.lexer, source, number)))
              for number, name in _first_unsafe_by_tag(env, source, tree).items()]
    if unsafe:
        return None, unsafe, set()
    # Both steps below fold constants in the tree (in place), hence after the check above.
    try:
        variables = meta.find_undeclared_variables(tree)
        template = env.from_string(tree)
    except TemplateSyntaxError as exc:  # found by the compiler, e.g. assigning to `loop`
        tag = tag_text(env.lexer, source, exc.lineno or 1)
        return None, [Problem(label, None, part_label(part), f"模板标签写法有误（{_jinja_problem(exc.message or '')}），"
                              f"出错的标签：{tag}。请在 Word 里检查这个标签。")], set()
    except (RecursionError, SyntaxError, MemoryError):  # Python's compiler gave up
        return None, [too_deep], set()
    except _RENDER_ERRORS:  # folding a constant failed, e.g. (0.x and y): a render would fail the same way
        return None, [Problem(label, None, part_label(part), "模板标签写法有误：有的标签对固定的数字或文字取了不存在的字段。"
                              "请在 Word 里检查 {{ }} 和 {% %} 中的写法。")], set()
    template.dutydocs_source = source
    return template, [], variables


def _syntax_problem(source: str, label: str, part: str) -> Problem:
    """Where a tag is broken, said with the text around it: the part parsed again, with a line
    per paragraph (by a plain Environment: only parsed, never run; ours numbers tags, not lines)."""
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
    try:
        Environment().parse(source)
    except TemplateSyntaxError as exc:
        lines = source.splitlines()
        near = ""
        if exc.lineno and 0 < exc.lineno <= len(lines):
            near = re.sub(r"<[^>]+>", "", lines[exc.lineno - 1])[:60]
        where = f"，出错处附近的文字：「{near}」" if near.strip() else ""
        return Problem(label, None, part_label(part), f"模板标签写法有误（{_jinja_problem(exc.message or '')}）{where}。"
                       "请在 Word 里检查这一处的 {{ }} 或 {% %} 是否成对、拼写是否正确。")
    except (RecursionError, MemoryError):
        pass
    return Problem(label, None, part_label(part), "模板标签写法有误。请在 Word 里检查 {{ }} 和 {% %} 是否成对、拼写是否正确。")


def _tables_consistent(body: etree._Element) -> bool:
    """docxtpl's fix_tables changes nothing when every row fills exactly the table grid."""
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for tbl in body.iter(f"{ns}tbl"):
        grid = tbl.find(f"{ns}tblGrid")
        cols = len(grid.findall(f"{ns}gridCol")) if grid is not None else 0
        for tr in tbl.iter(f"{ns}tr"):
            span = 0
            for tc in tr.findall(f"{ns}tc"):
                gs = tc.find(f"{ns}tcPr/{ns}gridSpan")
                span += int(gs.get(f"{ns}val")) if gs is not None else 1
            if span != cols:
                return False
    return True


def prepare(path: Path, label: str | None = None) -> tuple[Prepared | None, list[Problem]]:
    """Read and compile a template once; problems (not a docx, bad tags) instead of exceptions."""
    label = label or path.name
    try:
        raw = path.read_bytes()
        entries = read_entries(raw)
    except (OSError, zipfile.BadZipFile, zlib.error, struct.error, ValueError) as exc:
        kind = "无法读取" if isinstance(exc, OSError) else "不是有效的 Word 文档（.docx）"
        return None, [Problem(label, None, "", f"模板{kind}。请在 Word 里打开它，另存为“Word 文档（*.docx）”后再用。")]
    by_name = {e.name: e for e in entries}
    main = next((t for kind, t in _root_rels(by_name) if kind == REL_OFFICE_DOC), None)
    if main is None or main not in by_name:
        return None, [Problem(label, None, "", "模板不是有效的 Word 文档（缺少正文部分）。请在 Word 里另存为 .docx 后再用。")]
    env = jinja_env()
    prepared = Prepared(path, label, hashlib.sha256(raw).hexdigest(), entries, {})
    problems: list[Problem] = []
    try:
        root = parse_xml(inflate(by_name[main]))
    except etree.XMLSyntaxError:
        return None, [Problem(label, None, "", "模板的正文 XML 已损坏。请在 Word 里打开并另存为 .docx。")]
    body = root.find(W_BODY)
    if body is None:
        return None, [Problem(label, None, "", "模板没有正文。")]
    body_xml = _DOCXTPL.patch_xml(etree.tostring(body, encoding="unicode"))
    marker = etree.Comment("dutydocs-body")
    root.replace(body, marker)
    whole = etree.tostring(root, encoding="UTF-8", standalone=True).decode("utf-8")
    prefix, suffix = whole.split("<!--dutydocs-body-->")
    root.replace(marker, body)
    sources = {main: (prefix, body_xml, suffix)}
    for kind, target in _rels(by_name, main):
        if kind in (REL_HEADER, REL_FOOTER, REL_FOOTNOTES) and target in by_name:
            text = etree.tostring(parse_xml(inflate(by_name[target])), encoding="unicode")
            if not _TAG.search(text):
                continue  # nothing to render: the template's own bytes are the result
            sources[target] = ("", _DOCXTPL.patch_xml(text), "")
    for name, (pre, src, post) in sources.items():
        template, found, variables = _compile(env, src, label, name)
        problems += found
        prepared.variables |= variables
        if template is not None:
            prepared.parts[name] = Part(name, template, pre, post, src)
    core = by_name.get("docProps/core.xml")
    core_tags = core is not None and re.search(rb"{{|{%", inflate(core)) is not None
    if core_tags:
        found, variables = _core_problems(env, path, label)
        problems += found
        prepared.variables |= variables
    if problems:
        return None, problems
    reasons = [why for pattern, why in _UNSUPPORTED if any(pattern.search(p.source) for p in prepared.parts.values())]
    if core_tags:
        reasons.append("文档属性中的标签")
    if not _tables_consistent(body):
        reasons.append("列数不一致的表格")
    prepared.fallback = "、".join(reasons)
    if not prepared.fallback:
        _fix_core_properties(prepared, env)
    return prepared, []


_CORE_PROPS = ("author", "comments", "identifier", "language", "subject", "title")  # as docxtpl renders them


def _core_problems(env: Environment, path: Path, label: str) -> tuple[list[Problem], set[str]]:
    """Tags in the document properties (rendered by docxtpl, one template each), checked like a
    part: (problems, variables)."""
    from docx import Document

    props = Document(str(path)).core_properties
    problems: list[Problem] = []
    variables: set[str] = set()
    for name in _CORE_PROPS:
        source = getattr(props, name) or ""
        if _TAG.search(source):
            _template, found, used = _compile(env, source, label, "docProps/core.xml")
            problems += found
            variables |= used
    return problems, variables


def _fix_core_properties(prepared: Prepared, env: Environment) -> None:
    """docxtpl re-renders some core properties (writing empty ones out); without tags the
    result does not depend on the context, so it is computed once here, the same way."""
    from docx import Document

    doc = Document(str(prepared.path))
    props = doc.core_properties
    for name in _CORE_PROPS:
        setattr(props, name, env.from_string(getattr(props, name)).render({}))
    part = doc.part.package._core_properties_part
    for i, entry in enumerate(prepared.entries):
        if entry.name == str(part.partname).lstrip("/"):
            prepared.entries[i] = ZipEntry.deflate(entry.name, part.blob)


def _root_rels(by_name: dict[str, ZipEntry]) -> list[tuple[str, str]]:
    entry = by_name.get("_rels/.rels")
    if entry is None:
        return []
    out = []
    for rel in etree.fromstring(inflate(entry)).iter(f"{NS_REL}Relationship"):
        out.append((rel.get("Type", ""), _normpath(rel.get("Target", "").lstrip("/"))))
    return out


def _keys(value: Any, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        out.update(value)
        for v in value.values():
            _keys(v, out)
    elif isinstance(value, list):
        for v in value:
            _keys(v, out)
    return out


def _undefined_problem(label: str, sources: Iterable[str], context: dict[str, Any], message: str) -> Problem | None:
    """'dict object' has no attribute 'txt' -> the expression d.txt, and d.text as the near miss;
    None when the message names no field (e.g. a macro called without `caller`)."""
    m = re.search(r"has no attribute '([^']+)'", message) or re.search(r"'([^']+)' is undefined", message)
    if m is None:
        return None
    attr = m.group(1)
    expr = attr
    for source in sources:
        found = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(attr)}\b", source) if attr else None
        if found:
            expr = f"{found.group(1)}.{attr}"
            break
    near = closest(attr, _keys(context, set()))
    hint = f"是不是想写「{expr[: len(expr) - len(attr)]}{near}」？" if near else ""
    return Problem(label, None, expr, f"模板引用了不存在的字段「{expr}」。{hint}请对照 README 里的模板变量表改正拼写。")


# What a template can make a render raise besides the sandbox's refusals: its own mistakes
# (a misspelt field, 1/0, a filter given the wrong kind of value). Reported, never a traceback.
_TEMPLATE_ERRORS = (TemplateError, TypeError, ValueError, AttributeError, ArithmeticError, LookupError, RuntimeError)
_RENDER_ERRORS = _FAULTS + _TEMPLATE_ERRORS


def _render_problem(label: str, part: str, context: dict[str, Any], exc: BaseException,
                    sources: Iterable[str] = ()) -> Problem:
    """Why rendering a part failed, as a clerk's message naming the template and, when known, the tag."""
    if isinstance(exc, _FAULTS):
        return _fault_problem(label, part, exc)
    if isinstance(exc, UndefinedError):
        problem = _undefined_problem(label, [*sources, _failing_source(exc)], context, exc.message or "")
        if problem is not None:
            return problem
    tag = _failing_tag(exc)
    at = f"标签 {tag} " if tag else "标签"
    if isinstance(exc, TemplateError):
        return Problem(label, None, "", f"模板无法渲染：{at}写法有误。请检查 {{{{ }}}} 和 {{% %}} 是否成对、变量名是否正确。")
    return Problem(label, None, "", f"模板无法渲染：{at}的用法与数据不符（{type(exc).__name__}）。"
                   "请检查循环和条件标签的写法。")


def dry_run(prepared: Prepared, context: dict[str, Any], provided: set[str]) -> list[Problem]:
    """Before any file is written: unknown variables, fields that do not exist, and templates the
    sandbox stops, by template; rendered under the same limits as the real documents."""
    problems = []
    for name in sorted(prepared.variables - provided):
        hint = suggest(name, provided)
        problems.append(Problem(prepared.label, None, name,
                                f"模板使用了目录不提供的变量「{name}」。{hint}这个模板可用的变量：{'、'.join(sorted(provided))}。"))
    if problems:
        return problems
    if prepared.fallback:
        try:
            render_docxtpl(prepared.path, context, prepared.label)
        except ProblemsError as exc:
            return exc.problems
        return []
    token = _BUDGET.set(_Budget())
    try:
        for name, part in prepared.parts.items():
            try:
                _check_listing(_render_limited(part.template, context))
            except _RENDER_ERRORS as exc:
                return [_render_problem(prepared.label, name, context, exc, prepared.sources())]
    finally:
        _BUDGET.reset(token)
    return []
