"""Print bundles: all documents of one kind in one .docx, each its own section.

All documents of a kind come from one template, so they share styles, numbering and settings.
The bundle is the first document's package with a body made of every document's body, each
ending in a copy of its own section properties: a new page (or, for duplex printing, an odd
page), page numbers restarting at 1, its own headers and footers. This is what docxcompose
cannot do (its issue #67: appended headers and footers are dropped) and it stays linear in the
number of documents. Bodies are read and compressed one document at a time.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .contexts import kind_of, plan
from .errors import Problem, ProblemsError
from .main import Loaded
from .output import atomic_write, doc_path
from .pdf import PdfResult, convert
from .render import REL_FOOTER, REL_HEADER, ZipEntry, inflate, read_entries, write_zip

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
HF_TYPES = {REL_HEADER: "header", REL_FOOTER: "footer"}
HF_CONTENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"
BUNDLE_FOLDER = "合订本"
# Children of w:sectPr that must come before w:type / w:pgNumType (ECMA-376 order).
_BEFORE_TYPE = {"headerReference", "footerReference", "footnotePr", "endnotePr"}
_BEFORE_PGNUM = _BEFORE_TYPE | {"type", "pgSz", "pgMar", "paperSrc", "pgBorders", "lnNumType"}


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@dataclass
class Bundle:
    kind: str
    path: Path
    parts: list[Path]
    duplex: bool

    @property
    def documents(self) -> int:
        return len(self.parts)


def _set_section(sect: etree._Element, duplex: bool) -> None:
    """Each document starts a new (odd) page and numbers its pages from 1."""
    for tag, before, attrs in (("type", _BEFORE_TYPE, {w("val"): "oddPage" if duplex else "nextPage"}),
                               ("pgNumType", _BEFORE_PGNUM, {w("start"): "1"})):
        el = sect.find(w(tag))
        if el is None:
            el = etree.Element(w(tag))
            pos = 0
            for i, child in enumerate(sect):
                if etree.QName(child).localname in before:
                    pos = i + 1
            sect.insert(pos, el)
        for k, v in attrs.items():
            el.set(k, v)


class _Package:
    """The first document's package, growing the header/footer parts that later ones need."""

    def __init__(self, first: Path):
        self.entries = read_entries(first)
        self.by_name = {e.name: e for e in self.entries}
        self.rels = etree.fromstring(inflate(self.by_name["word/_rels/document.xml.rels"]))
        self.types = etree.fromstring(inflate(self.by_name["[Content_Types].xml"]))
        self.parts: dict[bytes, str] = {}  # header/footer bytes -> rId already in the bundle
        for rel in self.rels:
            if rel.get("Type") in HF_TYPES:
                self.parts[inflate(self.by_name["word/" + rel.get("Target")])] = rel.get("Id")
        self.added = 0

    def rid_for(self, kind: str, data: bytes) -> str:
        """The bundle's relationship id for this header/footer content, adding a part if new."""
        if data in self.parts:
            return self.parts[data]
        self.added += 1
        name = f"{kind}_b{self.added}.xml"
        rid = f"rIdBundle{self.added}"
        etree.SubElement(self.rels, f"{{{PKG_REL}}}Relationship", Id=rid, Type=next(
            t for t, k in HF_TYPES.items() if k == kind), Target=name)
        etree.SubElement(self.types, f"{{{CT}}}Override", PartName=f"/word/{name}",
                         ContentType=HF_CONTENT.format(kind))
        self.entries.append(ZipEntry.deflate(f"word/{name}", data))
        self.parts[data] = rid
        return rid


def _body(path: Path, package: _Package, duplex: bool, last: bool) -> tuple[str, str]:
    """(body content ending in its section break, final sectPr text if this is the last document)."""
    entries = {e.name: e for e in read_entries(path)}
    rels = etree.fromstring(inflate(entries["word/_rels/document.xml.rels"]))
    targets = {r.get("Id"): (HF_TYPES[r.get("Type")], r.get("Target")) for r in rels if r.get("Type") in HF_TYPES}
    root = etree.fromstring(inflate(entries["word/document.xml"]))
    body = root.find(w("body"))
    sect = body.find(w("sectPr"))
    if sect is None:
        raise ValueError(f"{path.name}: no section properties")
    for ref in sect:
        rid = ref.get(f"{{{R}}}id")
        if rid in targets:
            kind, target = targets[rid]
            ref.set(f"{{{R}}}id", package.rid_for(kind, inflate(entries["word/" + target])))
    _set_section(sect, duplex)
    body.remove(sect)
    if not last:
        # The section ends with this document's last paragraph; a table at the end needs one more.
        tail = body[-1] if len(body) else None
        if tail is None or tail.tag != w("p"):
            tail = etree.SubElement(body, w("p"))
        ppr = tail.find(w("pPr"))
        if ppr is None:
            ppr = etree.Element(w("pPr"))
            tail.insert(0, ppr)
        change = ppr.find(w("pPrChange"))
        (change.addprevious if change is not None else ppr.append)(sect)
    text = etree.tostring(body, encoding="unicode")
    inner = text[text.index(">") + 1: text.rindex("</w:body>")]
    final = etree.tostring(sect, encoding="unicode") if last else ""
    return inner, final


def bundle_docs(paths: list[Path], duplex: bool = False) -> bytes:
    """One .docx holding every document in `paths`, in order, each in its own section."""
    package = _Package(paths[0])
    doc_xml = inflate(package.by_name["word/document.xml"]).decode("utf-8")
    head = doc_xml[: re.search(r"<w:body\b[^>]*>", doc_xml).end()]
    tail = "</w:body></w:document>"

    def chunks() -> Iterator[bytes]:
        yield head.encode("utf-8")
        for i, path in enumerate(paths):
            inner, final = _body(path, package, duplex, i == len(paths) - 1)
            yield inner.encode("utf-8")
            if final:
                yield _strip_ns(final).encode("utf-8")
        yield tail.encode("utf-8")

    document = ZipEntry.deflate_chunks("word/document.xml", chunks())
    out = []
    for entry in package.entries:
        if entry.name == "word/document.xml":
            out.append(document)
        elif entry.name == "word/_rels/document.xml.rels":
            out.append(ZipEntry.deflate(entry.name, etree.tostring(package.rels, xml_declaration=True,
                                                                   encoding="UTF-8", standalone=True)))
        elif entry.name == "[Content_Types].xml":
            out.append(ZipEntry.deflate(entry.name, etree.tostring(package.types, xml_declaration=True,
                                                                   encoding="UTF-8", standalone=True)))
        else:
            out.append(entry)
    return write_zip(out)


def _strip_ns(xml: str) -> str:
    """A detached element carries xmlns declarations the document root already has: drop them."""
    return re.sub(r'^(<w:sectPr)(?: xmlns:\w+="[^"]*")+', r"\1", xml)


def make_bundles(loaded: Loaded, out: Path, kinds: tuple[str, ...], duplex: bool = False) -> list[Bundle]:
    """A bundle per kind that has documents in `out`, in index order."""
    bundles = []
    for kind in kinds:
        if not kind_of(kind).bundled:
            continue  # one document already
        paths = [out / doc_path(spec, loaded.org) for spec in plan(loaded.org, (kind,))]
        missing = [p for p in paths if not p.is_file()]
        if missing:
            raise ProblemsError([Problem(str(p), None, "", "合订本需要的文档不存在，请先运行 dutydocs build 生成。")
                                 for p in missing[:5]])
        if not paths:
            continue
        suffix = "（双面）" if duplex else ""
        target = out / BUNDLE_FOLDER / f"{kind_of(kind).folder}合订本{suffix}.docx"
        atomic_write(target, bundle_docs(paths, duplex))
        bundles.append(Bundle(kind, target, paths, duplex))
    return bundles


def bundle_pdfs(bundles: list[Bundle], out_dir: Path, base: Path) -> PdfResult:
    """PDFs of the bundles, in one LibreOffice run.

    For Word, a duplex bundle starts each document with an odd-page section break. LibreOffice
    mishandles that with odd/even footers (the second page loses its number) but by itself puts
    every restarted page 1 on a right-hand page; so the PDF is made from the plain bundle with
    LibreOffice's blank pages kept, which gives the same pages with every footer in place.
    """
    with tempfile.TemporaryDirectory(prefix="dutydocs-bundle-") as tmp:
        sources = []
        for i, b in enumerate(bundles):
            if b.duplex:
                plain = Path(tmp) / f"{i}.docx"
                plain.write_bytes(bundle_docs(b.parts, duplex=False))
                sources.append(plain)
            else:
                sources.append(b.path)
        targets = [out_dir / b.path.relative_to(base).with_suffix(".pdf") for b in bundles]
        return convert(sources, out_dir, targets=targets, keep_blank_pages=any(b.duplex for b in bundles))

