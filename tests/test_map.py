"""dutydocs map: an SVG whose nodes and edges are the organisation's; blind spots in red; no Graphviz, a clear message."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, write_catalog
from dutydocs import load_catalog
from dutydocs.cli import cli
from dutydocs.resources import sample_catalog
from dutydocs.sysmap import INSTALL, blind_spots, build_dot, q

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) is not installed")


@needs_dot
def test_the_svg_has_a_node_for_each_body_person_and_unit_and_an_edge_for_each_pair_and_line(tmp_path):
    out = tmp_path / "责任体系图.svg"
    result = CliRunner().invoke(cli, ["map", str(sample_catalog()), "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text("utf-8")
    org = load_catalog(sample_catalog()).org
    cat = org.catalog
    bodies = sum(1 for t in org.tiers if t.tier.kind == "组织")
    assert svg.count('class="node"') == bodies + len(cat.people) + len(cat.divisions)
    assert len(re.findall(r'<g id="pair_', svg)) == len(org.pairs) == 76
    assert len(re.findall(r'<g id="sup_', svg)) == sum(len(p.supervises) for p in cat.people)
    for level in (1, 2, 3):
        assert len(re.findall(rf'<g id="pair_{level}_', svg)) == sum(1 for p in org.pairs if p.level == level)
    assert "沈文澜" in svg and "机关党组书记" in svg and "#d62728" not in svg  # the sample has no blind spots


@needs_dot
def test_blind_spots_are_red_and_png_pdf_render(tmp_path):
    folder = write_catalog(tmp_path / "c", MINIMAL.replace("  - {name: 秘书处, head: 李四}\n",
                                                            "  - {name: 秘书处, head: 李四}\n  - {name: 档案处}\n")
                           .replace("people:\n", "people:\n  - {name: 周九, title: 调研员, rank: 科员}\n"))
    org = load_catalog(folder).org
    spots = blind_spots(org)
    assert spots.people == {"周九": "不属于任何层级"} and spots.units == {"档案处": "没有分管领导"}
    source = build_dot(org).source
    assert source.count("#d62728") >= 2
    for suffix, magic in ((".png", b"\x89PNG"), (".pdf", b"%PDF")):
        out = tmp_path / f"图{suffix}"
        result = CliRunner().invoke(cli, ["map", str(folder), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)


def test_without_graphviz_a_chinese_message_and_exit_3(tmp_path, monkeypatch):
    monkeypatch.setattr("dutydocs.sysmap.shutil.which", lambda name: None)
    result = CliRunner().invoke(cli, ["map", str(sample_catalog()), "-o", str(tmp_path / "a.svg")])
    assert result.exit_code == 3
    assert "apt-get install graphviz" in result.output and not (tmp_path / "a.svg").exists()
    assert INSTALL.startswith("没有找到 Graphviz")


def test_names_are_quoted_so_nothing_is_read_as_dot():
    assert q('a"b\\N\n') == '"a\\"b\\\\N\\n"'
    result = CliRunner().invoke(cli, ["map", "-o", "图.gif"])
    assert result.exit_code == 2 and ".svg" in result.output
