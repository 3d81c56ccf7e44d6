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

# A half year in miniature: records, talks of three kinds, a recommendation letter with one item
# closed and one overdue, an integrity form and one month of the four lists.
YEAR = """\
records:
  - {person: 李四, date: 2026-03-05, duty: 3-1, content: 召开处务会。}
talks:
  - {date: 2026-03-10, talker: 张三, target: 王五, kind: 一般性廉政谈话, content: 提醒。}
  - {date: 2026-04-10, talker: 王五, target: 李四, kind: 提醒谈话, reason: 苗头问题}
  - {date: 2026-04-20, talker: 派驻组组长 林振声, target: 李四, kind: 任前廉政谈话}
advice:
  - number: 驻测纪检〔2026〕1号
    date: 2026-03-10
    source: 在日常监督和专项检查中
    reply_by: 2026-04-10
    cc: [测试纪委]
    items:
      - problem: 公车管理不规范。
        recommendation: 完善公车使用审批。
        leader: 王五
        owner: 秘书处
        due: 2026-05-31
        status: 已完成
        closed: 2026-05-20
        evidence: 测试〔2026〕3号
        approver: 林振声
      - problem: 制度汇编滞后。
        recommendation: 修订制度汇编。
        leader: 王五
        owner: 李四
        due: 2026-04-30
        status: 整改中
        progress: [{date: 2026-04-15, text: 已完成初稿}]
integrity:
  - person: 张三
    gender: 男
    born: 1968.05
    family: [{relation: 配偶, name: 赵某, born: 1970.01, political: 中共党员, work: 某中学教师}]
    matters: [{date: 2026-01-20, category: 个人有关事项年度报告, content: 按规定报告, received_by: 组织处}]
four_lists:
  - month: 4
    achievements: [完成一季度纪实本抽查]
    highlights: [建立谈话台账]
    problems: [部分处室记录笼统]
    tasks: [{text: 开展公车专项检查, owner: 林振声, due: 2026-05-31}]
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
