"""The command line: parse options, call the library, print problems, set the exit code.

Nothing below this module prints or exits. Every message a clerk sees is Chinese, Click's own too
(usage lines, section headings, option defaults and ranges, usage errors: see CLICK_ZH); a usage
error is one line, a bad catalogue one line per problem; a bug prints a short apology instead of a
traceback (set DUTYDOCS_DEBUG=1 to see it). Exit codes: 0 done, 1 bad input (catalogue, templates,
output folder), 2 a command-line mistake or (check --strict) blind spots, 3 no LibreOffice,
70 a bug of ours, 130/143 interrupted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import sys
from pathlib import Path

import click
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .build import BuildReport, WriteFailed, build, default_jobs
from .contexts import KINDS, plan
from .coverage import Coverage
from .errors import Problem, ProblemsError, closest
from .kinds import REGISTRY
from .main import Loaded, load_catalog
from .model import json_schema
from .output import PDF_FOLDER, atomic_write, describe_os_error
from .resources import starter_catalog, templates_dir

# ---------------------------------------------------------------- Click in Chinese

# Click marks its messages for gettext (`_` and `ngettext` in each of its modules). These are their
# Chinese; tests/test_door.py checks that every message of the installed Click is here or is one of
# CLICK_DEVELOPER_ONLY (mistakes in a program's own option declarations, never seen by a clerk).
CLICK_ZH: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Positional arguments": "参数",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（运行时决定）",
    "deprecated": "已停用",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "提醒：命令 {name} 已停用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": "提醒：{name} 已停用。{extra_message}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 {command} {option} 查看用法。",
    "Aborted!": "已中断。",
    "Missing command.": "缺少命令。",
    "Got unexpected extra argument ({args})": "多了参数：{args}",
    "Got unexpected extra arguments ({args})": "多了参数：{args}",
    "No such option {name!r}.": "没有这个选项：{name}。",
    "No such command {name!r}.": "没有这个命令：{name}。",
    "Did you mean {possibility}?": "是不是想写 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "是不是想写其中之一：{possibilities}？",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对：{message}",
    "Invalid value: {message}": "值不对：{message}",
    "Value must be an iterable.": "这里要写一组值。",
    "Takes {nargs} values but 1 was given.": "要写 {nargs} 个值，只写了 1 个。",
    "Takes {nargs} values but {len} were given.": "要写 {nargs} 个值，写了 {len} 个。",
    "Option {name!r} does not take a value.": "选项 {name} 后面不用写值。",
    "Option {name!r} requires an argument.": "选项 {name} 后面要写一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 后面要写 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 要写 {nargs} 个值。",
    "Choose from:\n\t{choices}": "可选：{choices}",
    "{value!r} is not {choice}.": "「{value}」不对，只能写 {choice}。",
    "{value!r} is not one of {choices}.": "「{value}」不对，可选：{choices}。",
    "{value!r} does not match the format {format}.": "「{value}」不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "「{value}」不符合这些格式中的任何一种：{formats}。",
    "{value!r} is not a valid {number_type}.": "「{value}」不是数字。",
    "{value} is not in the range {range}.": "{value} 超出了范围（{range}）。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "「{value}」不是是非值，可写：{states}。",
    "{value!r} is not a valid UUID.": "「{value}」不是有效的 UUID。",
    "{len_type} values are required, but {len_value} was given.": "要写 {len_type} 个值，写了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "要写 {len_type} 个值，写了 {len_value} 个。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} {filename} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename} 是一个文件，不是文件夹。",
    "{name} {filename!r} is a directory.": "{name} {filename} 是一个文件夹，不是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename} 不能读取。",
    "{name} {filename!r} is not writable.": "{name} {filename} 不能写入。",
    "{name} {filename!r} is not executable.": "{name} {filename} 不能执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename}：{message}",
    "unknown error": "未知错误",
    "Do you want to continue?": "要继续吗？",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的不一样。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "d": "天",
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Windows error: {error}": "Windows 错误：{error}",
    "Shell completion is not supported for Bash versions older than 4.4.": "Bash 4.4 以前的版本不支持命令补全。",
    "Couldn't detect Bash version, shell completion is not supported.": "无法确定 Bash 的版本，不支持命令补全。",
}
CLICK_DEVELOPER_ONLY = {
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Invalid start character for option ({option})",
    "Choice({choices})",
    "Unknown color {colour!r}",
    "Unknown standard stream '{name}'",
}


def _zh(message: str) -> str:
    return CLICK_ZH.get(message, message)


def _zh_n(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


def _speak_chinese() -> None:
    """Point the `_` and `ngettext` of each of Click's modules at CLICK_ZH."""
    import importlib

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils",
                 "shell_completion", "_termui_impl", "_winconsole"):
        try:
            module = importlib.import_module(f"click.{name}")
        except Exception:  # _winconsole outside Windows
            continue
        if hasattr(module, "_"):
            module._ = _zh
        if hasattr(module, "ngettext"):
            module.ngettext = _zh_n


_speak_chinese()

# Lines break between any two Chinese characters, and never before closing punctuation.
_TOKENS = re.compile(r"[\x21-\x7e]+|\s+|.", re.S)
_CLOSERS = set("，。、；：？！）」』》〉】”’…")


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` terminal cells (a Chinese character takes two). Punctuation
    that may not start a line takes the character before it along to the next line."""
    lines: list[str] = []
    line: list[str] = []  # tokens, with " " between words
    space = False
    for token in _TOKENS.findall(text):
        if token.isspace():
            space = bool(line)
            continue
        if space:
            line.append(" ")
        line.append(token)
        space = False
        if cell_len("".join(line)) > width and len(line) > 1:
            carry = [line.pop()]
            if token[0] in _CLOSERS and len(line) > 1 and line[-1] != " ":
                carry.insert(0, line.pop())
            while line and line[-1] == " ":
                line.pop()
            lines.append("".join(line))
            line = carry
    lines.append("".join(line))
    return lines


class Formatter(click.HelpFormatter):
    """Click's help layout, measured in terminal cells so that Chinese lines up, with Chinese colons."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _zh("Usage:") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for i, paragraph in enumerate(text.split("\n\n")):
            if i:
                self.write("\n")
            for line in wrap(paragraph.strip(), max(self.width - self.current_indent, 20)):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(first, second) for first, second, *_ in (tuple(r) + ("",) for r in rows)]
        first_col = min(max((cell_len(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cell_len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cell_len(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - self.current_indent, 20))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class Context(click.Context):
    formatter_class = Formatter


def _located(parse):
    """A usage error raised without its command (Click's parser does that) gets the command being parsed,
    so that the message can say which command's help to read."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return parse(self, ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:
                exc.ctx, exc.cmd = ctx, self
            raise

    return parse_args


class Command(click.Command):
    context_class = Context

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    parse_args = _located(click.Command.parse_args)


class Group(click.Group):
    """A group that shows its help when called without a command (exit 0), in Chinese."""

    context_class = Context
    command_class = Command
    group_class = type  # subgroups are Groups too

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    @_located
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(0)
        return click.Group.parse_args(self, ctx, args)


class Between(click.IntRange):
    """A whole number from `min` to `max`, said so in help and in the error."""

    def _describe_range(self) -> str:
        return f"{self.min} 到 {self.max}"

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"应为 {self.min} 到 {self.max} 之间的整数，这里写的是「{value}」", param, ctx)


def _tidy(message: str) -> str:
    """A Click message as one Chinese sentence: option names unquoted, Chinese punctuation."""
    message = re.sub(r"'([^'\s]+)'", r"\1", message)  # '--jobs' -> --jobs
    message = re.sub(r"(-[\w-]+) / (?=-)", r"\1/", message)  # -j / --jobs -> -j/--jobs
    message = message.replace("。 是不是想写", "，是不是想写").replace(". ", "。").strip()
    return message.removesuffix(".")


KIND_ALIASES = {alias: kind.name for kind in REGISTRY for alias in kind.aliases}
NOTHING_WRITTEN = "未生成任何文件，输出文件夹保持原样。"

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Failed(click.exceptions.Exit):
    """Problems already printed: exit with this code (Click and CliRunner both understand it)."""


def print_problems(problems: list[Problem], what: str = "") -> None:
    """Each problem on its line, then a count; `what` says what happened to the output (build only)."""
    errors = [p for p in problems if p.severity == "error"]
    for p in problems:
        err.print(str(p), markup=False, style="red" if p.severity == "error" else "yellow")
    if errors:
        err.print(f"共 {len(errors)} 个问题，请逐条改正后再运行。{what}", markup=False, style="bold red")


def _load(catalog: str | None, allow_include: tuple[str, ...], what: str = "") -> Loaded:
    try:
        return load_catalog(catalog, [Path(p) for p in allow_include])
    except ProblemsError as exc:
        print_problems(exc.problems, what)
        raise Failed(1) from None


def _cannot_write(path: Path | str, exc: OSError) -> Failed:
    """Print why `path` could not be written (a folder missing, no permission, disk full…); exit 1."""
    reason = "它所在的文件夹不存在" if isinstance(exc, FileNotFoundError) else describe_os_error(exc)
    err.print(f"{exc.filename or path}: 无法写入：{reason}。请检查路径，或换一个位置。", markup=False, style="red")
    return Failed(1)


def print_coverage(cov: Coverage, words: dict[str, str]) -> None:
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
    units = "，".join(f"{kind} {n} 个" for kind, n in cov.divisions.items()) or f"{words['处室']} 0 个"
    out.print(f"人员 {cov.people} 人，{units}，纪实本 {cov.books} 本。", markup=False)
    if cov.vacant:
        out.print(f"主要负责人空缺：{'、'.join(cov.vacant)}（任职后补写 head，补签责任书）。", markup=False)


class Door(Group):
    """The top-level group: Click's own errors printed as one Chinese line, and never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name or "dutydocs", complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "dutydocs"
            said = _tidy(exc.format_message())
            err.print(f"{said}{'' if said.endswith(('？', '。')) else '。'}运行 {command} --help 查看用法。",
                      markup=False, style="red")
            sys.exit(exc.exit_code)
        except click.exceptions.Abort as exc:
            signum = getattr(exc.__cause__, "signum", 2)
            err.print("已中断。输出文件夹里的文件都是完整的，这次没生成完的文档不会放进去；再运行一次即可补齐。", markup=False)
            sys.exit(128 + signum)
        except click.ClickException as exc:
            err.print(_tidy(exc.format_message()), markup=False, style="red")
            sys.exit(exc.exit_code)
        except Exception as exc:  # a clerk never sees a traceback
            if os.environ.get("DUTYDOCS_DEBUG"):
                raise
            err.print(f"程序内部错误：{type(exc).__name__}: {exc}。这是 dutydocs 的缺陷，不是目录的问题；"
                      "请把这条信息和所用目录发给维护人员（设置环境变量 DUTYDOCS_DEBUG=1 可看到详细信息）。",
                      markup=False, style="red")
            sys.exit(70)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=Door, name="dutydocs", context_settings={"help_option_names": ["-h", "--help"]})
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
    loaded = _load(catalog, allow_include)  # check writes nothing: no word about the output folder
    print_coverage(loaded.coverage, loaded.org.wording.words)
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
        for bit in value.replace("，", ",").replace("、", ",").split(","):
            bit = bit.strip()
            if not bit:
                continue
            kind = KIND_ALIASES.get(bit.lower())
            if kind is None:
                near = closest(bit, [*KINDS, *KIND_ALIASES])
                near = f"是不是想写「{KIND_ALIASES.get(near.lower(), near)}」？" if near else ""
                err.print(f"--only 的取值「{bit}」不认识，{near}可选：{'、'.join(KINDS)}。运行 dutydocs build --help 查看用法。",
                          markup=False, style="red")
                raise Failed(2)
            if kind not in chosen:
                chosen.append(kind)
    return tuple(k for k in KINDS if k in chosen)


@cli.command()
@catalog_argument
@click.option("-o", "--output", "output", default="output", show_default=True, metavar="文件夹", help="文档输出到哪个文件夹。")
@click.option("--only", multiple=True, metavar="类别",
              help=f"只生成某类文档：{'、'.join(KINDS)}（可写多次或用逗号分隔）。")
@click.option("--templates", "templates", metavar="文件夹", help="使用这个文件夹里的自备模板（文件名同默认模板）。")
@click.option("-j", "--jobs", type=Between(1, 64), default=None, metavar="N", help="同时使用几个进程（默认：CPU 核数）。")
@click.option("--force", is_flag=True,
              help="重新生成全部文档，包括生成后又手工改过的（手工改动会被覆盖）和没有生成记录、无法判断是否改过的。")
@click.option("--bundle", is_flag=True, help="另外把每类文档合成一个打印文件（合订本）。")
@click.option("--duplex", is_flag=True, help="合订本用于双面打印：每份文档从奇数页开始。")
@click.option("--pdf", is_flag=True, help="另外用 LibreOffice 转成 PDF。")
@click.option("--pdfa", is_flag=True, help="PDF 用 PDF/A 格式（PDF/A-2b，电子文件归档用）；含 --pdf。")
@allow_option
@click.option("--allow-templates", multiple=True, metavar="文件夹",
              help="允许目录里的 templates 使用这个文件夹里的模板（默认只能用目录所在文件夹里的）。")
def build_cmd(catalog: str | None, output: str, only: tuple[str, ...], templates: str | None, jobs: int | None,
              force: bool, bundle: bool, duplex: bool, pdf: bool, pdfa: bool, allow_include: tuple[str, ...],
              allow_templates: tuple[str, ...]) -> None:
    """生成文档：责任清单、每对签订人的廉政责任书、每位干部的全程纪实本；目录里有的，还有工作建议书、台账、廉洁信息表、四张清单；以及文件索引。"""
    kinds = _kinds(only)
    jobs = jobs or default_jobs()

    def waiting(folder: Path) -> None:
        err.print(f"另一个 dutydocs 正在向 {folder} 生成文档，等它完成后再开始……", markup=False, style="yellow")

    with contextlib.ExitStack() as hold:  # the folder stays locked until bundles and PDFs are made too
        office = None
        if pdf or pdfa:  # LibreOffice starts while the catalogue is read and the documents are made
            from .pdf import LibreOffice

            office = hold.enter_context(LibreOffice(jobs))
        loaded = _load(catalog, allow_include, NOTHING_WRITTEN)
        total = sum(1 for _ in plan(loaded.org, kinds))
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=False, disable=not err.is_terminal) as bar:
            task = bar.add_task("生成文档", total=total)
            try:
                report = build(loaded, output, kinds, Path(templates) if templates else None, jobs, force,
                               progress=lambda kind, n: bar.advance(task, n),
                               allow_templates=[Path(p) for p in allow_templates], waiting=waiting, hold=hold)
            except WriteFailed as exc:
                print_problems(exc.problems, "输出文件夹里的文件都是完整的，这次没生成完的文档不会放进去；问题解决后再运行一次即可补齐。")
                raise Failed(1) from None
            except ProblemsError as exc:
                print_problems(exc.problems, NOTHING_WRITTEN)
                raise Failed(1) from None
        print_report(report, jobs)
        if bundle or duplex or pdf or pdfa:
            _extras(loaded, report, kinds, bundle or duplex, duplex, pdf or pdfa, pdfa=pdfa, office=office, jobs=jobs)


def _extras(loaded: Loaded, report: BuildReport, kinds: tuple[str, ...], bundle: bool, duplex: bool, pdf: bool,
            pdfa: bool = False, office=None, jobs: int = 1) -> None:
    from .bundle import make_bundles, make_pdfs
    from .pdf import PdfError

    bundles = []
    if bundle:
        try:
            bundles = make_bundles(loaded, report.out, kinds, duplex=duplex)
        except ProblemsError as exc:
            print_problems(exc.problems, "合订本未生成。")
            raise Failed(1) from None
        except OSError as exc:
            raise _cannot_write(report.out, exc) from None
        for b in bundles:
            out.print(f"合订本：{b.path}（{b.documents} 份文档）", markup=False)
    if pdf:
        target = report.out / PDF_FOLDER
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=False, disable=not err.is_terminal) as bar:
            task = bar.add_task("转换 PDF", total=sum(1 for rel in report.files if rel.endswith(".docx")))
            try:
                result = make_pdfs(loaded, report.out, report.files, bundles, jobs=jobs, pdfa=pdfa, libreoffice=office,
                                   progress=lambda done, total: bar.update(task, completed=done, total=total))
            except PdfError as exc:
                err.print(str(exc), markup=False, style="red")
                raise Failed(3) from None
            except ProblemsError as exc:
                print_problems(exc.problems, "PDF 未生成。")
                raise Failed(1) from None
            except OSError as exc:
                raise _cannot_write(target, exc) from None
        kind = "PDF/A" if pdfa else "PDF"
        bundled = f"，合订本 {len(result.bundles)} 个" if result.bundles else ""
        out.print(f"{kind}：{len(result.files)} 个{bundled}，用时 {result.seconds:.1f} 秒，在 {target}", markup=False)


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
    unrecorded = f"，没有生成记录、未覆盖 {s['unrecorded']} 份" if s["unrecorded"] else ""
    out.print(f"新写入 {s['written']} 份，未变化 {s['unchanged']} 份，保留手工修改 {s['kept']} 份{unrecorded}；"
              f"用时 {report.seconds:.1f} 秒（{jobs} 个进程）。", markup=False)
    out.print(f"文档在：{report.out}（文件索引：索引.xlsx、索引.csv）", markup=False)
    if report.kept:
        out.print("以下文档生成后被手工修改过，未覆盖（确需重新生成请加 --force）：", style="yellow")
        for rel in report.kept:
            out.print(f"  {rel}", markup=False, style="yellow")
    if report.unrecorded:
        out.print(f"以下 {len(report.unrecorded)} 份文档与按目录现在生成的不同，但输出文件夹里没有它们的生成记录"
                  "（.dutydocs-manifest.json 不存在、无法读取或没有记下它们），无法判断是不是生成后手工改过的，所以未覆盖。"
                  "确认其中没有要保留的手工修改后，加 --force 重新生成：", markup=False, style="yellow")
        for rel in report.unrecorded:
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
        try:
            Path(output).write_text(text + "\n", "utf-8")
        except OSError as exc:
            raise _cannot_write(output, exc) from None
        out.print(f"已写入 {output}", markup=False)
    else:
        click.echo(text)


@cli.command()
@catalog_argument
@click.option("--as-of", "as_of", metavar="日期", help="算到哪一天，如 2026-06-30（默认：目录里最晚一条记录的日期）。")
@click.option("-o", "--output", "output", metavar="文件",
              help="另外写成 Word 和 Excel：写 督查报告 得到 督查报告.docx 和 督查报告.xlsx。")
@allow_option
def report(catalog: str | None, as_of: str | None, output: str | None, allow_include: tuple[str, ...]) -> None:
    """督查报告：到某一天，每人纪实本应有几条记录、已有几条，应谈未谈的谈话，逾期的整改事项，各类谈话人次。"""
    from .model import parse_date
    from .render import prepare
    from .report import context, supervision, workbook

    day = None
    if as_of is not None:
        try:
            day = parse_date(as_of)
        except ValueError:
            day = None
        if not isinstance(day, dt.date):
            err.print(f"--as-of 的日期「{as_of}」不对，请写成 2026-06-30 这样的日期。", markup=False, style="red")
            raise Failed(2)
    loaded = _load(catalog, allow_include)
    result = supervision(loaded, day or loaded.org.as_of())
    print_supervision(loaded, result)
    if output:
        stem = Path(output).with_suffix("") if Path(output).suffix.lower() in (".docx", ".xlsx") else Path(output)
        tpl, problems = prepare(templates_dir() / "督查报告.docx")
        if tpl is None:
            print_problems(problems, "")
            raise Failed(70)
        try:
            atomic_write(stem.with_suffix(".docx"), tpl.render(context(loaded, result)))
            atomic_write(stem.with_suffix(".xlsx"), workbook(loaded, result))
        except OSError as exc:
            raise _cannot_write(str(stem), exc) from None
        out.print(f"已写入 {stem.with_suffix('.docx')}、{stem.with_suffix('.xlsx')}", markup=False)


def print_supervision(loaded: Loaded, result) -> None:
    """The report on the terminal: progress per cadre, what is behind, talks owed, overdue items."""
    from .chinese import cn_date

    say = loaded.org.wording.get("report", "statuses")
    out.print(f"截至 {cn_date(result.as_of)}", markup=False, style="bold")
    table = Table(title="履责纪实进度", title_justify="left")
    for col, just in (("姓名", "left"), ("应有记录", "right"), ("已有记录", "right"), ("记录不足（项）", "right")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for name, expected, recorded, behind in result.by_person():
        table.add_row(name, str(expected), str(recorded), str(behind), style="yellow" if behind else None)
    out.print(table)
    talks = Table(title="廉政谈话", title_justify="left")
    talks.add_column("谈话类型")
    talks.add_column("人次", justify="right")
    for kind, n in result.talk_counts.items():
        talks.add_row(kind, str(n))
    out.print(talks)
    owed = [t for t in result.talks if t.status in ("overdue", "not_due")]
    late = [f"{t.superior}—{t.subordinate}" for t in result.talks if t.status == "late"]
    out.print(f"签订责任书的 {len(result.talks)} 对中，已谈 {len(result.talks) - len(owed)} 对"
              f"{f'（逾期补谈 {len(late)} 对）' if late else ''}，"
              f"未谈 {len(owed)} 对（{'、'.join(sorted({say[t.status] for t in owed})) or '无'}）。", markup=False)
    for t in [t for t in result.talks if t.status == "overdue"][:20]:
        out.print(f"  逾期未谈：{t.superior}—{t.subordinate}（应在{t.due}前谈）", markup=False, style="red")
    if result.overdue:
        late = Table(title="逾期未完成的整改事项", title_justify="left")
        for col in ("来源", "问题", "责任单位（责任人）", "时限", "逾期天数"):
            late.add_column(col, overflow="fold")
        for o in result.overdue:
            late.add_row(o.source, o.text, o.owner, o.due, str(o.days), style="red")
        out.print(late)
    if result.unreadable:
        out.print(f"读不出频次的职责 {len(result.unreadable)} 项（在职责里写 frequency，如 每季度1次，即可计算）：",
                  markup=False, style="yellow")
        for r in result.unreadable[:20]:
            out.print(f"  {r.person} {r.code} {r.text[:30]}……（{r.read_from or '没写完成时限'}）", markup=False)


@cli.command()
@click.option("-o", "--output", "output", metavar="文件", help="写入文件（默认打印到屏幕）。")
def wording(output: str | None) -> None:
    """输出默认措辞（wording.yaml）：各类单位的用词和文书里每一句固定的话，改写时照抄键名。"""
    from importlib import resources

    text = resources.files("dutydocs").joinpath("wording.yaml").read_text("utf-8")
    if output:
        try:
            Path(output).write_text(text, "utf-8")
        except OSError as exc:
            raise _cannot_write(output, exc) from None
        out.print(f"已写入 {output}", markup=False)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("folder", metavar="文件夹")
@click.option("--from", "source", metavar="原目录",
              help="由这份目录转入下一年度：年度和日期顺延，上年度的任务和纪实记录留在原目录，注释和文件拆分照旧。")
@click.option("--year", type=Between(2000, 2100), default=None, metavar="年度", help="新目录的年度（默认：原目录的下一年）。")
@allow_option
def init(folder: str, source: str | None, year: int | None, allow_include: tuple[str, ...]) -> None:
    """在文件夹里建一份带注释的起步目录，供填写；加 --from 则由上一年度的目录转入新年度。"""
    target = Path(folder)
    if target.exists() and not target.is_dir():
        err.print(f"{target} 是一个文件，不是文件夹。请指定一个新的或空的文件夹。", markup=False, style="red")
        raise Failed(1)
    if target.exists() and any(target.iterdir()):
        err.print(f"文件夹 {target} 不是空的。为免覆盖已有文件，请指定一个新的或空的文件夹。", markup=False, style="red")
        raise Failed(1)
    if year is not None and source is None:
        err.print("--year 要和 --from 一起用：由哪份目录转入这个年度。运行 dutydocs init --help 查看用法。", markup=False, style="red")
        raise Failed(2)
    if source is not None:
        from .rollover import rollover, summary

        try:
            rolled = rollover(source, target, year, [Path(p) for p in allow_include])
        except ProblemsError as exc:
            print_problems(exc.problems, "新目录未建立。" if not target.exists() else "")
            raise Failed(1) from None
        except OSError as exc:
            raise _cannot_write(target, exc) from None
        for line in summary(rolled):
            out.print(line, markup=False)
        return
    try:
        shutil.copytree(starter_catalog(), target, dirs_exist_ok=True, copy_function=shutil.copyfile)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
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
    if target.exists() and not target.is_dir():
        err.print(f"{target} 是一个文件，不是文件夹。请指定一个文件夹（没有的会新建）。", markup=False, style="red")
        raise Failed(1)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in sorted(p.name for p in templates_dir().glob("*.docx")):
            dest = target / name
            if dest.exists() and not force:
                err.print(f"{dest} 已存在，未覆盖（加 --force 覆盖）。", markup=False, style="yellow")
                continue
            shutil.copyfile(templates_dir() / name, dest)
            out.print(f"已导出 {dest}", markup=False)
    except OSError as exc:
        raise _cannot_write(target, exc) from None


def _refuse_existing(path: Path, force: bool) -> None:
    if path.is_dir():
        err.print(f"{path} 是一个文件夹，请写一个文件名。", markup=False, style="red")
        raise Failed(1)
    if path.exists() and not force:
        err.print(f"{path} 已存在，未覆盖（确需覆盖请加 --force）。", markup=False, style="red")
        raise Failed(1)


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _column_map(columns: tuple[str, ...]) -> dict[str, str]:
    from .roster import PEOPLE_LABELS, field_of

    mapping: dict[str, str] = {}
    for value in columns:
        for bit in re.split(r"[,，;；]", value):
            if not bit.strip():
                continue
            header, sep, name = bit.replace("＝", "=").partition("=")
            key = field_of(name) if sep else None
            if not sep or not header.strip() or key is None:
                err.print(f"--columns 的「{bit.strip()}」看不懂：要写成 表头=列，如 --columns 现职=职务；列可选："
                          f"{'、'.join(v for k, v in PEOPLE_LABELS.items() if k != 'seq')}。", markup=False, style="red")
                raise Failed(2)
            mapping[header.strip()] = key
    return mapping


@cli.command("import")
@click.argument("roster", metavar="花名册")
@click.option("-o", "--output", "output", metavar="文件", help="写入这个 YAML 文件（默认打印到屏幕），再在目录里 include 它。")
@click.option("--columns", multiple=True, metavar="表头=列",
              help="认不出的表头指明是哪一列，如 --columns 现职=职务 --columns 部门名=所在处室（可写多次或用逗号分隔）。")
@click.option("--catalog", "catalog", metavar="目录",
              help="按这份目录检查岗位、职级和处室（它原有的人员由花名册代替）；不写时只查花名册本身。")
@click.option("--force", is_flag=True, help="覆盖已有的输出文件。")
@allow_option
def import_cmd(roster: str, output: str | None, columns: tuple[str, ...], catalog: str | None, force: bool,
               allow_include: tuple[str, ...]) -> None:
    """把 Excel 花名册（.xlsx、.csv）导入为目录的 people 和 divisions 两节。"""
    from .roster import RosterError, import_roster, roster_yaml

    mapping = _column_map(columns)
    target = Path(output) if output else None
    if target is not None:
        _refuse_existing(target, force)
    if not Path(roster).is_file():
        err.print(f"{roster}: 找不到这个文件，请检查路径。", markup=False, style="red")
        raise Failed(1)
    try:
        got = import_roster(roster, catalog, mapping, [Path(p) for p in allow_include])
    except (RosterError, ProblemsError) as exc:
        print_problems(exc.problems, "未写入任何文件。" if target else "")
        raise Failed(1) from None
    errors = [p for p in got.problems if p.severity == "error"]
    if errors:
        print_problems(got.problems, "未写入任何文件。" if target else "")
        raise Failed(1)
    for p in got.problems:
        err.print(str(p), markup=False, style="yellow")
    for note in got.notes:
        err.print(f"提醒：{note}", markup=False, style="yellow")
    text = roster_yaml(got, Path(roster).name)
    if target is None:
        click.echo(text, nl=False)
        return
    _write(target, text.encode("utf-8"))
    units = len(got.sections.get("divisions", []))
    out.print(f"已写入 {target}：人员 {len(got.sections['people'])} 人" + (f"，处室（单位）{units} 个" if units else "")
              + f"。在目录的 catalog.yaml 里写 include: [{target.name}] 使用；也可以直接 include 花名册本身。", markup=False)


@cli.command("export")
@click.argument("output", metavar="花名册.xlsx")
@catalog_argument
@click.option("--force", is_flag=True, help="覆盖已有的文件。")
@allow_option
def export_cmd(output: str, catalog: str | None, force: bool, allow_include: tuple[str, ...]) -> None:
    """把目录的人员、岗位、处室和分管关系写成 Excel 花名册，改好后可再 import 或直接 include。"""
    from .roster import export_roster

    target = Path(output)
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        err.print(f"{output}: 花名册要写成 Excel 工作簿，文件名请以 .xlsx 结尾。", markup=False, style="red")
        raise Failed(2)
    _refuse_existing(target, force)
    loaded = _load(catalog, allow_include)
    data = export_roster(loaded.catalog, loaded.org.wording.words, loaded.org.wording.ranks)
    _write(target, data)
    cat = loaded.catalog
    out.print(f"已写入 {target}：人员 {len(cat.people)} 人，处室（单位）{len(cat.divisions)} 个。", markup=False)


@cli.command("diff")
@click.argument("old", metavar="原目录")
@click.argument("new", metavar="新目录")
@click.option("-o", "--output", "output", metavar="文件.xlsx", help="另外把变动写成 Excel 表格。")
@click.option("--force", is_flag=True, help="覆盖已有的输出文件。")
@allow_option
def diff_cmd(old: str, new: str, output: str | None, force: bool, allow_include: tuple[str, ...]) -> None:
    """比较两份目录（上年度与本年度，或人事变动前后）：人员、处室、要重签和作废的责任书、要发放和收回的纪实本、职责。"""
    from .diff import compare, diff_xlsx

    if output:
        if not output.lower().endswith(".xlsx"):
            err.print(f"{output}: 输出文件请以 .xlsx 结尾。", markup=False, style="red")
            raise Failed(2)
        _refuse_existing(Path(output), force)
    before = _load(old, allow_include)
    after = _load(new, allow_include)
    result = compare(before, after, old, new)
    for note in result.notes:
        out.print(note, markup=False, style="yellow")
    if result.empty:
        out.print("两份目录在人员、处室、责任书、纪实本和职责上没有差别。", markup=False, style="green")
    for title, rows, heads in result.sections():
        if not rows:
            continue
        shown = [r for r in rows if r.what not in ("改编号",)]
        renumbered = len(rows) - len(shown)
        table = Table(title=f"{title}（{len(rows)}）", title_justify="left")
        for head in heads:
            table.add_column(head, overflow="fold")
        for row in shown:
            table.add_row(*[row.what, row.name, row.detail, row.old_file, row.new_file][: len(heads)])
        if shown:
            out.print(table)
        if renumbered:
            out.print(f"另有 {renumbered} 份{title}只是编号和文件名变了，内容不变，不必重签或重发"
                      f"{'（明细见 ' + output + '）' if output else '（加 -o 变动.xlsx 可看明细）'}。", markup=False)
    if output:
        _write(Path(output), diff_xlsx(result))
        out.print(f"已写入 {output}", markup=False)


@cli.command("map")
@catalog_argument
@click.option("-o", "--output", "output", default="责任体系图.svg", show_default=True, metavar="文件",
              help="图片文件：.svg、.png 或 .pdf。")
@click.option("--force", is_flag=True, help="覆盖已有的文件。")
@allow_option
def map_cmd(catalog: str | None, output: str, force: bool, allow_include: tuple[str, ...]) -> None:
    """画责任体系图：层级自上而下、各层级的人员、分管关系、各层面的签订对子，责任盲区标红。"""
    from .sysmap import FORMATS, MapError, build_dot, render

    target = Path(output)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        err.print(f"{output}: 图片格式只能是 {'、'.join('.' + f for f in FORMATS)}，请改文件名的扩展名。", markup=False, style="red")
        raise Failed(2)
    _refuse_existing(target, force)
    loaded = _load(catalog, allow_include)
    graph = build_dot(loaded.org)
    try:
        data = render(graph, fmt)
    except MapError as exc:
        err.print(str(exc), markup=False, style="red")
        raise Failed(3) from None
    _write(target, data)
    out.print(f"已写入 {target}：{graph.nodes} 个节点，责任书 {graph.pair_edges} 对，分管关系 {graph.supervision_edges} 条。",
              markup=False)


def main() -> None:
    """The console script."""
    cli.main(prog_name="dutydocs")
