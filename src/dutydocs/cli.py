"""The command line: parse options, call the library, print problems, set the exit code.

Nothing below this module prints or exits. Every message a clerk sees is Chinese; a bug prints a
short apology instead of a traceback (set DUTYDOCS_DEBUG=1 to see it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .build import TEMPLATE_NAMES, BuildReport, build, default_jobs
from .contexts import BOOK, KINDS, LETTER, LIST, plan
from .coverage import Coverage
from .errors import Problem, ProblemsError
from .main import Loaded, load_catalog
from .model import json_schema
from .resources import starter_catalog, templates_dir

KIND_ALIASES = {"清单": LIST, "责任清单": LIST, "list": LIST, "责任书": LETTER, "廉政责任书": LETTER,
                "letter": LETTER, "letters": LETTER, "纪实本": BOOK, "全程纪实本": BOOK, "book": BOOK, "books": BOOK}

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Failed(click.exceptions.Exit):
    """Problems already printed: exit with this code (Click and CliRunner both understand it)."""


def print_problems(problems: list[Problem], what: str = "未生成任何文件，输出文件夹保持原样。") -> None:
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        err.print(str(p), markup=False, style="red" if p.severity == "error" else "yellow")
    if errors:
        err.print(f"共 {len(errors)} 个问题，请逐条改正后再运行。{what}", markup=False, style="bold red")


def _load(catalog: str | None, allow_include: tuple[str, ...]) -> Loaded:
    try:
        return load_catalog(catalog, [Path(p) for p in allow_include])
    except ProblemsError as exc:
        print_problems(exc.problems)
        raise Failed(1) from None


def print_coverage(cov: Coverage) -> None:
    table = Table(title="各层级覆盖情况", title_justify="left")
    for col, just in (("序号", "right"), ("层级", "left"), ("类型", "left"), ("人数", "right"),
                      ("主体责任", "right"), ("监督责任", "right"), ("年度任务", "right")):
        table.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
    for row in cov.tiers:
        holders = str(row.holders) if row.kind == "岗位" else (f"{row.holders}" if row.holders else "—")
        table.add_row(str(row.index), row.name, row.kind, holders, str(row.primary), str(row.supervisory), str(row.tasks))
    out.print(table)
    levels = Table(title="廉政责任书签订情况", title_justify="left")
    levels.add_column("层面", justify="right")
    levels.add_column("名称", overflow="fold")
    levels.add_column("对数", justify="right")
    for row in cov.levels:
        levels.add_row(str(row.level), row.name, str(row.pairs))
    levels.add_row("", "合计", str(cov.pairs), style="bold")
    out.print(levels)
    out.print(f"人员 {cov.people} 人，处室（单位）{cov.divisions} 个，纪实本 {cov.books} 本。", markup=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", message="dutydocs %(version)s")
def cli() -> None:
    """dutydocs：由 YAML 目录生成党风廉政建设责任清单、廉政责任书和全程纪实本（Word 文档）。

    不写目录时使用内置的示例目录。先运行 dutydocs check 检查目录，再运行 dutydocs build 生成文档。
    """


catalog_argument = click.argument("catalog", required=False, metavar="[目录]")
allow_option = click.option("--allow-include", multiple=True, metavar="文件夹",
                            help="允许 include 读取这个文件夹里的文件（默认只能读目录所在文件夹）。")


@cli.command()
@catalog_argument
@allow_option
@click.option("--strict", is_flag=True, help="有责任盲区等提醒时也以非零状态退出。")
def check(catalog: str | None, allow_include: tuple[str, ...], strict: bool) -> None:
    """检查目录：报告所有错误，并列出各层级、各层面的覆盖情况和责任盲区。"""
    loaded = _load(catalog, allow_include)
    print_coverage(loaded.coverage)
    if loaded.warnings:
        out.print(f"\n提醒 {len(loaded.warnings)} 条（不影响生成文档，但请核实）：", style="yellow")
        for w in loaded.warnings:
            out.print(str(w), markup=False, style="yellow")
    else:
        out.print("\n没有发现责任盲区。", style="green")
    out.print("目录检查通过。", style="bold green")
    if strict and loaded.warnings:
        raise Failed(2)


def _kinds(only: tuple[str, ...]) -> tuple[str, ...]:
    if not only:
        return KINDS
    chosen = []
    for value in only:
        for bit in value.replace("，", ",").split(","):
            bit = bit.strip()
            if not bit:
                continue
            kind = KIND_ALIASES.get(bit.lower())
            if kind is None:
                err.print(f"--only 的取值「{bit}」不认识，可选：清单、责任书、纪实本。", markup=False, style="red")
                raise Failed(2)
            if kind not in chosen:
                chosen.append(kind)
    return tuple(k for k in KINDS if k in chosen)


@cli.command()
@catalog_argument
@click.option("-o", "--output", "output", default="output", show_default=True, metavar="文件夹", help="文档输出到哪个文件夹。")
@click.option("--only", multiple=True, metavar="类别", help="只生成某类文档：清单、责任书、纪实本（可写多次或用逗号分隔）。")
@click.option("--templates", "templates", metavar="文件夹", help="使用这个文件夹里的自备模板（文件名同默认模板）。")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, metavar="N", help="同时使用几个进程（默认：CPU 核数）。")
@click.option("--force", is_flag=True, help="重新生成全部文档，包括未变化的和手工改过的。")
@click.option("--bundle", is_flag=True, help="另外把每类文档合成一个打印文件（合订本）。")
@click.option("--duplex", is_flag=True, help="合订本用于双面打印：每份文档从奇数页开始。")
@click.option("--pdf", is_flag=True, help="另外用 LibreOffice 转成 PDF。")
@allow_option
def build_cmd(catalog: str | None, output: str, only: tuple[str, ...], templates: str | None, jobs: int | None,
              force: bool, bundle: bool, duplex: bool, pdf: bool, allow_include: tuple[str, ...]) -> None:
    """生成文档：责任清单、每对签订人的廉政责任书、每位干部的全程纪实本，以及文件索引。"""
    kinds = _kinds(only)
    loaded = _load(catalog, allow_include)
    total = sum(1 for _ in plan(loaded.org, kinds))
    jobs = jobs or default_jobs()
    out_dir = Path(output)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False, disable=not err.is_terminal) as bar:
        task = bar.add_task("生成文档", total=total)
        try:
            report = build(loaded, out_dir, kinds, Path(templates) if templates else None, jobs, force,
                           progress=lambda kind, n: bar.advance(task, n))
        except ProblemsError as exc:
            print_problems(exc.problems)
            raise Failed(1) from None
    print_report(report, jobs)
    if bundle or duplex or pdf:
        _extras(loaded, report, kinds, bundle or duplex, duplex, pdf)


def _extras(loaded: Loaded, report: BuildReport, kinds: tuple[str, ...], bundle: bool, duplex: bool, pdf: bool) -> None:
    from .bundle import bundle_pdfs, make_bundles
    from .pdf import PdfError, convert

    bundles = []
    if bundle:
        try:
            bundles = make_bundles(loaded, report.out, kinds, duplex=duplex)
        except ProblemsError as exc:
            print_problems(exc.problems, "合订本未生成。")
            raise Failed(1) from None
        for b in bundles:
            out.print(f"合订本：{b.path}（{b.documents} 份文档）", markup=False)
    if pdf:
        target = report.out / "PDF"
        try:
            if bundles:
                result = bundle_pdfs(bundles, target, report.out)
            else:
                result = convert([report.out / rel for rel in report.files], target, base=report.out)
        except PdfError as exc:
            err.print(str(exc), markup=False, style="red")
            raise Failed(3) from None
        out.print(f"PDF：{len(result.files)} 个，用时 {result.seconds:.1f} 秒，在 {target}", markup=False)


def print_report(report: BuildReport, jobs: int) -> None:
    for note in report.notes:
        out.print(note, markup=False, style="yellow")
    for label, why in report.fallbacks.items():
        out.print(f"模板 {label} 用到了{why}，这一类文档改用 docxtpl 逐份渲染（较慢，结果相同）。", markup=False, style="yellow")
    table = Table(title="生成结果", title_justify="left")
    table.add_column("类别")
    table.add_column("份数", justify="right")
    for kind in KINDS:
        if report.counts.get(kind):
            table.add_row(kind, str(report.counts[kind]))
    table.add_row("合计", str(sum(report.counts.values())), style="bold")
    out.print(table)
    s = report.status
    out.print(f"新写入 {s['written']} 份，未变化 {s['unchanged']} 份，保留手工修改 {s['kept']} 份；"
              f"用时 {report.seconds:.1f} 秒（{jobs} 个进程）。", markup=False)
    out.print(f"文档在：{report.out}（文件索引：索引.xlsx、索引.csv）", markup=False)
    if report.kept:
        out.print("以下文档生成后被手工修改过，未覆盖（确需重新生成请加 --force）：", style="yellow")
        for rel in report.kept:
            out.print(f"  {rel}", markup=False, style="yellow")
    if report.stale:
        out.print("以下文档是以前生成的，目录里已没有对应的人或对子，请核实后手工删除：", style="yellow")
        for rel in report.stale:
            out.print(f"  {rel}", markup=False, style="yellow")


build_cmd.name = "build"
cli.add_command(build_cmd, "build")


@cli.command()
@click.option("-o", "--output", "output", metavar="文件", help="写入文件（默认打印到屏幕）。")
def schema(output: str | None) -> None:
    """输出目录的 JSON Schema，供编辑器补全和检查键名。"""
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2)
    if output:
        Path(output).write_text(text + "\n", "utf-8")
        out.print(f"已写入 {output}", markup=False)
    else:
        click.echo(text)


@cli.command()
@click.argument("folder", metavar="文件夹")
def init(folder: str) -> None:
    """在文件夹里建一份带注释的起步目录，供填写。"""
    target = Path(folder)
    if target.exists() and any(target.iterdir()):
        err.print(f"文件夹 {target} 不是空的。为免覆盖已有文件，请指定一个新的或空的文件夹。", markup=False, style="red")
        raise Failed(1)
    shutil.copytree(starter_catalog(), target, dirs_exist_ok=True)
    out.print(f"已在 {target} 建立起步目录。下一步：编辑其中的 YAML 文件，然后运行 dutydocs check {target}", markup=False)


@cli.group()
def templates() -> None:
    """模板：导出默认模板，在 Word 里修改后用 --templates 使用。"""


@templates.command("export")
@click.argument("folder", metavar="文件夹")
@click.option("--force", is_flag=True, help="覆盖文件夹里已有的同名模板。")
def export(folder: str, force: bool) -> None:
    """把默认模板复制到文件夹。"""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_NAMES.values():
        dest = target / name
        if dest.exists() and not force:
            err.print(f"{dest} 已存在，未覆盖（加 --force 覆盖）。", markup=False, style="yellow")
            continue
        shutil.copyfile(templates_dir() / name, dest)
        out.print(f"已导出 {dest}", markup=False)


_USAGE = [
    (re.compile(r"No such option:? '?([^'\s.]+)'?\.? Did you mean '([^']+)'"), "没有这个选项：{0}，是不是想写 {1}？"),
    (re.compile(r"No such option:? '?([^'\s.]+)"), "没有这个选项：{0}"),
    (re.compile(r"No such command '([^']+)'"), "没有这个命令：{0}"),
    (re.compile(r"Got unexpected extra arguments? \((.+)\)"), "多了参数：{0}"),
    (re.compile(r"Missing argument '([^']+)'"), "缺少参数 {0}"),
    (re.compile(r"Option '([^']+)' requires an argument"), "选项 {0} 后面要写一个值"),
    (re.compile(r"Invalid value for '([^']+)'"), "选项 {0} 的值不对"),
]


def _usage_message(exc: click.UsageError) -> str:
    text = exc.format_message()
    for pattern, chinese in _USAGE:
        m = pattern.search(text)
        if m:
            return chinese.format(*m.groups())
    return "命令写法不对"


def main() -> None:
    """The console script: Click's own usage errors in Chinese too, and never a traceback."""
    try:
        code = cli.main(prog_name="dutydocs", standalone_mode=False)
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "dutydocs"
        said = _usage_message(exc)
        err.print(f"{said}{'' if said.endswith('？') else '。'}运行 {command} --help 查看用法。", markup=False, style="red")
        sys.exit(2)
    except click.exceptions.Abort:
        err.print("已中断。已写完的文档完好，未写完的不会留下半个文件。", markup=False)
        sys.exit(130)
    except click.ClickException as exc:
        err.print(exc.format_message(), markup=False, style="red")
        sys.exit(exc.exit_code)
    except Exception as exc:  # a clerk never sees a traceback
        if os.environ.get("DUTYDOCS_DEBUG"):
            raise
        err.print(f"程序内部错误：{type(exc).__name__}: {exc}。这是 dutydocs 的缺陷，不是目录的问题；"
                  "请把这条信息和所用目录发给维护人员（设置环境变量 DUTYDOCS_DEBUG=1 可看到详细信息）。",
                  markup=False, style="red")
        sys.exit(70)
    sys.exit(code if isinstance(code, int) else 0)
