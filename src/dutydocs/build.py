"""Build the documents of a loaded catalogue into an output folder.

Templates and the output folder are checked before anything is written, and one build at a time
writes into a folder (a lock file there; a second build waits). Documents are planned lazily and
rendered in batches, in this process or in a pool of processes, each worker preparing the
templates once. Only small results travel back; contexts and documents never pile up in memory.
Workers die with the build: on Linux the kernel kills them when the build's process dies, and they
stop between documents when their parent is gone; SIGTERM or Ctrl-C stops the pool.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .contexts import KINDS, DocSpec, context_for, kind_of, plan
from .errors import Problem, ProblemsError
from .main import Loaded
from .org import Organisation
from .output import (
    INDEX_CSV,
    INDEX_XLSX,
    LOCK,
    MANIFEST,
    Entry,
    atomic_write,
    clean_temporaries,
    describe_os_error,
    doc_path,
    index_csv,
    index_rows,
    index_xlsx,
    inside,
    load_manifest,
    locked,
    output_folders,
    preflight,
    save_manifest,
    sha256,
    stage,
)
from .render import Prepared, dry_run, prepare
from .resources import templates_dir

BATCH = 16


@dataclass
class BuildReport:
    out: Path
    counts: Counter = field(default_factory=Counter)  # kind -> documents made or confirmed
    status: Counter = field(default_factory=Counter)  # written / unchanged / kept
    kept: list[str] = field(default_factory=list)  # edited by hand: not overwritten
    unrecorded: list[str] = field(default_factory=list)  # differ, but no manifest entry says whether by hand
    stale: list[str] = field(default_factory=list)  # made earlier, no longer in the catalogue
    fallbacks: dict[str, str] = field(default_factory=dict)  # template -> why plain docxtpl
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)  # relative paths, index order


def template_paths(loaded: Loaded, override: Path | None, kinds: tuple[str, ...],
                   allow: list[Path] | None = None) -> tuple[dict[str, Path], list[str]]:
    """Which template file each kind uses: --templates, else the catalogue's `templates`, else ours.

    A folder named by a received catalogue is confined to the catalogue's folder, like `include`,
    unless the user allows more on the command line (--allow-templates)."""
    notes = []
    chosen = None
    message = "找不到模板文件夹，请检查路径（可用 dutydocs templates export 导出一份默认模板）。"
    if override is not None:
        chosen = Path(override)
        if not chosen.is_dir():
            raise ProblemsError([Problem(str(chosen), None, "--templates", message)])
    elif loaded.catalog.templates:
        chosen = (loaded.raw.root / loaded.catalog.templates).resolve()
        roots = [loaded.raw.root.resolve()] + [Path(p).resolve() for p in (allow or [])]
        if not any(chosen == r or r in chosen.parents for r in roots):
            raise ProblemsError([loaded.raw.positions.problem(
                ("templates",), f"模板文件夹「{loaded.catalog.templates}」在目录文件夹之外，为安全起见不予使用。"
                "请把模板复制到目录文件夹里，或运行时加 --allow-templates 指定允许的文件夹。")])
        if not chosen.is_dir():
            raise ProblemsError([loaded.raw.positions.problem(("templates",), message)])
    paths = {}
    for kind in kinds:
        name = kind_of(kind).template_for(loaded.catalog)
        if name is None:  # a workbook made in code: no template
            continue
        own = chosen / name if chosen else None
        if own is not None and own.is_file():
            paths[kind] = own
        else:
            if own is not None:
                notes.append(f"模板文件夹里没有 {name}，{kind}使用默认模板。")
            paths[kind] = templates_dir() / name
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


class Interrupted(KeyboardInterrupt):
    """The build was asked to stop (SIGTERM); like Ctrl-C, it stops the workers and writes nothing more."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class WriteFailed(ProblemsError):
    """Writing failed part way (disk full, permissions changed, a share went away): what was written is whole."""


PR_SET_PDEATHSIG = 1


def _init_pool_worker(parent: int, *args) -> None:
    """A pool worker dies with the build: the kernel kills it when the parent dies (Linux), and it
    checks between documents that its parent is still there. Ctrl-C reaches the whole process
    group, but only the parent acts on it (it stops the pool); SIGTERM just ends a worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    _init_worker(*args)
    _STATE["parent"] = parent


def _init_worker(org: Organisation, paths: dict[str, Path], root: Path, force: bool,
                 prepared: dict[str, Prepared] | None = None) -> None:
    """Set up a worker: the templates prepared already, or prepared here (a spawned worker)."""
    _STATE.clear()
    _STATE.update(org=org, root=root, force=force, parent=None, folders={},
                  templates=prepared or {kind: prepare(path, label=str(path))[0] for kind, path in paths.items()})


def _make(spec: DocSpec, rel: str, old: Entry | None) -> tuple[str, str, Entry | None, str | None]:
    """Render one document unless it is up to date; never overwrite a file edited by hand.

    A new document is written under a temporary name (returned last): the build renames them all
    into place once every document has rendered, so a build that fails half way writes nothing."""
    org: Organisation = _STATE["org"]
    made = kind_of(spec.kind).make
    if made is not None:  # a workbook: its bytes are its own fingerprint
        data = made(org, spec)
        inputs = sha256(data)
    else:
        tpl: Prepared = _STATE["templates"][spec.kind]
        ctx = context_for(org, spec)
        inputs = fingerprint(ctx, tpl.digest)
    target = inside(_STATE["root"], rel, _STATE["folders"])
    force = _STATE["force"]
    exists = target.is_file()
    if exists and old and not force and old.inputs == inputs:
        st = target.stat()
        if (st.st_size, st.st_mtime_ns) == (old.size, old.mtime_ns):
            return rel, "unchanged", old, None
    if made is None:
        data = tpl.render(ctx)
    digest = sha256(data)
    if exists:
        current = sha256(target.read_bytes())
        if current == digest:
            st = target.stat()
            return rel, "unchanged", Entry(inputs, digest, st.st_size, st.st_mtime_ns), None
        if not force and old is None:  # no record of what was generated: maybe edited, maybe not
            return rel, "unrecorded", None, None
        if not force and current != old.output:
            return rel, "kept", old, None
    tmp = stage(target, data)
    st = tmp.stat()  # a rename keeps size and mtime: this is what the manifest will find
    return rel, "written", Entry(inputs, digest, st.st_size, st.st_mtime_ns), str(tmp)


def fingerprint(ctx: dict, template_digest: str) -> str:
    """The hash of a document's inputs: its context, by value, and its template. Pickled without
    the memo (whether two equal strings are one object does not count), which is several times
    quicker than JSON; a context pickle cannot take falls back to JSON."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    try:
        pickler.fast = True
        pickler.dump(ctx)
        data = b"p" + buf.getvalue()
    except (AttributeError, pickle.PicklingError, TypeError, RecursionError):
        data = b"j" + json.dumps(ctx, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return sha256(data + template_digest.encode())


def _batch(items: list[tuple[DocSpec, str, Entry | None]]) -> list[tuple[str, str, Entry | None, str | None]]:
    parent = _STATE.get("parent")
    done = []
    for item in items:
        if parent is not None and os.getppid() != parent:  # orphaned: the build is gone, stop writing
            os._exit(1)
        done.append(_make(*item))
    return done


# ---------------------------------------------------------------- orchestration


def _chunks(it: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(it, size)):
        yield chunk


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """While writing, SIGTERM stops the build like Ctrl-C does (the pool is shut down on the way out)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame) -> None:
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the workers now, not after their current batch."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.terminate()
    for proc in procs:  # gone before the caller cleans up: none may write after that
        with contextlib.suppress(Exception):
            proc.join(5)


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
    allow_templates: list[Path] | None = None,
    waiting: Callable[[Path], None] | None = None,
    hold: contextlib.ExitStack | None = None,
    wait_seconds: float | None = None,
) -> BuildReport:
    """Render the requested kinds into `out`; raise ProblemsError before writing if anything is wrong.

    If another build is writing into `out`, call `waiting(out)` and wait for it (at most
    `wait_seconds`, default output.LOCK_WAIT). With `hold`, the folder stays locked until that
    stack closes, so that bundles and PDFs made afterwards are made under the same lock."""
    start = time.perf_counter()
    org = loaded.org
    placed = [(spec, doc_path(spec, org)) for spec in plan(org, kinds)]  # each file name made once
    problems = preflight(out, output_folders(), [LOCK, MANIFEST, INDEX_CSV, INDEX_XLSX, *(rel for _, rel in placed)])
    out = Path(out)
    try:
        paths, notes = template_paths(loaded, templates, kinds, allow_templates)
        prepared = check_templates(org, paths)
    except ProblemsError as exc:
        raise ProblemsError(problems + exc.problems) from None
    if problems:
        raise ProblemsError(problems)
    report = BuildReport(out, notes=notes)
    report.fallbacks = {tpl.label: tpl.fallback for tpl in prepared.values() if tpl.fallback}
    try:
        with contextlib.ExitStack() as own:
            out.mkdir(parents=True, exist_ok=True)
            lock = locked(out, wait_seconds, (lambda: waiting(out)) if waiting else None)
            (hold if hold is not None else own).enter_context(lock)
            own.enter_context(_stoppable())
            _write(loaded, out, kinds, placed, paths, prepared, jobs, force, progress, report)
    except OSError as exc:
        where = exc.filename or out
        raise WriteFailed([Problem(str(where), None, "", f"写入时出错：{describe_os_error(exc)}。")]) from None
    report.seconds = time.perf_counter() - start
    return report


def _render_all(org: Organisation, out: Path, jobs: int, force: bool, paths: dict[str, Path],
                prepared: dict[str, Prepared], placed: list[tuple[DocSpec, str]], work: Iterator,
                take: Callable) -> None:
    """Render every planned document, in this process or a pool, handing each batch's results to `take`."""
    if jobs <= 1:
        _init_worker(org, paths, out, force, prepared)  # reuse the templates checked above
        for chunk in _chunks(work, BATCH):
            take(_batch(chunk), [c[0].kind for c in chunk])
        return
    fork = sys.platform.startswith("linux")
    ctx = multiprocessing.get_context("fork" if fork else "spawn")
    # A forked worker inherits the templates checked above; a spawned one prepares its own (compiled
    # Jinja does not pickle), only those of the kinds it will render.
    kinds = {spec.kind for spec, _rel in placed}
    initargs = (os.getpid(), org, {k: p for k, p in paths.items() if k in kinds}, out, force, prepared if fork else None)
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_pool_worker, initargs=initargs) as pool:
        try:
            pending: dict[Future, list[str]] = {}
            for chunk in _chunks(work, BATCH):
                pending[pool.submit(_batch, chunk)] = [c[0].kind for c in chunk]
                while len(pending) >= 3 * jobs:  # keep memory flat: a bounded number in flight
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        take(fut.result(), pending.pop(fut))
            for fut in list(pending):
                take(fut.result(), pending.pop(fut))
        except BaseException:
            _stop_workers(pool)
            raise


def _write(loaded: Loaded, out: Path, kinds: tuple[str, ...], placed: list[tuple[DocSpec, str]],
           paths: dict[str, Path], prepared: dict[str, Prepared], jobs: int, force: bool,
           progress: Callable[[str, int], None] | None, report: BuildReport) -> None:
    """The writing half of build(), with the folder checked and locked."""
    org = loaded.org
    clean_temporaries(out)
    manifest = load_manifest(out)

    def work() -> Iterator[tuple[DocSpec, str, Entry | None]]:
        for spec, rel in placed:
            yield spec, rel, manifest.get(rel)

    results: dict[str, tuple[str, Entry | None]] = {}
    staged: list[tuple[str, str]] = []  # (temporary file, relative target)

    def take(batch_result: list[tuple[str, str, Entry | None, str | None]], kinds_of: list[str]) -> None:
        for (rel, status, entry, tmp), kind in zip(batch_result, kinds_of, strict=True):
            results[rel] = (status, entry)
            if tmp is not None:
                staged.append((tmp, rel))
            report.status[status] += 1
            report.counts[kind] += 1
            if status == "kept":
                report.kept.append(rel)
            elif status == "unrecorded":
                report.unrecorded.append(rel)
            if progress:
                progress(kind, 1)

    try:
        _render_all(org, out, jobs, force, paths, prepared, placed, work(), take)
    except BaseException:
        clean_temporaries(out)  # this run's documents, rendered but not yet in place
        raise
    folders: dict[str, Path] = {}
    for tmp, rel in staged:
        os.replace(tmp, inside(out, rel, folders))


    for rel, (_status, entry) in results.items():
        if entry is not None:
            manifest[rel] = entry
    made = {spec: rel for spec, rel in placed}
    planned_all = [(spec, made.get(spec) or doc_path(spec, org)) for spec in plan(org, KINDS)]
    current = {rel for _, rel in planned_all}
    report.stale = sorted(rel for rel in manifest if rel not in current and (out / rel).exists())
    save_manifest(out, manifest)
    listed = [(spec, rel) for spec, rel in planned_all if (out / rel).is_file()]
    report.files = [rel for _, rel in listed]
    rows = index_rows(listed)
    atomic_write(out / INDEX_CSV, index_csv(rows))
    atomic_write(out / INDEX_XLSX, index_xlsx(rows, f"{loaded.catalog.organ.name}{loaded.catalog.organ.year}年度党风廉政建设文书索引"))
