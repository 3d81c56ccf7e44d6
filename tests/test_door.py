"""The door (cli.py): help and errors entirely in Chinese, help when called bare, exit codes."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import MINIMAL, write_catalog
from dutydocs import cli as door
from dutydocs.cli import CLICK_DEVELOPER_ONLY, CLICK_ZH, cli, wrap


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# Words that may stay in Latin letters: names of things a clerk types or installs, command names.
PROPER = {"dutydocs", "YAML", "Word", "JSON", "Schema", "LibreOffice", "PDF", "CPU", "include", "templates",
          "output", "build", "check", "init", "schema", "export", "wording", "yaml", "report", "Excel", "docx", "xlsx",
          "diff", "import", "map", "people", "divisions", "csv", "svg", "png", "pdf", "WPS"}
HELPS = [["--help"], ["build", "--help"], ["check", "--help"], ["templates", "--help"], ["templates", "export", "--help"],
         ["init", "--help"], ["schema", "--help"], ["wording", "--help"], ["report", "--help"],
         ["import", "--help"], ["export", "--help"], ["diff", "--help"], ["map", "--help"]]


def english_words(text: str) -> list[str]:
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)  # option names: -o, --allow-include
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in PROPER]


@pytest.mark.parametrize("args", HELPS, ids=[" ".join(a) for a in HELPS])
def test_help_is_entirely_chinese(args):
    result = run(*args)
    assert result.exit_code == 0
    assert english_words(result.output) == []
    command = " ".join(args[:-1])
    assert result.output.startswith(f"用法：dutydocs {command}{' ' if command else ''}[选项]")
    assert "\n选项：\n" in result.output and "  -h, --help" in result.output and "显示本帮助并退出。" in result.output


def test_help_says_defaults_ranges_and_versions_in_chinese():
    root = run("--help").output
    assert "命令 [参数]..." in root and "\n命令：\n" in root and "-V, --version  显示版本号并退出。" in root
    build = run("build", "--help").output
    assert "[默认：output]" in build and "[1 到 64]" in build
    assert run("--version").output == "dutydocs 0.1.0\n"


def test_help_columns_line_up_in_terminal_cells():
    from rich.cells import cell_len

    lines = run("build", "--help").output.splitlines()
    columns = set()
    for line in lines:
        m = re.match(r"  -\S*(?: \S+)*?\s{2,}(?=\S)", line)  # an option, its metavar, then the description
        if m:
            columns.add(cell_len(m.group(0)))
    assert len(columns) == 1, lines  # every description starts in the same terminal column
    continued = [line for line in lines if line.startswith(" " * 10)]
    assert continued and {cell_len(line) - cell_len(line.lstrip()) for line in continued} == columns
    assert all(cell_len(line) <= 80 for line in lines)  # CliRunner forces a width of 80


def test_wrap_breaks_chinese_anywhere_but_before_closing_punctuation():
    assert wrap("一二三四五，六七", 10) == ["一二三四", "五，六七"]  # "，" takes "五" along
    assert wrap("用 LibreOffice 转成 PDF", 12) == ["用", "LibreOffice", "转成 PDF"]
    assert wrap("", 10) == [""]


@pytest.mark.parametrize("args", [[], ["templates"]], ids=["dutydocs", "dutydocs templates"])
def test_bare_command_shows_its_help(args):
    result = run(*args)
    assert result.exit_code == 0
    assert result.output == run(*args, "--help").output


@pytest.mark.parametrize("value", ["0", "65", "两个"])
def test_jobs_out_of_range_says_the_range(value):
    result = run("build", "-j", value)
    assert result.exit_code == 2
    assert result.stderr == f"-j/--jobs 的值不对：应为 1 到 64 之间的整数，这里写的是「{value}」。运行 dutydocs build --help 查看用法。\n"


def test_misspelt_kind_lists_the_kinds(minimal):
    result = run("build", str(minimal), "--only", "责任本")
    assert result.exit_code == 2
    assert result.stderr == ("--only 的取值「责任本」不认识，是不是想写「责任书」？可选：清单、责任书、纪实本、建议书、"
                             "销号台账、谈话台账、信息表、四张清单。"
                             "运行 dutydocs build --help 查看用法。\n")


def test_check_errors_do_not_speak_of_the_output_folder(tmp_path):
    folder = write_catalog(tmp_path / "c", MINIMAL.replace("year: 2026", "year: x"))
    checked = run("check", str(folder))
    assert checked.exit_code == 1
    assert checked.stderr.splitlines()[-1] == "共 1 个问题，请逐条改正后再运行。"
    built = run("build", str(folder), "-o", str(tmp_path / "out"))
    assert built.stderr.splitlines()[-1] == "共 1 个问题，请逐条改正后再运行。未生成任何文件，输出文件夹保持原样。"


def test_force_says_what_it_does():
    force = next(p for p in cli.commands["build"].params if p.name == "force")
    assert force.help.startswith("重新生成全部文档，包括生成后又手工改过的（手工改动会被覆盖）")


def test_coverage_summary_uses_the_organs_word_for_its_units(tmp_path):
    folder = write_catalog(tmp_path / "c", MINIMAL.replace("  year: 2026\n", "  year: 2026\n  words: {处室: 股室}\n"))
    result = run("check", str(folder))
    assert result.exit_code == 0, result.output
    assert "人员 3 人，股室 1 个，纪实本 3 本。" in result.output


def test_a_bug_is_one_line_and_exit_70(minimal, tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("意外")

    monkeypatch.setattr(door, "build", boom)
    monkeypatch.delenv("DUTYDOCS_DEBUG", raising=False)
    result = run("build", str(minimal), "-o", str(tmp_path / "out"))
    assert result.exit_code == 70
    assert result.stderr.splitlines() == [
        "程序内部错误：RuntimeError: 意外。这是 dutydocs 的缺陷，不是目录的问题；请把这条信息和所用目录发给维护人员"
        "（设置环境变量 DUTYDOCS_DEBUG=1 可看到详细信息）。"]


def test_commands_that_cannot_write_say_why(tmp_path):
    target = tmp_path / "没有" / "s.json"
    result = run("schema", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == f"{target}: 无法写入：它所在的文件夹不存在。请检查路径，或换一个位置。\n"


# ---------------------------------------------------------------- Click's own messages


def click_messages() -> set[str]:
    """Every message the installed Click marks for translation."""
    found = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                for arg in node.args[: 2 if node.func.id == "ngettext" else 1]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(arg.value)
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_click_message_has_its_chinese():
    messages = click_messages()
    assert len(messages) > 50
    assert messages - set(CLICK_ZH) - CLICK_DEVELOPER_ONLY == set()


def test_translations_use_only_the_placeholders_click_fills():
    for english, chinese in CLICK_ZH.items():
        assert fields(chinese) <= fields(english), english
        assert re.search(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}|%\(\w+\)s|UUID|Bash|Windows", "", chinese)) is None, chinese


def test_clicks_own_error_display_is_chinese(capsys):
    parent = door.Context(cli, info_name="dutydocs")
    parent.help_option_names = ["-h", "--help"]
    ctx = door.Context(cli.commands["build"], info_name="build", parent=parent)
    click.UsageError("多了参数", ctx).show()
    shown = capsys.readouterr().err.splitlines()
    assert shown == ["用法：dutydocs build [选项] [目录]", "运行 dutydocs build --help 查看用法。", "", "错误：多了参数"]


# ---------------------------------------------------------------- installing


ROOT = Path(__file__).resolve().parents[1]


def test_install_hint_readme_and_ci_name_the_same_packages():
    from dutydocs.pdf import INSTALL_HINT, PACKAGES

    assert PACKAGES.split() == ["libreoffice-writer-nogui", "fonts-noto-cjk", "fonts-arphic-ukai", "poppler-utils"]
    assert f"apt-get install {PACKAGES}" in INSTALL_HINT
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"sudo apt-get install {PACKAGES}" in readme
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    installed = " ".join(line.strip(" \\") for line in ci[ci.index("apt-get install"):].split("\n\n")[0].splitlines())
    assert set(PACKAGES.split()) | {"python3", "python3-venv", "python3-pip"} <= set(installed.split())
    assert ci.index("apt-get update") < ci.index("apt-get install")


def test_licence_is_mit_as_pyproject_says():
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text("utf-8")
    licence = (ROOT / "LICENSE").read_text("utf-8")
    assert licence.startswith("MIT License\n") and "dutydocs contributors" in licence
