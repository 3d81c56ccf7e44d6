"""The command line through Click's CliRunner: exit codes and what a clerk reads."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from click.testing import CliRunner
from docx import Document

from conftest import MINIMAL, write_catalog
from dutydocs.catalog import load_raw
from dutydocs.cli import cli
from dutydocs.resources import sample_catalog, templates_dir


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_check_prints_coverage_and_passes(minimal):
    result = run("check", str(minimal))
    assert result.exit_code == 0
    assert "各层级覆盖情况" in result.output and "廉政责任书签订情况" in result.output
    assert "目录检查通过" in result.output


def test_check_reports_every_problem_located_and_exits_non_zero(tmp_path):
    text = MINIMAL.replace("rank: 正处级", "rank: 正处").replace("{name: 张三,", "{name: 张三, age: 50,")
    folder = write_catalog(tmp_path / "c", text)
    result = run("check", str(folder))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if "catalog.yaml:" in line]
    assert len(lines) == 2
    assert any("people[0].age: 未知的键「age」" in line for line in lines)
    assert any("people[2].rank: 不认识的取值「正处」。是不是想写「正处级」？" in line for line in lines)
    assert "共 2 个问题" in result.stderr


def test_check_strict_fails_on_blind_spots(tmp_path):
    text = MINIMAL.replace("  - {name: 李四,", "  - {name: 赵七}\n  - {name: 李四,")
    folder = write_catalog(tmp_path / "c", text)
    assert run("check", str(folder)).exit_code == 0
    result = run("check", "--strict", str(folder))
    assert result.exit_code == 2
    assert "责任盲区：「赵七」不属于任何层级" in result.output


def test_check_sample_counts(sample):
    result = run("check")
    assert result.exit_code == 0
    assert "│ 合计 " in result.output.replace("┃", "│") or "合计" in result.output
    assert f"│ {len(sample.org.pairs):>4} │" in result.output or str(len(sample.org.pairs)) in result.output


def test_build_writes_documents_and_summary(minimal, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(minimal), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    assert "新写入 6 份" in result.output
    assert len(list(out.rglob("*.docx"))) == 6
    again = run("build", str(minimal), "-o", str(out), "-j", "1")
    assert "新写入 0 份，未变化 6 份" in again.output


def test_build_only_one_kind(minimal, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(minimal), "-o", str(out), "--only", "责任书")
    assert result.exit_code == 0
    assert sorted(p.parent.name for p in out.rglob("*.docx")) == ["责任书", "责任书"]
    bad = run("build", str(minimal), "-o", str(out), "--only", "信")
    assert bad.exit_code == 2 and "--only 的取值「信」不认识" in bad.stderr


def test_build_without_argument_uses_the_sample(tmp_path, monkeypatch, sample):
    monkeypatch.chdir(tmp_path)
    result = run("build", "--only", "清单")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "output").rglob("*.docx"))) == 1


def test_build_bad_catalogue_writes_nothing(tmp_path):
    folder = write_catalog(tmp_path / "c", MINIMAL.replace("year: 2026", "year: x"))
    result = run("build", str(folder), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "organ.year" in result.stderr and "未生成任何文件" in result.stderr
    assert not (tmp_path / "out").exists()


def test_schema_is_json_and_validates_the_sample(tmp_path):
    result = run("schema")
    schema = json.loads(result.output)
    raw, problems = load_raw(sample_catalog())
    assert problems == []
    data = json.loads(json.dumps(raw.data, default=str))
    jsonschema.validate(data, schema)
    broken = dict(data, organ=dict(data["organ"], year="二〇二六"))
    try:
        jsonschema.validate(broken, schema)
    except jsonschema.ValidationError as exc:
        assert list(exc.absolute_path) == ["organ", "year"]
    else:
        raise AssertionError("schema accepted a non-integer year")
    assert "各层级" not in schema and schema["properties"]["people"]["description"] == "人员"
    out = tmp_path / "s.json"
    assert run("schema", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text("utf-8")) == schema


def test_init_creates_a_starter_that_checks_clean(tmp_path):
    target = tmp_path / "new"
    result = run("init", str(target))
    assert result.exit_code == 0
    assert (target / "catalog.yaml").is_file()
    assert run("check", str(target)).exit_code == 0
    assert yaml.safe_load((target / "catalog.yaml").read_text("utf-8"))["organ"]["year"] == 2026
    again = run("init", str(target))
    assert again.exit_code == 1 and "不是空的" in again.stderr


def test_templates_export_and_use_a_copy(minimal, tmp_path):
    folder = tmp_path / "mytpl"
    result = run("templates", "export", str(folder))
    assert result.exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in templates_dir().glob("*.docx"))
    assert {"责任清单.docx", "廉政责任书.docx", "全程纪实本.docx"} <= {p.name for p in folder.iterdir()}
    out = tmp_path / "out"
    assert run("build", str(minimal), "-o", str(out), "--templates", str(folder)).exit_code == 0
    missing = run("build", str(minimal), "-o", str(out), "--templates", str(tmp_path / "nope"))
    assert missing.exit_code == 1 and "找不到模板文件夹" in missing.stderr


def test_help_is_chinese():
    result = run("--help")
    assert "生成党风廉政建设责任清单" in result.output
    assert "检查目录" in run("check", "--help").output


def test_catalogue_key_templates_is_used(tmp_path):
    tpl = tmp_path / "c" / "tpl"
    run("templates", "export", str(tpl))
    doc = Document(tpl / "责任清单.docx")
    doc.add_paragraph("本单位自备模板：{{ organ }}")
    doc.save(tpl / "责任清单.docx")
    folder = write_catalog(tmp_path / "c", MINIMAL + "templates: tpl\n")
    result = run("build", str(folder), "-o", str(tmp_path / "out"), "--only", "清单")
    assert result.exit_code == 0
    made = next(Path(tmp_path / "out" / "责任清单").glob("*.docx"))
    assert Document(made).paragraphs[-1].text == "本单位自备模板：测试机关"


def test_the_console_script_speaks_chinese_on_usage_errors(tmp_path):
    import subprocess
    import sys

    def script(*args):
        return subprocess.run([sys.executable, "-m", "dutydocs", *args], capture_output=True, text=True, cwd=tmp_path)

    typo = script("build", "--jobz", "2")
    assert typo.returncode == 2
    assert typo.stderr.strip() == "没有这个选项：--jobz，是不是想写 --jobs？运行 dutydocs build --help 查看用法。"
    assert script("buid").stderr.startswith("没有这个命令：buid")
    assert "Traceback" not in typo.stderr + typo.stdout


def test_wording_prints_the_default_clauses_and_init_shows_how_to_change_them(tmp_path):
    import yaml

    runner = CliRunner()
    result = runner.invoke(cli, ["wording"])
    assert result.exit_code == 0
    data = yaml.safe_load(result.output)
    assert set(data["presets"]) == {"机关", "局", "乡镇", "高校", "国企", "医院"}
    assert data["letter"]["title"] == "{年}年度党风廉政建设责任书"
    assert runner.invoke(cli, ["init", str(tmp_path / "new")]).exit_code == 0
    starter = (tmp_path / "new" / "wording.yaml").read_text("utf-8")
    assert starter.startswith("# 改写文书的固定文字") and "wording:" in starter
    checked = runner.invoke(cli, ["check", str(tmp_path / "new")])
    assert checked.exit_code == 0, checked.output
