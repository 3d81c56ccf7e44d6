"""Render benchmark: ratios against baselines measured in the same run, on this machine.

    python benchmarks/render.py            # sample ×10 and ×100, about 5–10 minutes on 2 cores
    python benchmarks/render.py --quick    # ×2 and ×10, for a quick look

(a) naive: a fresh DocxTemplate(path).render(ctx); save() per document (plain docxtpl);
(b) ours, one process: the prepared-template path, render + write each document;
(c) ours, all processes: full `dutydocs build -j N` of the whole scaled catalogue;
(d) floor: render the Jinja of document.xml, deflate it, write the bytes; nothing else.
Also: full builds with -j 1 and -j N with peak RSS (memory must not grow with the catalogue),
the print bundle of 200 letters (ours vs docxcompose) and LibreOffice PDF time per document.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from docxtpl import DocxTemplate

from dutydocs import load_catalog
from dutydocs.build import default_jobs
from dutydocs.bundle import bundle_docs
from dutydocs.contexts import BOOK, LETTER, LIST, context_for, kind_of, plan
from dutydocs.render import DEFLATE_LEVEL, jinja_env, prepare
from dutydocs.resources import sample_catalog, templates_dir
from dutydocs.scaling import scale

SUBSET = {LIST: 3, LETTER: 120, BOOK: 40}


def timed(fn, repeat: int = 3) -> float:
    """Best of `repeat` wall-clock runs, in seconds: the least disturbed by a shared machine."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def measure(path: Path, contexts: list[dict], out: Path) -> tuple[float, float, float]:
    """(a, b, d) in ms per document for these contexts rendered with the template at `path`."""
    env = jinja_env()
    tpl, _ = prepare(path)
    body = tpl.parts["word/document.xml"].template

    def naive():
        for i, ctx in enumerate(contexts):
            d = DocxTemplate(str(path))
            d.render(ctx, jinja_env=env)
            d.save(out / f"a{i}.docx")

    def ours():
        for i, ctx in enumerate(contexts):
            (out / f"b{i}.docx").write_bytes(tpl.render(ctx))

    def floor():
        for i, ctx in enumerate(contexts):
            comp = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
            data = comp.compress(body.render(ctx).encode("utf-8")) + comp.flush()
            (out / f"d{i}.bin").write_bytes(data)

    n = len(contexts)
    return timed(naive, 1) / n * 1000, timed(ours) / n * 1000, timed(floor) / n * 1000


def compare_paths(loaded, tmp: Path) -> list[tuple[str, int, float, float, float]]:
    """(kind, n, a, b, d) in ms per document, the same documents and contexts for all three."""
    rows = []
    for kind, n in SUBSET.items():
        contexts = [context_for(loaded.org, spec) for spec in list(plan(loaded.org, (kind,)))[:n]]
        out = tmp / kind
        out.mkdir(exist_ok=True)
        rows.append((kind, len(contexts), *measure(templates_dir() / kind_of(kind).template_for(loaded.catalog),
                                                   contexts, out)))
    return rows


def child(*args: str) -> tuple[float, float]:
    """Run `python -m dutydocs ARGS` as a child: seconds, peak RSS in MB of its whole process tree."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "dutydocs", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"failed: dutydocs {' '.join(args)}")
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def full_build(folder: Path, out: Path, jobs: int) -> tuple[float, float, int]:
    """A whole `dutydocs build` in a child process: seconds, peak RSS in MB (its whole tree), documents."""
    shutil.rmtree(out, ignore_errors=True)
    seconds, rss = child("build", str(folder), "-o", str(out), "-j", str(jobs))
    return seconds, rss, sum(1 for _ in out.rglob("*.docx"))


def bundle_compare(loaded, out: Path, n: int = 200) -> tuple[float, float, int]:
    from docx import Document
    from docxcompose.composer import Composer

    from dutydocs.output import doc_path

    paths = [out / doc_path(s, loaded.org) for s in list(plan(loaded.org, (LETTER,)))[:n]]
    t = time.perf_counter()
    bundle_docs(paths)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    master = Document(paths[0])
    composer = Composer(master)
    for p in paths[1:]:
        master.add_page_break()
        composer.append(Document(p))
    buf = io.BytesIO()
    composer.save(buf)
    theirs = time.perf_counter() - t
    return ours, theirs, len(paths)


def pdf_time(loaded, out: Path, tmp: Path, n: int = 20) -> tuple[float, int] | None:
    from dutydocs.output import doc_path
    from dutydocs.pdf import convert, find_soffice

    if find_soffice() is None:
        return None
    paths = [out / doc_path(s, loaded.org) for s in list(plan(loaded.org, (LETTER,)))[:n]]
    result = convert(paths, tmp / "pdf", base=out)
    return result.seconds, len(result.files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="scales ×2 and ×10 instead of ×10 and ×100")
    args = parser.parse_args()
    scales = (2, 10) if args.quick else (10, 100)
    jobs = default_jobs()
    with tempfile.TemporaryDirectory(prefix="dutydocs-bench-") as tmp_name:
        tmp = Path(tmp_name)
        print(f"machine: {os.cpu_count()} CPUs, using {jobs} jobs; Python {sys.version.split()[0]}\n")
        first = scale(sample_catalog(), scales[0], tmp / f"x{scales[0]}")
        loaded = load_catalog(first)
        rows = compare_paths(loaded, tmp)
        print("per document (ms), same documents and contexts; best of 3 for b and d, one pass for a")
        print(f"{'kind':<8}{'docs':>6}{'a naive':>10}{'b ours':>10}{'d floor':>10}{'a/b':>8}{'b/d':>8}")
        for kind, n, a, b, d in rows:
            print(f"{kind:<8}{n:>6}{a:>10.2f}{b:>10.2f}{d:>10.2f}{a / b:>8.1f}{b / d:>8.2f}")
        total = [sum(r[i] * r[1] for r in rows) / sum(r[1] for r in rows) for i in (2, 3, 4)]
        print(f"{'mean':<8}{sum(r[1] for r in rows):>6}{total[0]:>10.2f}{total[1]:>10.2f}{total[2]:>10.2f}"
              f"{total[0] / total[1]:>8.1f}{total[1] / total[2]:>8.2f}\n")

        print("full builds (context + render + write + manifest + index), child process tree;")
        print("'check MB' is the peak of `dutydocs check` on the same catalogue: the catalogue alone")
        print(f"{'catalogue':<12}{'jobs':>5}{'docs':>8}{'seconds':>10}{'docs/s':>9}{'ms/doc':>9}{'peak MB':>9}"
              f"{'check MB':>10}{'docs MB':>9}")
        builds = {}
        for factor in scales:
            folder = first if factor == scales[0] else scale(sample_catalog(), factor, tmp / f"x{factor}")
            _, check_rss = child("check", str(folder))
            for j in sorted({1, jobs}):
                seconds, rss, docs = full_build(folder, tmp / f"out{factor}-{j}", j)
                builds[(factor, j)] = (seconds, rss, docs, rss - check_rss)
                print(f"{'sample×' + str(factor):<12}{j:>5}{docs:>8}{seconds:>10.1f}{docs / seconds:>9.0f}"
                      f"{seconds / docs * 1000:>9.2f}{rss:>9.0f}{check_rss:>10.0f}{rss - check_rss:>9.0f}")
        small, big = builds[(scales[0], 1)], builds[(scales[1], 1)]
        print(f"peak RSS ×{scales[1]} / ×{scales[0]} (1 job): {big[1] / small[1]:.2f} for "
              f"{big[2] / small[2]:.0f}× the documents; above the catalogue alone: {small[3]:.0f} MB → {big[3]:.0f} MB")
        if jobs > 1:
            print(f"speed-up with {jobs} jobs on ×{scales[1]}: {builds[(scales[1], 1)][0] / builds[(scales[1], jobs)][0]:.2f}×\n")

        out = tmp / f"out{scales[0]}-1"
        ours, theirs, n = bundle_compare(loaded, out)
        print(f"bundle of {n} letters: ours {ours:.2f} s ({ours / n * 1000:.1f} ms/doc), "
              f"docxcompose {theirs:.2f} s ({theirs / n * 1000:.1f} ms/doc), ratio {theirs / ours:.1f}×")
        pdf = pdf_time(loaded, out, tmp)
        if pdf:
            seconds, count = pdf
            print(f"PDF, one batched LibreOffice process: {count} letters in {seconds:.1f} s, "
                  f"{seconds / count * 1000:.0f} ms/doc")
        else:
            print("PDF: LibreOffice not installed, skipped")
        print(f"\nmedian of b across kinds: {statistics.median(r[3] for r in rows):.2f} ms/doc")


if __name__ == "__main__":
    main()
