"""Benchmark: ratios against baselines measured in the same run, on this machine.

    python benchmarks/render.py            # builds of the sample ×10 and ×100, PDF of the sample; 5–10 minutes
    python benchmarks/render.py --quick    # ×2 and ×10, fewer repeats
    python benchmarks/render.py --no-pdf   # without LibreOffice

Build (per document, on the same documents):
  naive  a fresh DocxTemplate(path).render(ctx); save() per document (plain docxtpl, contexts made
         beforehand and not counted): at ×10 every document, at ×100 every k-th document of each kind;
  floor  render the Jinja of word/document.xml, deflate it, write the bytes: nothing else;
  ours   a whole `dutydocs build --force -j 1` into an empty folder minus `dutydocs check` of the
         same catalogue (loading it), divided by the documents: contexts, rendering, writing,
         manifest and index, the fixed costs included.
  Ratios: naive/ours (how much faster than the naive loop) and ours/floor (how close to the floor).
  Also `-j N` on all cores, and the peak memory of each run's whole process tree (sampled).
PDF (the sample): one `soffice --convert-to pdf` of all its .docx files (the batched baseline) against
  the time `dutydocs build --pdf` takes beyond `dutydocs build`, and the PDF step alone
  (dutydocs.bundle.make_pdfs on the built folder); page counts compared.
Per kind: the paths on a fixed subset, as before (a naive, b ours render only, d floor), and the
print bundle of 200 letters (ours vs docxcompose).
Timings are the best of several runs: the least disturbed by other work on a shared machine.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path

from docxtpl import DocxTemplate

from dutydocs import load_catalog
from dutydocs.build import default_jobs
from dutydocs.bundle import bundle_docs
from dutydocs.contexts import BOOK, LETTER, LIST, context_for, kind_of, plan
from dutydocs.render import DEFLATE_LEVEL, jinja_env, prepare
from dutydocs.resources import sample_catalog, templates_dir
from dutydocs.scaling import scale

SUBSET = {LIST: 1, LETTER: 120, BOOK: 40}
NAIVE_DOCS = 1500  # at most this many documents in the naive loop; more are sampled every k-th


def best(fn, repeat: int) -> float:
    """Best of `repeat` wall-clock runs of fn(), in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


# ---------------------------------------------------------------- child processes and their memory


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, in KB (Linux /proc; 0 elsewhere)."""
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            pid = int(entry.name)
            children[int(fields[1])].append(pid)
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, ValueError, IndexError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def run(args: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run a command: (seconds, peak MB of its whole process tree, sampled every 50 ms)."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if sys.platform.startswith("linux"):
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    done.set()
    if status != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{proc.stderr.read().decode(errors='replace')[-2000:]}")
    return seconds, max(peak[0], usage.ru_maxrss) / 1024


def dutydocs(*args: str) -> tuple[float, float]:
    return run([sys.executable, "-m", "dutydocs", *args])


def best_run(args: list[str], repeat: int, before=None) -> tuple[float, float]:
    """Best time of `repeat` runs (calling before() ahead of each), and the highest peak memory."""
    times, peaks = [], []
    for _ in range(repeat):
        if before:
            before()
        seconds, peak = run(args)
        times.append(seconds)
        peaks.append(peak)
    return min(times), max(peaks)


# ---------------------------------------------------------------- naive, floor and ours per document


def floor(contexts: list[dict], body, folder: Path) -> None:
    """The floor: render the Jinja of word/document.xml, deflate it, write the bytes; nothing else."""
    for i, ctx in enumerate(contexts):
        comp = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        data = comp.compress(body.render(ctx).encode("utf-8")) + comp.flush()
        (folder / f"d{i}.bin").write_bytes(data)


def naive_and_floor(loaded, tmp: Path, limit: int = NAIVE_DOCS) -> tuple[dict[str, tuple[int, float, float]], int]:
    """Per kind: (documents measured, naive ms/doc, floor ms/doc), every k-th document of each
    kind (k = 1 while there are at most `limit`); and k."""
    org = loaded.org
    by_kind: dict[str, list] = defaultdict(list)
    for spec in plan(org):
        if kind_of(spec.kind).make is None:
            by_kind[spec.kind].append(spec)
    total = sum(len(v) for v in by_kind.values())
    step = max(1, -(-total // limit))
    env = jinja_env()
    out = {}
    for kind, specs in by_kind.items():
        chosen = specs[::step]
        path = templates_dir() / kind_of(kind).template_for(loaded.catalog)
        contexts = [context_for(org, s) for s in chosen]
        folder = tmp / f"naive-{kind}"
        folder.mkdir(exist_ok=True)

        def naive(contexts=contexts, path=path, folder=folder) -> None:
            for i, ctx in enumerate(contexts):
                d = DocxTemplate(str(path))
                d.render(ctx, jinja_env=env)
                d.save(folder / f"a{i}.docx")

        tpl, _ = prepare(path)
        body = tpl.parts["word/document.xml"].template

        n = len(contexts)
        out[kind] = (n, best(naive, 1) / n * 1000, best(lambda c=contexts, b=body, f=folder: floor(c, b, f), 3) / n * 1000)
        shutil.rmtree(folder)
    return out, step


def weighted(per_kind: dict[str, tuple[int, float, float]], counts: Counter, column: int) -> float:
    """ms/doc over the whole build: each kind's figure weighted by how many documents it has."""
    n = sum(counts[k] for k in per_kind)
    return sum(per_kind[k][column] * counts[k] for k in per_kind) / n


def compare_paths(loaded, tmp: Path) -> list[tuple[str, int, float, float, float]]:
    """(kind, n, a, b, d) in ms per document, the same documents and contexts for all three."""
    env = jinja_env()
    rows = []
    for kind, n in SUBSET.items():
        contexts = [context_for(loaded.org, spec) for spec in list(plan(loaded.org, (kind,)))[:n]]
        path = templates_dir() / kind_of(kind).template_for(loaded.catalog)
        out = tmp / f"paths-{kind}"
        out.mkdir(exist_ok=True)
        tpl, _ = prepare(path)
        body = tpl.parts["word/document.xml"].template

        def naive(contexts=contexts, path=path, out=out) -> None:
            for i, ctx in enumerate(contexts):
                d = DocxTemplate(str(path))
                d.render(ctx, jinja_env=env)
                d.save(out / f"a{i}.docx")

        def ours(contexts=contexts, tpl=tpl, out=out) -> None:
            for i, ctx in enumerate(contexts):
                (out / f"b{i}.docx").write_bytes(tpl.render(ctx))

        k = len(contexts)
        rows.append((kind, k, best(naive, 1) / k * 1000, best(ours, 3) / k * 1000,
                     best(lambda c=contexts, b=body, o=out: floor(c, b, o), 3) / k * 1000))
    return rows


def bundle_compare(loaded, out: Path, n: int = 200) -> tuple[float, float, int]:
    from docx import Document
    from docxcompose.composer import Composer

    from dutydocs.output import doc_path

    paths = [out / doc_path(s, loaded.org) for s in list(plan(loaded.org, (LETTER,)))[:n]]
    ours = best(lambda: bundle_docs(paths), 3)
    t = time.perf_counter()
    master = Document(paths[0])
    composer = Composer(master)
    for p in paths[1:]:
        master.add_page_break()
        composer.append(Document(p))
    composer.save(io.BytesIO())
    return ours, time.perf_counter() - t, len(paths)


# ---------------------------------------------------------------- PDF

_BATCHED = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dutydocs.pdf import convert
    out, target = Path(sys.argv[1]), Path(sys.argv[2])
    files = sorted(p for p in out.rglob("*.docx") if p.relative_to(out).parts[0] not in ("PDF", "合订本"))
    convert(files, target, base=out)
""")
_STEP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dutydocs import load_catalog
    from dutydocs.bundle import make_pdfs
    from dutydocs.build import default_jobs
    loaded, out = load_catalog(sys.argv[1]), Path(sys.argv[2])
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.docx") if p.relative_to(out).parts[0] not in ("PDF", "合订本"))
    make_pdfs(loaded, out, files, jobs=default_jobs())
""")


def pdf_pages(folder: Path) -> dict[str, int]:
    import pikepdf

    counts = {}
    for path in sorted(folder.rglob("*.pdf")):
        with pikepdf.open(path) as pdf:
            counts[path.relative_to(folder).as_posix()] = len(pdf.pages)
    return counts


def pdf_compare(catalog: Path, tmp: Path, repeat: int) -> None:
    from dutydocs.pdf import find_soffice

    if find_soffice() is None:
        print("PDF: LibreOffice not installed, skipped")
        return
    out = tmp / "pdf-out"
    shutil.rmtree(out, ignore_errors=True)
    dutydocs("build", str(catalog), "-o", str(out))
    docs = sum(1 for p in out.rglob("*.docx"))
    batched_dir = tmp / "pdf-batched"

    def clear_batched() -> None:
        shutil.rmtree(batched_dir, ignore_errors=True)

    def clear_pdf() -> None:
        shutil.rmtree(out / "PDF", ignore_errors=True)

    batched, batched_mb = best_run([sys.executable, "-c", _BATCHED, str(out), str(batched_dir)], repeat, clear_batched)
    from dutydocs import bundle

    step = step_mb = None  # an older dutydocs has no make_pdfs
    if hasattr(bundle, "make_pdfs"):
        step, step_mb = best_run([sys.executable, "-c", _STEP, str(catalog), str(out)], repeat, clear_pdf)
    jobs = str(default_jobs())
    fresh = tmp / "pdf-cli"
    with_pdf, cli_mb = best_run([sys.executable, "-m", "dutydocs", "build", str(catalog), "-o", str(fresh), "-j", jobs,
                                 "--force", "--pdf"], repeat, lambda: shutil.rmtree(fresh, ignore_errors=True))
    ours = pdf_pages(fresh / "PDF")
    size = sum(p.stat().st_size for p in (fresh / "PDF").rglob("*.pdf")) / 1e6
    without, _ = best_run([sys.executable, "-m", "dutydocs", "build", str(catalog), "-o", str(fresh), "-j", jobs,
                           "--force"], repeat, lambda: shutil.rmtree(fresh, ignore_errors=True))
    extra = with_pdf - without
    theirs = pdf_pages(batched_dir)
    same = "identical" if ours == theirs else f"DIFFER in {sum(ours.get(k) != v for k, v in theirs.items())} files"
    size_b = sum(p.stat().st_size for p in batched_dir.rglob("*.pdf")) / 1e6
    print(f"PDF of the sample, {docs} documents, {sum(theirs.values())} pages (page counts {same}); best of {repeat}:")
    print(f"{'':<44}{'seconds':>9}{'ms/doc':>9}{'peak MB':>9}{'ratio':>8}")
    print(f"{'LibreOffice, one batched process':<44}{batched:>9.1f}{batched / docs * 1000:>9.0f}{batched_mb:>9.0f}{1:>8.2f}")
    print(f"{'--pdf: build --pdf minus build':<44}{extra:>9.1f}{extra / docs * 1000:>9.0f}{cli_mb:>9.0f}"
          f"{batched / extra:>8.2f}")
    if step is not None:
        print(f"{'the PDF step alone (make_pdfs)':<44}{step:>9.1f}{step / docs * 1000:>9.0f}{step_mb:>9.0f}"
              f"{batched / step:>8.2f}")
    print(f"PDF files: ours {size:.1f} MB, batched {size_b:.1f} MB\n")


# ---------------------------------------------------------------- main


def scaled(sample: Path, factor: int, folder: Path) -> Path:
    """The sample ×factor (scaling.scale), its long sections in files of their own: a catalogue
    file may not exceed 5 MB."""
    import yaml

    scale(sample, factor, folder)
    path = folder / "catalog.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    parts = [key for key, value in data.items() if isinstance(value, list) and len(value) > 50]
    for key in parts:
        (folder / f"{key}.yaml").write_text(yaml.safe_dump({key: data.pop(key)}, allow_unicode=True, sort_keys=False),
                                            "utf-8")
    data = {"include": [f"{key}.yaml" for key in parts], **data}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


def builds(sample: Path, scales: tuple[int, ...], tmp: Path, repeat: int) -> None:
    jobs = default_jobs()
    rows = []
    for factor in scales:
        folder = scaled(sample, factor, tmp / f"x{factor}")
        loaded = load_catalog(folder)
        counts = Counter(spec.kind for spec in plan(loaded.org))
        docs = sum(counts.values())
        out = tmp / f"out{factor}"

        def clear(out=out) -> None:
            shutil.rmtree(out, ignore_errors=True)

        check, check_mb = best_run([sys.executable, "-m", "dutydocs", "check", str(folder)], repeat)
        one, one_mb = best_run([sys.executable, "-m", "dutydocs", "build", str(folder), "-o", str(out), "--force",
                                "-j", "1"], repeat, clear)
        many, many_mb = (best_run([sys.executable, "-m", "dutydocs", "build", str(folder), "-o", str(out), "--force",
                                   "-j", str(jobs)], repeat, clear) if jobs > 1 else (one, one_mb))
        per_kind, step = naive_and_floor(loaded, tmp)
        naive, floor = weighted(per_kind, counts, 1), weighted(per_kind, counts, 2)
        ours = (one - check) / docs * 1000
        rows.append((factor, docs, step, check, check_mb, one, one_mb, many, many_mb, ours, naive, floor))
        print(f"  ×{factor}: {docs} documents measured", flush=True)
    print(f"\nbuild, best of {repeat}; ours = (build --force -j 1 − check) / documents; naive and floor on the same "
          "documents (×100: every k-th), weighted by kind")
    print(f"{'catalogue':<10}{'docs':>7}{'naive':>8}{'ours':>8}{'floor':>8}{'naive/ours':>11}{'ours/floor':>11}"
          f"{'check s':>9}{'-j 1 s':>8}{f'-j {jobs} s':>8}{'speed-up':>9}{'peak MB':>9}{'check MB':>9}")
    for factor, docs, step, check, check_mb, one, one_mb, many, many_mb, ours, naive, floor in rows:
        print(f"{'sample×' + str(factor):<10}{docs:>7}{naive:>8.2f}{ours:>8.2f}{floor:>8.2f}{naive / ours:>11.1f}"
              f"{ours / floor:>11.2f}{check:>9.2f}{one:>8.2f}{many:>8.2f}{one / many:>9.2f}"
              f"{max(one_mb, many_mb):>9.0f}{check_mb:>9.0f}" + (f"   (naive: every {step}th)" if step > 1 else ""))
    if len(rows) > 1:
        small, big = rows[0], rows[-1]
        print(f"peak memory ×{big[0]} / ×{small[0]}: build {max(big[6], big[8]) / max(small[6], small[8]):.2f}, "
              f"check {big[4] / small[4]:.2f}, for {big[1] / small[1]:.0f}× the documents")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="scales ×2 and ×10, fewer repeats")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF comparison")
    parser.add_argument("--sample", type=Path, default=None, help="the catalogue to scale (default: the built-in sample)")
    args = parser.parse_args()
    sample = args.sample or sample_catalog()
    scales = (2, 10) if args.quick else (10, 100)
    repeat = 2 if args.quick else 3
    print(f"machine: {os.cpu_count()} CPUs, using {default_jobs()} jobs; Python {sys.version.split()[0]}\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="dutydocs-bench-") as tmp_name:
        tmp = Path(tmp_name)
        builds(sample, scales, tmp, repeat)
        if not args.no_pdf:
            pdf_compare(sample, tmp, 2)
        loaded = load_catalog(scaled(sample, 10, tmp / "paths"))
        rows = compare_paths(loaded, tmp)
        print("render paths per kind (ms per document, same contexts): a naive, b ours (render + write), d floor")
        print(f"{'kind':<8}{'docs':>6}{'a naive':>10}{'b ours':>10}{'d floor':>10}{'a/b':>8}{'b/d':>8}")
        for kind, n, a, b, d in rows:
            print(f"{kind:<8}{n:>6}{a:>10.2f}{b:>10.2f}{d:>10.2f}{a / b:>8.1f}{b / d:>8.2f}")
        out = tmp / "bundle-out"
        dutydocs("build", str(tmp / "paths"), "-o", str(out), "--only", "责任书")
        try:
            ours, theirs, n = bundle_compare(loaded, out)
            print(f"\nbundle of {n} letters: ours {ours:.2f} s ({ours / n * 1000:.1f} ms/doc), "
                  f"docxcompose {theirs:.2f} s ({theirs / n * 1000:.1f} ms/doc), ratio {theirs / ours:.0f}×")
        except ImportError:
            print("\nbundle comparison skipped: pip install docxcompose")


if __name__ == "__main__":
    main()
