"""Templates in, bytes out.

A `.docx` template is prepared once: docxtpl's own XML preprocessing (`patch_xml`) is applied to
every part that can hold tags (body, headers, footers, footnotes), the Jinja is compiled, and
every other part is kept as the already-compressed bytes of the template's zip. Rendering a
document then renders only the templated parts, deflates them and writes a zip with fixed
timestamps, so the same inputs always give the same bytes. Templates using features this path
does not reproduce (pictures, column tags, merged-cell tags, tags in the core properties) are
rendered with plain docxtpl instead, and the caller is told once.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import TemplateError, UndefinedError
from lxml import etree

from .errors import Problem, closest, suggest

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


def jinja_env() -> Environment:
    """Autoescape: catalogue text is data, never markup. Strict: a misspelt field is an error."""
    return Environment(autoescape=True, undefined=StrictUndefined)


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
    def deflate_chunks(cls, name: str, chunks: Iterable[bytes]) -> ZipEntry:
        """Deflate a part given piece by piece, so a large one never sits in memory uncompressed."""
        comp = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        out, crc, size = [], 0, 0
        for chunk in chunks:
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            out.append(comp.compress(chunk))
        out.append(comp.flush())
        return cls(name, zipfile.ZIP_DEFLATED, crc, size, b"".join(out))


def write_zip(entries: list[ZipEntry]) -> bytes:
    """A plain zip with fixed dates and no extras: deterministic, and it reuses compressed bytes."""
    out = io.BytesIO()
    central = []
    for e in entries:
        name = e.name.encode("utf-8")
        flags = 0x800 if not e.name.isascii() else 0
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, e.method, _DOS_TIME, _DOS_DATE,
                              e.crc, len(e.data), e.size, len(name), 0))
        out.write(name)
        out.write(e.data)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, e.method, _DOS_TIME, _DOS_DATE,
                                   e.crc, len(e.data), e.size, len(name), 0, 0, 0, 0, 0o644 << 16, offset) + name)
    start = out.tell()
    for c in central:
        out.write(c)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), size, start, 0))
    return out.getvalue()


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

    def render(self, context: dict[str, Any]) -> bytes:
        if self.fallback:
            return render_docxtpl(self.path, context)
        entries = []
        for entry in self.entries:
            part = self.parts.get(entry.name)
            if part is None:
                entries.append(entry)
                continue
            xml = _postprocess(part.template.render(context))
            entries.append(ZipEntry.deflate(entry.name, (part.prefix + xml + part.suffix).encode("utf-8")))
        return write_zip(entries)


_TAG = re.compile(r"{[{%#]")


def _postprocess(xml: str) -> str:
    """What docxtpl's render_xml_part does after Jinja, in the same order, skipping the passes
    that cannot change anything. (docxtpl also puts a newline before each <w:p> for Jinja's
    error line numbers and takes it out again; we compile without it, see _compile.)"""
    # Single-character tests first: they run at memchr speed on a long document.
    if ("{" in xml or "}" in xml) and ("{_" in xml or "_}" in xml):
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if "\t" in xml or "\n" in xml or "\a" in xml or "\f" in xml:
        xml = _DOCXTPL.resolve_listing(xml)
    return xml


def render_docxtpl(path: Path, context: dict[str, Any]) -> bytes:
    """The reference path: plain docxtpl, then fixed zip timestamps."""
    tpl = DocxTemplate(str(path))
    tpl.render(context, jinja_env=jinja_env())
    buf = io.BytesIO()
    tpl.save(buf)
    return normalize_zip(buf.getvalue())


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
    for prefix, label in (("document", "正文"), ("header", "页眉"), ("footer", "页脚"), ("footnotes", "脚注")):
        if base.startswith(prefix):
            return label
    return name


def _compile(env: Environment, source: str, label: str, part: str) -> tuple[Any, Problem | None]:
    """Compile a patched part. Without docxtpl's newline before each <w:p>: the newlines only
    serve error line numbers and are removed after rendering, so the output is the same."""
    try:
        return env.from_string(source), None
    except TemplateSyntaxError:
        pass
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)  # again with lines, to say where
    try:
        env.from_string(source)
    except TemplateSyntaxError as exc:
        lines = source.splitlines()
        near = ""
        if exc.lineno and 0 < exc.lineno <= len(lines):
            near = re.sub(r"<[^>]+>", "", lines[exc.lineno - 1])[:60]
        where = f"，出错处附近的文字：「{near}」" if near.strip() else ""
        return None, Problem(label, None, part_label(part),
                             f"模板标签写法有误（{_jinja_problem(exc.message or '')}）{where}。"
                             "请在 Word 里检查这一处的 {{ }} 或 {% %} 是否成对、拼写是否正确。")
    return env.from_string(source), None  # unreachable in practice: the same source failed above


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
        template, problem = _compile(env, src, label, name)
        if problem:
            problems.append(problem)
            continue
        prepared.parts[name] = Part(name, template, pre, post, src)
        prepared.variables |= meta.find_undeclared_variables(env.parse(src))
    if problems:
        return None, problems
    core = by_name.get("docProps/core.xml")
    reasons = [why for pattern, why in _UNSUPPORTED if any(pattern.search(p.source) for p in prepared.parts.values())]
    if core is not None and re.search(rb"{{|{%", inflate(core)):
        reasons.append("文档属性中的标签")
    if not _tables_consistent(body):
        reasons.append("列数不一致的表格")
    prepared.fallback = "、".join(reasons)
    if not prepared.fallback:
        _fix_core_properties(prepared, env)
    return prepared, []


_CORE_PROPS = ("author", "comments", "identifier", "language", "subject", "title")  # as docxtpl renders them


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


def _undefined_problem(prepared: Prepared, context: dict[str, Any], message: str) -> Problem:
    """'dict object' has no attribute 'txt' -> the expression d.txt, and d.text as the near miss."""
    m = re.search(r"has no attribute '([^']+)'", message) or re.search(r"'([^']+)' is undefined", message)
    attr = m.group(1) if m else ""
    expr = attr
    for part in prepared.parts.values():
        found = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(attr)}\b", part.source) if attr else None
        if found:
            expr = f"{found.group(1)}.{attr}"
            break
    near = closest(attr, _keys(context, set()))
    hint = f"是不是想写「{expr[: len(expr) - len(attr)]}{near}」？" if near else ""
    return Problem(prepared.label, None, expr, f"模板引用了不存在的字段「{expr}」。{hint}请对照 README 里的模板变量表改正拼写。")


def dry_run(prepared: Prepared, context: dict[str, Any], provided: set[str]) -> list[Problem]:
    """Before any file is written: unknown variables, and fields that do not exist, by template."""
    problems = []
    for name in sorted(prepared.variables - provided):
        hint = suggest(name, provided)
        problems.append(Problem(prepared.label, None, name,
                                f"模板使用了目录不提供的变量「{name}」。{hint}这个模板可用的变量：{'、'.join(sorted(provided))}。"))
    if problems:
        return problems
    try:
        if prepared.fallback:
            render_docxtpl(prepared.path, context)
        else:
            for part in prepared.parts.values():
                part.template.render(context)
    except UndefinedError as exc:
        problems.append(_undefined_problem(prepared, context, exc.message or ""))
    except TemplateError:
        problems.append(Problem(prepared.label, None, "", "模板无法渲染：标签写法有误。请检查 {{ }} 和 {% %} 是否成对、变量名是否正确。"))
    except (TypeError, ValueError, AttributeError) as exc:
        problems.append(Problem(prepared.label, None, "", f"模板无法渲染：标签的用法与数据不符（{type(exc).__name__}）。"
                                "请检查循环和条件标签的写法。"))
    return problems
