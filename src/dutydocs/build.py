"""Build the documents of a loaded catalogue into an output folder.

Templates are checked before anything is written. Documents are planned lazily and rendered in
batches, in this process or in a pool of processes, each worker preparing the templates once.
Only small results travel back; contexts and documents never pile up in memory.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .contexts import BOOK, KINDS, LETTER, LIST, DocSpec, context_for, plan
from .errors import Problem, ProblemsError
from .main import Loaded
from .org import Organisation
from .output import (
    INDEX_CSV,
    INDEX_XLSX,
    Entry,
    atomic_write,
    clean_temporaries,
    doc_path,
    index_csv,
    index_rows,
    index_xlsx,
    inside,
    load_manifest,
    save_manifest,
    sha256,
)
from .render import Prepared, dry_run, prepare
from .resources import templates_dir

TEMPLATE_NAMES = {LIST: "责任清单.docx", LETTER: "廉政责任书.docx", BOOK: "全程纪实本.docx"}
BATCH = 16


@dataclass
class BuildReport:
    out: Path
    counts: Counter = field(default_factory=Counter)  # kind -> documents made or confirmed
    status: Counter = field(default_factory=Counter)  # written / unchanged / kept
    kept: list[str] = field(default_factory=list)  # edited by hand: not overwritten
    stale: list[str] = field(default_factory=list)  # made earlier, no longer in the catalogue
    fallbacks: dict[str, str] = field(default_factory=dict)  # template -> why plain docxtpl
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)  # relative paths, index order


def template_paths(loaded: Loaded, override: Path | None, kinds: tuple[str, ...]) -> tuple[dict[str, Path], list[str]]:
    """Which template file each kind uses: --templates, else the catalogue's `templates`, else ours."""
    notes = []
    chosen = None
    if override is not None:
        chosen = Path(override)
    elif loaded.catalog.templates:
        chosen = loaded.raw.root / loaded.catalog.templates
    if chosen is not None and not chosen.is_dir():
        message = "找不到模板文件夹，请检查路径（可用 dutydocs templates export 导出一份默认模板）。"
        if override is None:  # named in the catalogue: point at that line
            raise ProblemsError([loaded.raw.positions.problem(("templates",), message)])
        raise ProblemsError([Problem(str(chosen), None, "templates", message)])
    paths = {}
    for kind in kinds:
        own = chosen / TEMPLATE_NAMES[kind] if chosen else None
        if own is not None and own.is_file():
            paths[kind] = own
        else:
            if own is not None:
                notes.append(f"模板文件夹里没有 {TEMPLATE_NAMES[kind]}，{kind}使用默认模板。")
            paths[kind] = templates_dir() / TEMPLATE_NAMES[kind]
    return paths, notes


def check_templates(org: Organisation, paths: dict[str, Path]) -> dict[str, Prepared]:
    """Prepare each template and try it on one real context, before any file is written."""
    problems: list[Problem] = []
    prepared: dict[str, Prepared] = {}
    for kind, path in paths.items():
        tpl, found = prepare(path, label=str(path))
        problems += found
        if tpl is None:
            continue
        first = next(plan(org, (kind,)), None)
        if first is not None:
            ctx = context_for(org, first)
            problems += dry_run(tpl, ctx, set(ctx))
        prepared[kind] = tpl
    if problems:
        raise ProblemsError(problems)
    return prepared


# ---------------------------------------------------------------- the work of one document

_STATE: dict = {}


def _init_worker(org: Organisation, paths: dict[str, Path], root: Path, force: bool,
                 prepared: dict[str, Prepared] | None = None) -> None:
    """Set up a worker; a pool worker prepares the templates itself (compiled Jinja does not pickle)."""
    _STATE.clear()
    _STATE.update(org=org, root=root, force=force,
                  templates=prepared or {kind: prepare(path, label=str(path))[0] for kind, path in paths.items()})


def _make(spec: DocSpec, rel: str, old: Entry | None) -> tuple[str, str, Entry | None]:
    """Render one document unless it is up to date; never overwrite a file edited by hand."""
    org: Organisation = _STATE["org"]
    tpl: Prepared = _STATE["templates"][spec.kind]
    ctx = context_for(org, spec)
    inputs = sha256(json.dumps(ctx, sort_keys=True, ensure_ascii=False).encode("utf-8") + tpl.digest.encode())
    target = inside(_STATE["root"], rel)
    force = _STATE["force"]
    exists = target.is_file()
    if exists and old and not force and old.inputs == inputs:
        st = target.stat()
        if (st.st_size, st.st_mtime_ns) == (old.size, old.mtime_ns):
            return rel, "unchanged", old
    data = tpl.render(ctx)
    digest = sha256(data)
    if exists:
        current = sha256(target.read_bytes())
        if current == digest:
            st = target.stat()
            return rel, "unchanged", Entry(inputs, digest, st.st_size, st.st_mtime_ns)
        if not force and (old is None or current != old.output):
            return rel, "kept", old
    atomic_write(target, data)
    st = target.stat()
    return rel, "written", Entry(inputs, digest, st.st_size, st.st_mtime_ns)


def _batch(items: list[tuple[DocSpec, str, Entry | None]]) -> list[tuple[str, str, Entry | None]]:
    return [_make(*item) for item in items]


# ---------------------------------------------------------------- orchestration


def _chunks(it: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(it, size)):
        yield chunk


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def build(
    loaded: Loaded,
    out: Path,
    kinds: tuple[str, ...] = KINDS,
    templates: Path | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> BuildReport:
    """Render the requested kinds into `out`; raise ProblemsError before writing if anything is wrong."""
    start = time.perf_counter()
    org = loaded.org
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ProblemsError([Problem(str(out), None, "", "输出位置是一个文件，不是文件夹，请换一个输出文件夹（-o）。")])
    paths, notes = template_paths(loaded, templates, kinds)
    prepared = check_templates(org, paths)
    report = BuildReport(out, notes=notes)
    report.fallbacks = {tpl.label: tpl.fallback for tpl in prepared.values() if tpl.fallback}
    out.mkdir(parents=True, exist_ok=True)
    clean_temporaries(out)
    manifest = load_manifest(out)
    year = loaded.catalog.organ.year

    def work() -> Iterator[tuple[DocSpec, str, Entry | None]]:
        for spec in plan(org, kinds):
            rel = doc_path(spec, year)
            yield spec, rel, manifest.get(rel)

    results: dict[str, tuple[str, Entry | None]] = {}

    def take(batch_result: list[tuple[str, str, Entry | None]], kinds_of: list[str]) -> None:
        for (rel, status, entry), kind in zip(batch_result, kinds_of, strict=True):
            results[rel] = (status, entry)
            report.status[status] += 1
            report.counts[kind] += 1
            if status == "kept":
                report.kept.append(rel)
            if progress:
                progress(kind, 1)

    if jobs <= 1:
        _init_worker(org, paths, out, force, prepared)  # reuse the templates checked above
        for chunk in _chunks(work(), BATCH):
            take(_batch(chunk), [c[0].kind for c in chunk])
    else:
        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(org, paths, out, force)) as pool:
            pending: dict[Future, list[str]] = {}
            for chunk in _chunks(work(), BATCH):
                pending[pool.submit(_batch, chunk)] = [c[0].kind for c in chunk]
                while len(pending) >= 3 * jobs:  # keep memory flat: a bounded number in flight
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        take(fut.result(), pending.pop(fut))
            for fut in list(pending):
                take(fut.result(), pending.pop(fut))

    for rel, (_status, entry) in results.items():
        if entry is not None:
            manifest[rel] = entry
    planned_all = [(spec, doc_path(spec, year)) for spec in plan(org, KINDS)]
    current = {rel for _, rel in planned_all}
    report.stale = sorted(rel for rel in manifest if rel not in current and (out / rel).exists())
    save_manifest(out, manifest)
    listed = [(spec, rel) for spec, rel in planned_all if (out / rel).is_file()]
    report.files = [rel for _, rel in listed]
    rows = index_rows(listed)
    atomic_write(out / INDEX_CSV, index_csv(rows))
    atomic_write(out / INDEX_XLSX, index_xlsx(rows, f"{loaded.catalog.organ.name}{year}年度党风廉政建设文书索引"))
    report.seconds = time.perf_counter() - start
    return report
