"""Word -> PDF with LibreOffice headless: documents converted by the bundle, on every core, then split.

LibreOffice spends most of a conversion per file (loading, laying out, embedding a subset of each
font), so documents of one kind are converted together: a run of consecutive documents becomes one
print bundle (bundle.py) with a bookmark on each document's first paragraph; LibreOffice exports the
bookmarks as named destinations (ExportBookmarksToPDFDestination), and the bundle's PDF is cut at
them into one PDF per document (pikepdf), each with its own part of the outline (the headings), its
title and, for PDF/A, its metadata. Cut this way a document has the pages and text LibreOffice gives
it converted alone (each document of a bundle is its own section: a new page, numbers from 1; the
blank pages LibreOffice adds before a page 1 that would fall on a left page are left out, as when it
converts one document). tests/test_pdf.py compares the two.

One LibreOffice is started per core, each with its own profile, and kept running while the bundles
are converted: a second `soffice --convert-to` started with the same profile hands its files to the
running one over LibreOffice's own pipe and waits for them, so a bundle costs no start-up. Bundles
go to whichever LibreOffice is free, the longest first. As each bundle's PDF arrives its documents'
PDFs are put in place (each whole or not at all) and the caller hears how many are done; if a
LibreOffice dies or takes too long, the others are stopped, the PDFs made so far stay, and PdfError
says how many are missing. Print bundles' PDFs are put together from the bundles' PDFs, with an
outline entry per document (and, for duplex printing, a blank page wherever a document would start
on a left page).

Where the GB/T 9704 fonts are not installed, the project's fontconfig file maps them to the
installed CJK fonts of matching style (fonts/fonts.conf), so the PDF has no boxes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .output import atomic_write
from .resources import fontconfig_dir

CANDIDATES = (
    "soffice",
    "libreoffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)
# The same packages as the README's install line and the PDF tests' skip reason.
PACKAGES = "libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai poppler-utils"
INSTALL_HINT = (f"请先安装 LibreOffice 和中文字体：Debian/Ubuntu 运行 sudo apt-get install {PACKAGES}；"
                "Windows 和 macOS 从 https://www.libreoffice.org 下载安装。安装后重新运行。")


# LibreOffice inserts a blank page wherever a document's page 1 would fall on a left page; by
# default the export leaves those out. A duplex bundle keeps them (LibreOffice 7.4+ reads filter
# options as JSON), so that every document starts on an odd page.
PDF_FILTER = "pdf:writer_pdf_Export"
PDF_FILTER_KEEP_BLANKS = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
PDFA_PART = 2  # PDF/A-2b (ISO 19005-2): LibreOffice's SelectPdfVersion 2
MARK = "dutydocsdoc"  # the bookmarks on each document's first paragraph in a bundle (letters and digits only: LibreOffice escapes the rest)

# A bundle holds at most this much document XML (a few dozen letters or about ten books): big
# enough that LibreOffice's cost per file is shared, small enough that every core stays busy to the
# end, progress moves, LibreOffice's memory stays flat and each PDF embeds a modest font subset.
CHUNK_BYTES = 3_000_000
PRUNE_PAGES = 8  # a document this short sheds the bundle's fonts it does not use (longer ones use them all)
START_SECONDS = 60.0  # for a LibreOffice to start
CHUNK_SECONDS = 60.0  # for a bundle, plus DOC_SECONDS a document
DOC_SECONDS = 5.0


class PdfError(Exception):
    """A Chinese message saying what went wrong and what to do."""


@dataclass
class PdfResult:
    files: list[Path]
    seconds: float
    bundles: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Doc:
    """One document to convert: where it is, where its PDF goes, its entry in a bundle's outline,
    and its group: documents of one group come from one template and may be converted together."""

    source: Path
    target: Path
    title: str = ""
    group: str = ""


@dataclass(frozen=True)
class BundlePdf:
    """A print bundle's PDF: these documents in this order, one outline entry each."""

    target: Path
    docs: tuple[Doc, ...]
    duplex: bool = False


def find_soffice() -> str | None:
    override = os.environ.get("DUTYDOCS_SOFFICE")
    if override:
        return override if Path(override).exists() or shutil.which(override) else None
    for name in CANDIDATES:
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found:
            return found
    return None


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    conf = fontconfig_dir() / "fonts.conf"
    if conf.is_file() and "FONTCONFIG_FILE" not in env:
        env["FONTCONFIG_FILE"] = str(conf)
    env["HOME"] = str(home)  # LibreOffice writes caches under HOME; keep runs apart
    return env


# A new profile makes LibreOffice run its graphics self-tests at start-up (it takes the profile
# for one left by an older version): about 0.7 s each time, as our profiles are always new. A
# profile that says it was last used by a later version skips them; nothing else reads the value.
_PROFILE = ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            '<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">'
            '<value>99.9</value></prop></item>\n</oor:items>\n')


def _new_profile(folder: Path) -> str:
    """A new LibreOffice profile in `folder`, as the -env option that names it."""
    (folder / "user").mkdir(parents=True, exist_ok=True)
    (folder / "user" / "registrymodifications.xcu").write_text(_PROFILE, "utf-8")
    return f"-env:UserInstallation={folder.as_uri()}"


def _filter(pdfa: bool = False, marks: bool = False, keep_blank_pages: bool = False) -> str:
    options = {}
    if keep_blank_pages:
        options["IsSkipEmptyPages"] = {"type": "boolean", "value": "false"}
    if marks:
        options["ExportBookmarksToPDFDestination"] = {"type": "boolean", "value": "true"}
    if pdfa:
        options["SelectPdfVersion"] = {"type": "long", "value": str(PDFA_PART)}
    return f"{PDF_FILTER}:{json.dumps(options, separators=(',', ':'))}" if options else PDF_FILTER


def convert(sources: list[Path], out_dir: Path, base: Path | None = None, timeout: float | None = None,
            keep_blank_pages: bool = False, targets: list[Path] | None = None, pdfa: bool = False) -> PdfResult:
    """Convert .docx files to PDF under `out_dir`, keeping their folders relative to `base` (or to
    the given `targets`): one LibreOffice process, each file on its own, as `soffice --convert-to`
    does. The build uses convert_documents; this is the plain conversion it is measured against."""
    start = time.perf_counter()
    soffice = find_soffice()
    if soffice is None:
        raise PdfError(f"找不到 LibreOffice（soffice），无法生成 PDF。{INSTALL_HINT}")
    sources = [Path(s) for s in sources]
    if not sources:
        return PdfResult([], 0.0)
    timeout = timeout or 120 + 3 * len(sources)
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = targets or [out_dir / (s.relative_to(base).with_suffix(".pdf") if base else s.with_suffix(".pdf").name)
                          for s in sources]
    with tempfile.TemporaryDirectory(prefix="dutydocs-pdf-") as tmp:
        tmp_path = Path(tmp)
        profile = tmp_path / "profile"
        inbox = tmp_path / "in"
        outbox = tmp_path / "out"
        inbox.mkdir()
        # Copies under unique names: one batched call, whatever the source names are.
        staged = []
        for i, src in enumerate(sources):
            dest = inbox / f"{i:06d}.docx"
            dest.write_bytes(for_office(src.read_bytes()))
            staged.append(dest)
        cmd = [soffice, _new_profile(profile), "--headless", "--norestore",
               "--convert-to", _filter(pdfa, keep_blank_pages=keep_blank_pages), "--outdir", str(outbox),
               *map(str, staged)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=_env(tmp_path), check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice 在 {timeout:.0f} 秒内没有完成转换，已停止。请关闭其他正在运行的 LibreOffice 后重试，"
                           "或减少一次转换的文件数（--only）。") from None
        except OSError as exc:
            raise PdfError(f"无法启动 LibreOffice（{exc}）。{INSTALL_HINT}") from None
        missing = []
        for i, (src, target) in enumerate(zip(sources, targets, strict=True)):
            made = outbox / f"{i:06d}.pdf"
            if not made.is_file() or made.stat().st_size == 0:
                missing.append(src.name)
                continue
            # Whole or not at all, with the user's usual permissions, replacing (never following) a link.
            atomic_write(target, made.read_bytes())
        if missing:
            detail = proc.stderr.decode("utf-8", "replace").strip()[-300:]
            raise PdfError(f"LibreOffice 没能转换 {len(missing)} 个文件（{'、'.join(missing[:5])}"
                           f"{'……' if len(missing) > 5 else ''}）。{('LibreOffice 的输出：' + detail) if detail else ''}")
    return PdfResult(targets, time.perf_counter() - start)


# ---------------------------------------------------------------- LibreOffice kept running

_KEEP = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:'
         'xmlns:office:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">'
         '<office:body><office:text/></office:body></office:document>\n')


# Runs a LibreOffice kept open in its own process group and ends the whole group when dutydocs is
# gone (a closed terminal window, a kill) or asks it to stop: a LibreOffice holding a document
# open would otherwise run on for ever.
_WATCHDOG = """
import os, shutil, signal, subprocess, sys, time
parent = os.getppid()
office = subprocess.Popen(sys.argv[2:])
def end(*_):
    os.killpg(0, signal.SIGKILL)
def orphaned():
    shutil.rmtree(sys.argv[1], ignore_errors=True)  # dutydocs cannot clean up any more
    end()
signal.signal(signal.SIGTERM, end)
signal.signal(signal.SIGINT, signal.SIG_IGN)
while office.poll() is None:
    if os.getppid() != parent:
        orphaned()
    time.sleep(0.2)
sys.exit(office.returncode)
"""


class _Stopped(Exception):
    """The conversion was stopped (another LibreOffice failed, or the user interrupted)."""


class _Office:
    """One LibreOffice with its own profile, kept running by an empty document it holds open;
    conversions are handed to it by short-lived `soffice --convert-to` calls with the same profile."""

    def __init__(self, soffice: str, root: Path, number: int):
        self.soffice = soffice
        self.root = root / f"office{number}"
        self.root.mkdir(parents=True)
        self.keep = self.root / "keep.fodt"
        self.keep.write_text(_KEEP, "utf-8")
        self.profile = _new_profile(self.root / "profile")
        self.env = _env(self.root)
        self.log = self.root / "office.log"
        self.proc: subprocess.Popen | None = None
        self.client: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        cmd = [self.soffice, self.profile, "--headless", "--norestore", "--nologo", str(self.keep)]
        if sys.platform != "win32":  # under a watchdog: it must not outlive dutydocs, nor its files
            cmd = [sys.executable, "-c", _WATCHDOG, str(self.root.parent), *cmd]
        with open(self.log, "wb") as log:
            self.proc = _popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, deadline: float, stop: threading.Event) -> None:
        """Until it holds the empty document open (its lock file appears): by then its pipe is open."""
        lock = self.keep.parent / f".~lock.{self.keep.name}#"
        while not lock.exists():
            if not self.alive():
                raise PdfError(f"LibreOffice 没能启动（退出码 {self.proc.returncode if self.proc else '?'}）。"
                               f"{self.detail()}{INSTALL_HINT}")
            if stop.is_set():
                raise _Stopped
            if time.monotonic() > deadline:
                raise PdfError(f"LibreOffice 在 {START_SECONDS:.0f} 秒内没有启动，已停止。请关闭其他正在运行的 LibreOffice 后重试。")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def convert(self, source: Path, outdir: Path, options: str, timeout: float) -> int:
        """Hand one file to this LibreOffice and wait for it; the client's exit code."""
        cmd = [self.soffice, self.profile, "--headless", "--norestore", "--convert-to", options, "--outdir",
               str(outdir), str(source)]
        with self.lock:
            self.client = _popen(cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            return self.client.wait(timeout)
        finally:
            with self.lock:
                _end(self.client)
                self.client = None

    def detail(self) -> str:
        try:
            text = self.log.read_text("utf-8", "replace")
        except OSError:
            return ""
        lines = [line for line in text.splitlines() if line.strip() and "javaldx" not in line]
        return f"LibreOffice 的输出：{' '.join(lines)[-300:]}。" if lines else ""

    def stop(self) -> None:
        with self.lock:
            _end(self.client)
            _end(self.proc)


def _popen(cmd: list[str], **kwargs) -> subprocess.Popen:
    """A process of its own group (POSIX) or its own console group (Windows), to be ended whole."""
    if sys.platform == "win32":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    else:
        kwargs["start_new_session"] = True
    try:
        return subprocess.Popen(cmd, **kwargs)
    except OSError as exc:
        raise PdfError(f"无法启动 LibreOffice（{exc}）。{INSTALL_HINT}") from None


def _end(proc: subprocess.Popen | None) -> None:
    """End a LibreOffice we started, with everything it started (soffice runs soffice.bin)."""
    if proc is None or proc.poll() is not None:
        return
    if sys.platform == "win32":  # soffice.exe starts soffice.bin: end the whole tree
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(proc.pid)], capture_output=True, check=False)
    else:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            if sys.platform == "win32":
                proc.kill()
            else:
                os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)


class LibreOffice:
    """The LibreOffice processes of convert_documents, one per core: `with LibreOffice(jobs):`
    starts them (say, while the build makes the documents, so that they are ready when it ends)
    and ends them on leaving. Without LibreOffice installed, nothing starts; converting says so."""

    def __init__(self, jobs: int = 1):
        self.jobs = max(1, jobs)
        self.soffice = find_soffice()
        self.offices: list[_Office] = []
        self._tmp: tempfile.TemporaryDirectory | None = None
        self.runs = 0

    @property
    def root(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="dutydocs-pdf-")
        return Path(self._tmp.name)

    def start(self, count: int | None = None) -> LibreOffice:
        """Start LibreOffices until `count` (default: jobs) are running; replace any that ended."""
        if self.soffice is None:
            return self
        count = count or self.jobs
        self.offices = [o for o in self.offices if o.alive() or o.proc is None]
        while len(self.offices) < count:
            office = _Office(self.soffice, self.root, len(self.offices) + 100 * self.runs)
            office.start()
            self.offices.append(office)
        return self

    def close(self) -> None:
        for office in self.offices:
            office.stop()
        self.offices = []
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> LibreOffice:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------- bundles of documents to convert


@dataclass
class _Chunk:
    number: int
    docs: list[Doc]
    cost: int
    source: Path | None = None  # the file given to LibreOffice
    pdf: Path | None = None  # what it made
    starts: list[int] = field(default_factory=list)  # each document's first page in `pdf`, then the end
    outline: list | None = None  # its outline (the documents' headings), pages 0-based


def _xml_size(path: Path) -> int:
    """About how much work a document is for LibreOffice: the size of its text XML."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.getinfo("word/document.xml").file_size + 20_000
    except (OSError, KeyError, zipfile.BadZipFile):
        return 100_000


def _chunks(docs: Sequence[Doc], workers: int) -> list[_Chunk]:
    """Consecutive documents of a group, in runs of at most CHUNK_BYTES of XML, and fewer when
    there is little: about three runs a LibreOffice, so that all of them finish together."""
    sizes = [_xml_size(d.source) for d in docs]
    limit = max(min(CHUNK_BYTES, sum(sizes) // (3 * workers) + 1), 1)
    chunks: list[_Chunk] = []
    current: list[Doc] = []
    cost = 0
    for doc, size in zip(docs, sizes, strict=True):
        if current and (not doc.group or doc.group != current[0].group or cost + size > limit):
            chunks.append(_Chunk(len(chunks), current, cost))
            current, cost = [], 0
        current.append(doc)
        cost += size
        if not doc.group:
            chunks.append(_Chunk(len(chunks), current, cost))
            current, cost = [], 0
    if current:
        chunks.append(_Chunk(len(chunks), current, cost))
    return chunks


def _write_input(chunk: _Chunk, inbox: Path) -> None:
    from .bundle import bundle_docs

    chunk.source = inbox / f"{chunk.number:05d}.docx"
    if len(chunk.docs) == 1:
        chunk.source.write_bytes(for_office(chunk.docs[0].source.read_bytes()))
    else:
        chunk.source.write_bytes(for_office(bundle_docs([d.source for d in chunk.docs], marks=MARK)))


# LibreOffice (to 26.04 at least) loses rows of a table whose heading row repeats on each page when a
# row that may not break across pages meets the foot of a page: the row is cut off below the table
# and the rows after it vanish (CollaboraOnline/online#16066, #11629). Word keeps such rows whole
# and moves them on. In what LibreOffice is given, the body rows of those tables may break: every
# row prints, and the heading still repeats. The .docx files themselves keep their rows whole.
_TABLE = re.compile(r"<w:tbl>.*?</w:tbl>", re.S)
_ROW = re.compile(r"<w:tr[ >].*?</w:tr>", re.S)
_CANT_SPLIT = re.compile(r'<w:cantSplit(?: w:val="(?:true|1|on)")?/>')


def _rows_may_break(xml: str) -> str:
    def table(m: re.Match) -> str:
        text = m.group(0)
        if "<w:tblHeader" not in text or "<w:cantSplit" not in text:
            return text
        return _ROW.sub(lambda r: r.group(0) if "<w:tblHeader" in r.group(0) else _CANT_SPLIT.sub("", r.group(0)),
                        text)
    return _TABLE.sub(table, xml) if "<w:tblHeader" in xml else xml


def for_office(docx: bytes) -> bytes:
    """A .docx as LibreOffice is given it to make a PDF: see _rows_may_break."""
    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        xml = src.read("word/document.xml").decode("utf-8")
        fixed = _rows_may_break(xml)
        if fixed == xml:
            return docx
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for info in src.infolist():
                data = fixed.encode("utf-8") if info.filename == "word/document.xml" else src.read(info)
                dst.writestr(info.filename, data)
        return out.getvalue()


# ---------------------------------------------------------------- cutting and joining PDFs


class _Unmarked(Exception):
    """A bundle's PDF without the named destinations that say where each document starts."""


def _starts(pdf, chunk: _Chunk) -> list[int]:
    """Each document's first page (0-based) in the bundle's PDF, from its named destination, and
    the page count at the end."""
    import pikepdf

    n = len(pdf.pages)
    if len(chunk.docs) == 1:
        return [0, n]
    index = {page.objgen: i for i, page in enumerate(pdf.pages)}
    found: dict[str, int] = {}
    dests = pdf.Root.get("/Dests")
    items = list(dests.items()) if isinstance(dests, pikepdf.Dictionary) else []
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        items += list(pikepdf.NameTree(pdf.Root.Names.Dests).items())
    for name, dest in items:
        name = str(name).lstrip("/")
        if isinstance(dest, pikepdf.Dictionary):
            dest = dest.get("/D")
        if name.startswith(MARK) and isinstance(dest, pikepdf.Array) and len(dest):
            found[name] = index.get(dest[0].objgen, -1)
    starts = [found.get(f"{MARK}{i}", -1) for i in range(len(chunk.docs))]
    if starts[0] != 0 or any(b <= a for a, b in zip(starts, [*starts[1:], n], strict=True)):
        raise _Unmarked
    return [*starts, n]


def _outline(pdf) -> list[tuple[str, int, list, list]]:
    """The outline as (title, page, rest of the destination, children), pages 0-based."""
    import pikepdf

    index = {page.objgen: i for i, page in enumerate(pdf.pages)}

    def walk(items) -> list:
        out = []
        for item in items:
            dest = item.destination
            if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
                dest = item.action.get("/D")
            if isinstance(dest, pikepdf.Array) and len(dest) and dest[0].objgen in index:
                out.append((str(item.title), index[dest[0].objgen], list(dest[1:]), walk(item.children)))
            else:
                out.extend(walk(item.children))
        return out

    with pdf.open_outline() as outline:
        return walk(outline.root)


def _items(entries: list, first: int, end: int, offset: int, pages) -> list:
    """Outline items for the entries whose page is in [first, end), on pages moved by `offset`."""
    import pikepdf

    out = []
    for title, page, rest, children in entries:
        if first <= page < end:
            item = pikepdf.OutlineItem(title, pikepdf.Array([pages[page - first + offset].obj, *rest]))
            item.children.extend(_items(children, first, end, offset, pages))
            out.append(item)
    return out


def _carry(src, dst) -> None:
    """What makes a PDF whole besides its pages: title and dates, language, viewer settings, and
    for PDF/A its metadata and output intent; it opens at its first page, as LibreOffice's do."""
    import pikepdf

    for key, value in src.docinfo.items():
        dst.docinfo[key] = value
    for key in ("/Lang", "/ViewerPreferences", "/Metadata", "/OutputIntents"):
        if key in src.Root:
            value = src.Root[key]
            if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
                dst.Root[key] = dst.copy_foreign(value if value.is_indirect else src.make_indirect(value))
            else:
                dst.Root[key] = value
    if "/OpenAction" in src.Root and len(dst.pages):
        dst.Root.OpenAction = pikepdf.Array([dst.pages[0].obj, pikepdf.Name.XYZ, None, None, 0])
    for page in dst.pages:  # the structure tree stays behind: pages no longer point into it
        if "/StructParents" in page.obj:
            del page.obj["/StructParents"]


def _save(pdf, target: Path, version: str) -> None:
    buf = io.BytesIO()
    pdf.save(buf, min_version=version)
    atomic_write(target, buf.getvalue())


def _split(chunk: _Chunk) -> None:
    """Each document of a converted bundle as a PDF of its own."""
    import pikepdf

    assert chunk.pdf is not None
    if len(chunk.docs) == 1:  # converted on its own: LibreOffice's file as it is
        chunk.starts = [0, -1]
        atomic_write(chunk.docs[0].target, chunk.pdf.read_bytes())
        return
    with pikepdf.open(chunk.pdf) as src:
        chunk.starts = _starts(src, chunk)
        chunk.outline = _outline(src)
        for doc, first, end in zip(chunk.docs, chunk.starts, chunk.starts[1:], strict=False):
            with pikepdf.new() as dst:
                dst.pages.extend(src.pages[first:end])
                if end - first <= PRUNE_PAGES:  # the fonts only other documents use: a letter's PDF is a third smaller
                    dst.remove_unreferenced_resources()
                _carry(src, dst)
                with dst.open_outline() as ol:
                    ol.root.extend(_items(chunk.outline, first, end, 0, dst.pages))
                _save(dst, doc.target, src.pdf_version)


def _join(bundle: BundlePdf, where: dict[Doc, tuple[_Chunk, int, int]]) -> None:
    """A print bundle's PDF from its documents' pages in the bundles' PDFs, with an outline entry
    per document (its headings under it) and, for duplex printing, the blank pages."""
    import pikepdf

    opened: dict[int, pikepdf.Pdf] = {}
    try:
        with pikepdf.new() as dst:
            placed = []
            version = "1.4"
            for doc in bundle.docs:
                chunk, first, end = where[doc]
                src = opened.get(chunk.number)
                if src is None:
                    assert chunk.pdf is not None
                    src = opened[chunk.number] = pikepdf.open(chunk.pdf)
                    if chunk.outline is None:
                        chunk.outline = _outline(src)
                    version = max(version, src.pdf_version)
                end = len(src.pages) if end < 0 else end
                if bundle.duplex and len(dst.pages) % 2 == 1:  # page 1 on a right-hand page
                    box = [float(v) for v in dst.pages[-1].mediabox]
                    dst.add_blank_page(page_size=(box[2] - box[0], box[3] - box[1]))
                placed.append((doc, chunk, len(dst.pages), first, end))
                dst.pages.extend(src.pages[first:end])
            _carry(opened[placed[0][1].number], dst)
            dst.Root.PageMode = pikepdf.Name.UseOutlines  # the names show when it opens
            with dst.open_outline() as ol:
                for doc, chunk, offset, first, end in placed:
                    item = pikepdf.OutlineItem(doc.title or doc.target.stem,
                                               pikepdf.Array([dst.pages[offset].obj, pikepdf.Name.XYZ, None, None, 0]))
                    item.children.extend(_items(chunk.outline or [], first, end, offset, dst.pages))
                    ol.root.append(item)
            _save(dst, bundle.target, version)
    finally:
        for src in opened.values():
            src.close()


# ---------------------------------------------------------------- the conversion


def convert_documents(docs: Sequence[Doc], bundles: Sequence[BundlePdf] = (), *, jobs: int = 1, pdfa: bool = False,
                      progress: Callable[[int, int], None] | None = None, timeout: float | None = None,
                      libreoffice: LibreOffice | None = None) -> PdfResult:
    """Each document's PDF at its target, and each print bundle's, as described above, with the
    LibreOffices of `libreoffice` (started already, perhaps) or of its own.

    `progress(done, total)` is called as documents are done. On failure, PdfError says what
    happened and how many PDFs were made; those stay in place."""
    start = time.perf_counter()
    docs = list(docs)
    if not docs:
        return PdfResult([], 0.0)
    with contextlib.ExitStack() as own:
        lo = libreoffice or own.enter_context(LibreOffice(jobs))
        if lo.soffice is None:
            raise PdfError(f"找不到 LibreOffice（soffice），无法生成 PDF。{INSTALL_HINT}")
        workers = max(1, min(jobs, len(docs)))
        chunks = _chunks(docs, workers)
        workers = min(workers, len(chunks))
        lo.start(max(workers, len(lo.offices)))
        lo.runs += 1
        work = lo.root / f"run{lo.runs}"
        made = _run(lo.offices[:workers], work, chunks, docs, bundles, (_filter(pdfa), _filter(pdfa, marks=True)),
                    progress, timeout)
        shutil.rmtree(work, ignore_errors=True)
    return PdfResult([d.target for d in docs], time.perf_counter() - start, made)


def _run(offices: list[_Office], work: Path, chunks: list[_Chunk], docs: list[Doc], bundles: Sequence[BundlePdf],
         options: tuple[str, str], progress: Callable[[int, int], None] | None, timeout: float | None) -> list[Path]:
    inbox, outbox = work / "in", work / "out"
    inbox.mkdir(parents=True)
    outbox.mkdir()
    stop = threading.Event()
    results: queue.Queue = queue.Queue()
    todo: queue.Queue = queue.Queue()
    done = 0
    made: list[Path] = []
    try:
        threads = [threading.Thread(target=_work, args=(office, todo, results, outbox, stop, options, timeout),
                                    daemon=True) for office in offices]
        for thread in threads:
            thread.start()
        for chunk in sorted(chunks, key=lambda c: -c.cost):  # the longest first: they finish together
            _write_input(chunk, inbox)  # each handed over as soon as it is written
            todo.put(chunk)
        where: dict[Doc, tuple[_Chunk, int, int]] = {}
        pending = len(chunks)
        while pending:
            try:
                chunk, failure = results.get(timeout=0.2)
            except queue.Empty:
                if not any(t.is_alive() for t in threads):
                    raise RuntimeError("PDF conversion threads ended with work left") from None
                continue
            if failure is not None:
                raise failure
            try:
                _split(chunk)
            except _Unmarked:  # cannot tell where each starts: convert them one by one
                for doc in chunk.docs:
                    alone = _Chunk(len(chunks), [doc], chunk.cost // len(chunk.docs))
                    chunks.append(alone)
                    _write_input(alone, inbox)
                    todo.put(alone)
                    pending += 1
                pending -= 1
                continue
            pending -= 1
            for doc, first, end in zip(chunk.docs, chunk.starts, chunk.starts[1:], strict=False):
                where[doc] = (chunk, first, end)
            done += len(chunk.docs)
            if progress:
                progress(done, len(docs))
        for bundle in bundles:
            _join(bundle, where)
            made.append(bundle.target)
    except PdfError as exc:
        raise PdfError(f"{exc}{_kept(done, len(docs))}") from None
    finally:
        stop.set()
        for _ in offices:  # a LibreOffice's loop waiting for work ends
            todo.put(None)
        if done < len(docs) or made != [b.target for b in bundles]:  # failed or interrupted: end them now
            for office in offices:
                office.stop()
    return made


def _kept(done: int, total: int) -> str:
    if not done:
        return "没有生成任何 PDF。"
    return f"已生成的 {done} 份文档的 PDF 保留在输出文件夹里，其余 {total - done} 份没有生成；问题解决后再运行一次即可。"


def _work(office: _Office, todo: queue.Queue, results: queue.Queue, outbox: Path, stop: threading.Event,
          options: tuple[str, str], timeout: float | None) -> None:
    """One LibreOffice's loop: start, then convert bundles until told there are no more."""
    chunk = None
    try:
        office.wait_ready(time.monotonic() + START_SECONDS, stop)
        while not stop.is_set():
            chunk = todo.get()
            if chunk is None:
                return
            results.put((chunk, _convert_chunk(office, chunk, outbox, options, timeout)))
            chunk = None
    except _Stopped:
        return
    except BaseException as exc:  # reported by the main thread, which stops the rest
        results.put((chunk, exc))


def _convert_chunk(office: _Office, chunk: _Chunk, outbox: Path, options: tuple[str, str],
                   timeout: float | None) -> PdfError | None:
    """Convert one bundle; None when its PDF is there, else why not."""
    assert chunk.source is not None
    limit = timeout or CHUNK_SECONDS + DOC_SECONDS * len(chunk.docs)
    try:
        code = office.convert(chunk.source, outbox, options[len(chunk.docs) > 1], limit)
    except subprocess.TimeoutExpired:
        office.stop()
        return PdfError(f"LibreOffice 在 {limit:.0f} 秒内没有转换完{_names(chunk)}，已停止。"
                        "请关闭其他正在运行的 LibreOffice 后重试，或用 --only 减少一次转换的文档。")
    if not office.alive():
        code = office.proc.returncode if office.proc else "?"
        return PdfError(f"LibreOffice 在转换{_names(chunk)}时意外退出（退出码 {code}），转换已停止。{office.detail()}")
    pdf = outbox / f"{chunk.source.stem}.pdf"
    if code != 0 or not _whole(pdf):
        return PdfError(f"LibreOffice 没能转换{_names(chunk)}（退出码 {code}）。{office.detail()}")
    chunk.pdf = pdf
    return None


def _whole(pdf: Path) -> bool:
    """LibreOffice wrote the whole file (it ends with %%EOF)."""
    try:
        with open(pdf, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 1024))
            return size > 0 and b"%%EOF" in fh.read()
    except OSError:
        return False


def _names(chunk: _Chunk) -> str:
    """The documents of a bundle, as the clerk knows them."""
    names = [d.target.stem for d in chunk.docs]
    return f"「{'、'.join(names[:3])}{'……' if len(names) > 3 else ''}」"
