"""Shared fixtures: tiny catalogues written inline, and the sample built once per session."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dutydocs import load_catalog
from dutydocs.build import build
from dutydocs.resources import sample_catalog

MINIMAL = """\
organ:
  name: 测试机关
  party_group: 中共测试机关党组
  year: 2026
  issue_date: 2026-02-18
posts: [党组书记, 党组成员, 处长]
tiers:
  - id: 书记
    name: 党组书记
    kind: 岗位
    holders: {posts: [党组书记]}
    duties:
      - text: 履行第一责任人职责。
  - id: 成员
    name: 党组成员
    kind: 岗位
    holders: {posts: [党组成员]}
    duties:
      - text: 落实一岗双责。
        due: 每季度
  - id: 处长
    name: 处室负责人
    kind: 岗位
    holders: {posts: [处长]}
    duties:
      - text: 抓好本处室党风廉政建设。
      - text: 每季度向纪委报告一次。
        type: 监督责任
divisions:
  - {name: 秘书处, head: 李四}
people:
  - {name: 张三, title: 党组书记, posts: [党组书记], rank: 正厅级}
  - {name: 王五, title: 党组成员, posts: [党组成员], rank: 副厅级, supervises: [秘书处]}
  - {name: 李四, title: 秘书处处长, posts: [处长], rank: 正处级, division: 秘书处}
signing:
  rules:
    - {level: 1, superior: {posts: [党组书记]}, subordinate: {tiers: [成员]}}
    - {level: 2, via: 分管, superior: {tiers: [成员]}}
"""


def write_catalog(folder: Path, files: dict[str, str] | str) -> Path:
    """Write catalogue files (name -> YAML text) into `folder`; returns the folder."""
    if isinstance(files, str):
        files = {"catalog.yaml": files}
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), "utf-8")
    return folder


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "cat", MINIMAL)


@pytest.fixture(scope="session")
def sample():
    return load_catalog(sample_catalog())


@pytest.fixture(scope="session")
def built(sample, tmp_path_factory):
    """The sample catalogue rendered once: (loaded, output folder, report)."""
    out = tmp_path_factory.mktemp("out")
    report = build(sample, out, jobs=2)
    return sample, out, report
