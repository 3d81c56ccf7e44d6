"""Word -> PDF with LibreOffice headless: one batched process per run, its own profile, a timeout.

Where the GB/T 9704 fonts are not installed, the project's fontconfig file maps them to the
installed CJK fonts of matching style (fonts/fonts.conf), so the PDF has no boxes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
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


class PdfError(Exception):
    """A Chinese message saying what went wrong and what to do."""


@dataclass
class PdfResult:
    files: list[Path]
    seconds: float


def find_soffice() -> str | None:
    override = os.environ.get("DUTYDOCS_SOFFICE")
    if override:
        return override if Path(override).exists() or shutil.which(override) else None
    for name in CANDIDATES:
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found:
            return found
    return None


def _env(profile: Path) -> dict[str, str]:
    env = dict(os.environ)
    conf = fontconfig_dir() / "fonts.conf"
    if conf.is_file() and "FONTCONFIG_FILE" not in env:
        env["FONTCONFIG_FILE"] = str(conf)
    env["HOME"] = str(profile)  # LibreOffice writes caches under HOME; keep runs apart
    return env


def convert(sources: list[Path], out_dir: Path, base: Path | None = None, timeout: float | None = None,
            keep_blank_pages: bool = False, targets: list[Path] | None = None) -> PdfResult:
    """Convert .docx files to PDF under `out_dir`, keeping their folders relative to `base`
    (or to the given `targets`)."""
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
            shutil.copyfile(src, dest)
            staged.append(dest)
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", PDF_FILTER_KEEP_BLANKS if keep_blank_pages else PDF_FILTER, "--outdir", str(outbox), *map(str, staged)]
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
