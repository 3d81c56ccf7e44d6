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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .contexts import DocSpec, kind_of, plan
from .errors import Problem, ProblemsError
from .main import Loaded
from .org import Organisation
from .output import PDF_FOLDER, atomic_write, doc_path
from .pdf import BundlePdf, Doc, LibreOffice, PdfResult, convert_documents
from .render import DEFLATE_LEVEL, REL_FOOTER, REL_HEADER, ZipEntry, inflate, read_entries, write_zip

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
BOOKMARK_IDS = 900_000_000  # ids of the bookmarks added for the PDF, above any a template has


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


def _body(path: Path, package: _Package, duplex: bool, last: bool, mark: str = "", number: int = 0) -> tuple[str, str]:
    """(body content ending in its section break, final sectPr text if this is the last document).
    With `mark`, a bookmark of that name on the document's first paragraph."""
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
    if mark:
        _bookmark(body, mark, number)
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


def _bookmark(body: etree._Element, prefix: str, number: int) -> None:
    """A bookmark named prefix + number on the first paragraph (for the PDF: where a document starts)."""
    first = next(body.iter(w("p")), None)
    if first is None:
        first = etree.Element(w("p"))
        body.insert(0, first)
    at = 1 if len(first) and first[0].tag == w("pPr") else 0
    mark_id = str(BOOKMARK_IDS + number)
    first.insert(at, etree.Element(w("bookmarkEnd"), {w("id"): mark_id}))
    first.insert(at, etree.Element(w("bookmarkStart"), {w("id"): mark_id, w("name"): f"{prefix}{number}"}))


def bundle_docs(paths: list[Path], duplex: bool = False, marks: str = "") -> bytes:
    """One .docx holding every document in `paths`, in order, each in its own section. With
    `marks` (a bundle made only for LibreOffice to convert), each document's first paragraph
    carries a bookmark named marks + its number (0, 1 …), and the text is compressed lightly."""
    package = _Package(paths[0])
    doc_xml = inflate(package.by_name["word/document.xml"]).decode("utf-8")
    head = doc_xml[: re.search(r"<w:body\b[^>]*>", doc_xml).end()]
    tail = "</w:body></w:document>"

    def chunks() -> Iterator[bytes]:
        yield head.encode("utf-8")
        for i, path in enumerate(paths):
            inner, final = _body(path, package, duplex, i == len(paths) - 1, marks, i)
            yield inner.encode("utf-8")
            if final:
                yield _strip_ns(final).encode("utf-8")
        yield tail.encode("utf-8")

    document = ZipEntry.deflate_chunks("word/document.xml", chunks(), 1 if marks else DEFLATE_LEVEL)
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


def bundle_pdfs(bundles: list[Bundle], out_dir: Path, base: Path, jobs: int = 1, pdfa: bool = False) -> PdfResult:
    """PDFs of the bundles (out_dir / their place under `base`), made as make_pdfs makes them,
    without the documents' own PDFs."""
    with tempfile.TemporaryDirectory(prefix="dutydocs-bundle-") as tmp:
        docs, outs = [], []
        for n, b in enumerate(bundles):
            part = [Doc(p, Path(tmp) / f"{n}-{i}.pdf", p.stem, b.kind) for i, p in enumerate(b.parts)]
            docs += part
            outs.append(BundlePdf(out_dir / b.path.relative_to(base).with_suffix(".pdf"), tuple(part), b.duplex))
        result = convert_documents(docs, outs, jobs=jobs, pdfa=pdfa)
    return PdfResult(result.bundles, result.seconds, result.bundles)


def outline_title(spec: DocSpec, org: Organisation) -> str:
    """A document's entry in a bundle's outline: its numbers, then its people (1-03 周建国、李明)."""
    parts = list(kind_of(spec.kind).file_name(spec, org))
    names = list(spec.names)
    if names and parts[-len(names):] == names and len(parts) > len(names):
        return f"{'-'.join(parts[:-len(names)])} {'、'.join(names)}"
    return "-".join(parts)


def make_pdfs(loaded: Loaded, out: Path, files: list[str], bundles: Sequence[Bundle] = (), *, jobs: int = 1,
              pdfa: bool = False, progress: Callable[[int, int], None] | None = None,
              libreoffice: LibreOffice | None = None) -> PdfResult:
    """The PDF of every Word document the build made (`files`, relative to `out`) under out/PDF,
    in the same folders, and of each print bundle under PDF/合订本. Documents of a kind are
    converted together and split (pdf.py)."""
    org = loaded.org
    target = out / PDF_FOLDER
    wanted = set(files)
    docs: list[Doc] = []
    by_source: dict[Path, Doc] = {}
    for spec in plan(org):
        rel = doc_path(spec, org)
        if rel not in wanted or not rel.endswith(".docx"):
            continue
        kind = kind_of(spec.kind)
        doc = Doc(out / rel, target / Path(rel).with_suffix(".pdf"), outline_title(spec, org),
                  spec.kind if kind.bundled else "")
        docs.append(doc)
        by_source[doc.source] = doc
    outs = []
    for b in bundles:
        parts = tuple(by_source.get(p) or Doc(p, target / "_" / p.name, p.stem, b.kind) for p in b.parts)
        outs.append(BundlePdf(target / b.path.relative_to(out).with_suffix(".pdf"), parts, b.duplex))
    missing = [d for b in outs for d in b.docs if d.source not in by_source]
    if missing:
        raise ProblemsError([Problem(str(d.source), None, "", "合订本需要的文档不存在，请先运行 dutydocs build 生成。")
                             for d in missing[:5]])
    return convert_documents(docs, outs, jobs=jobs, pdfa=pdfa, progress=progress, libreoffice=libreoffice)
