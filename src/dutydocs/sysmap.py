"""A picture of the responsibility system: `dutydocs map -o 责任体系图.svg`.

Tiers top to bottom, each a box holding its people (a collective body — 党组, 党委, 纪委 — as one node
with its head count); the units at the foot; every signing pair as an arrow from 责任领导 to 责任人,
coloured by level; every supervision line (分管) as a dashed arrow from the leader to the unit; the blind
spots of `check` in red: someone in no tier, a post holder who signs no letter, a unit nobody supervises
or with no head, a tier nobody holds. "横向到边、纵向到底" at a glance.

Graphviz (`dot`) lays it out: it runs with a time limit, on DOT text written here with every name
quoted, and with the project's fontconfig file so Chinese labels use the CJK fonts in PNG and PDF.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from dataclasses import dataclass, field

from .org import Organisation
from .resources import fontconfig_dir

FORMATS = ("svg", "png", "pdf")
FONT = "Noto Sans CJK SC,Source Han Sans SC,Microsoft YaHei,SimHei,sans-serif"
LEVEL_COLORS = ("#1f5fbf", "#2e8b3d", "#d9822b", "#8e44ad", "#16a085", "#7f8c8d", "#c0392b", "#2c3e50", "#b7950b")
RED = "#d62728"
ROW = 10  # a tier with more people than this is laid out in rows of this many
TIMEOUT = 120  # seconds for dot

INSTALL = ("没有找到 Graphviz（dot 命令），画不了责任体系图。请先安装：Debian/Ubuntu 运行 sudo apt-get install graphviz；"
           "Windows 从 graphviz.org 下载安装包，安装时选“把 Graphviz 加入系统 PATH”；macOS 运行 brew install graphviz。"
           "装好后重新打开命令行窗口再运行。")


class MapError(Exception):
    """dot is missing, failed or took too long; the message is for the clerk."""


@dataclass
class BlindSpots:
    people: dict[str, str] = field(default_factory=dict)  # name -> why
    units: dict[str, str] = field(default_factory=dict)
    tiers: dict[str, str] = field(default_factory=dict)  # tier id -> why


def blind_spots(org: Organisation) -> BlindSpots:
    """The blind spots coverage.py warns of, by what they are about (the same rules)."""
    spots = BlindSpots()
    signers = {p.superior.name for p in org.pairs} | {p.subordinate.name for p in org.pairs}
    for person in org.catalog.people:
        if person.external:
            continue
        if not org.tiers_of.get(person.name):
            spots.people[person.name] = "不属于任何层级"
        elif person.name not in signers and org.post_tiers(person):
            spots.people[person.name] = "没有签订责任书"
    for div in org.catalog.divisions:
        if not org.supervisors_of.get(div.name):
            spots.units[div.name] = "没有分管领导"
        elif not div.head and not div.vacant:
            spots.units[div.name] = "没有主要负责人"
    for info in org.tiers:
        if not info.tier.external and not info.holders:
            spots.tiers[info.tier.id] = "无人担任"
    return spots


def q(text: object) -> str:
    """A DOT string: quoted, with backslashes and quotes escaped (so no text is read as an escape)."""
    s = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{s}"'


@dataclass
class Graph:
    """The DOT text and what it holds, for the caller (and the tests) to count."""

    source: str
    nodes: int
    pair_edges: int
    supervision_edges: int


def build_dot(org: Organisation) -> Graph:
    cat = org.catalog
    spots = blind_spots(org)
    out: list[str] = []
    w = out.append
    words = org.wording.words
    levels = "；".join(f"{_circled(n)} {org.level_name(n)}" for n in sorted({p.level for p in org.pairs}))
    title = f"{cat.organ.name}{cat.organ.year}年度党风廉政建设责任体系图"
    legend = (f"实线箭头：廉政责任书，由责任领导指向责任人（{levels}）；虚线：分管关系；红色：责任盲区"
              f"（共 {len(spots.people) + len(spots.units) + len(spots.tiers)} 处）")
    w("digraph 责任体系 {")
    w(f'  graph [charset="UTF-8", rankdir=TB, newrank=true, compound=true, nodesep=0.18, ranksep=0.45, '
      f'fontname={q(FONT)}, fontsize=22, labelloc=t, label={q(title + chr(10) + legend)}, '
      f'bgcolor=white, pad=0.3];')
    w(f"  node [fontname={q(FONT)}, fontsize=12, shape=box, style=\"rounded,filled\", fillcolor=white, "
      f"color=\"#555555\", margin=\"0.08,0.04\", height=0.3];")
    w(f"  edge [fontname={q(FONT)}, fontsize=9, arrowsize=0.6, penwidth=0.9];")

    placed: set[str] = set()
    nodes = 0
    order: list[tuple[str, str] | None] = []  # each cluster's first node and the first of its last row
    ids = {p.name: f"p{i}" for i, p in enumerate(cat.people)}
    unit_ids = {d.name: f"u{i}" for i, d in enumerate(cat.divisions)}
    for info in org.tiers:
        tier = info.tier
        red = tier.id in spots.tiers
        n = len(info.holders)
        head = f"{_circled(info.index)} {tier.name}"
        if tier.kind == "组织":
            head += "（外单位）" if tier.external else f"（{n} 人）"
        w(f"  subgraph cluster_t{info.index} {{")
        w(f"    label={q(head + ('：' + spots.tiers[tier.id] if red else ''))}; fontsize=14; style=\"rounded,filled\"; "
          f"fillcolor=\"{'#fdecea' if red else '#f4f6fa'}\"; color=\"{RED if red else '#9aa7b8'}\"; "
          f"penwidth={2 if red else 1};")
        members: list[str] = []
        if tier.kind == "组织":
            leaders = "、".join(p.name for p in info.leaders)
            label = tier.name + (f"\n牵头：{leaders}" if leaders else "")
            w(f"    t{info.index} [label={q(label)}, shape=box3d, style=filled, fillcolor=\"#e8eef8\"];")
            nodes += 1
            members.append(f"t{info.index}")
            holders = [p for p in info.holders if not org.post_tiers(p)]
        else:
            holders = info.holders
        for person in holders:
            if person.name in placed:
                continue
            placed.add(person.name)
            w(f"    {ids[person.name]} [{_person_attrs(person.name, spots)}];")
            nodes += 1
            members.append(ids[person.name])
        out.extend(_rows(members))
        w("  }")
        order.append(_ends(members))
    lost = [p for p in cat.people if p.name not in placed]
    if lost:
        w(f"  subgraph cluster_none {{ label={q('不属于任何层级的人员')}; fontsize=14; style=\"rounded,filled\"; "
          f"fillcolor=\"#fdecea\"; color={q(RED)}; penwidth=2;")
        for person in lost:
            w(f"    {ids[person.name]} [{_person_attrs(person.name, spots)}];")
            nodes += 1
        members = [ids[p.name] for p in lost]
        out.extend(_rows(members))
        w("  }")
        order.append(_ends(members))
    if cat.divisions:
        kinds = "、".join(f"{k} {v} 个" for k, v in _kinds(org).items())
        w(f"  subgraph cluster_units {{ label={q(words['处室'] + '：' + kinds)}; fontsize=14; style=\"rounded,filled\"; "
          "fillcolor=\"#f7f7f2\"; color=\"#b5b09a\";")
        for div in cat.divisions:
            why = spots.units.get(div.name)
            head = "（空缺）" if div.vacant else (div.head or "")
            label = div.name + (f"\n{head}" if head else "") + (f"\n{why}" if why else "")
            style = f", color={q(RED)}, fontcolor={q(RED)}, penwidth=2" if why else ""
            w(f"    {unit_ids[div.name]} [label={q(label)}, shape=folder, style=filled, fillcolor=\"#fffdf0\"{style}];")
            nodes += 1
        members = [unit_ids[d.name] for d in cat.divisions]
        out.extend(_rows(members, ROW - 2))
        w("  }")
        order.append(_ends(members, ROW - 2))
    chain = [ends for ends in order if ends]
    for (_, last), (first, _) in itertools.pairwise(chain):
        w(f"  {last} -> {first} [style=invis, weight=20, id=\"inv_{last}_{first}\"];")
    pairs = 0
    for pair in org.pairs:
        color = LEVEL_COLORS[(pair.level - 1) % len(LEVEL_COLORS)]
        tip = f"第{pair.level}层面 {pair.superior.name} → {pair.subordinate.name}"
        w(f"  {ids[pair.superior.name]} -> {ids[pair.subordinate.name]} [color={q(color)}, id=\"pair_{pair.level}_{pair.seq}\", "
          f"tooltip={q(tip)}, weight=2];")
        pairs += 1
    lines = 0
    for i, person in enumerate(cat.people):
        for div in person.supervises:
            if div not in unit_ids:
                continue
            w(f"  {ids[person.name]} -> {unit_ids[div]} [style=dashed, color=\"#bdbdbd\", penwidth=0.6, arrowhead=none, "
              f"id=\"sup_{i}_{unit_ids[div]}\", tooltip={q(person.name + ' 分管 ' + div)}, weight=1, constraint=false];")
            lines += 1
    w("}")
    return Graph("\n".join(out) + "\n", nodes, pairs, lines)


def _person_attrs(name: str, spots: BlindSpots) -> str:
    why = spots.people.get(name)
    if why:
        return f"label={q(name + chr(10) + why)}, color={q(RED)}, fontcolor={q(RED)}, penwidth=2"
    return f"label={q(name)}"


def _chunks(members: list[str], size: int) -> list[list[str]]:
    return [members[k:k + size] for k in range(0, len(members), size)]


def _rows(members: list[str], size: int = ROW) -> list[str]:
    """A long row of nodes stacked into rows of `size`: each row one rank, rows one under another."""
    rows = _chunks(members, size)
    out = [f"    {{rank=same; {'; '.join(row)}}}" for row in rows if len(row) > 1]
    out += [f"    {a[0]} -> {b[0]} [style=invis, weight=5, id=\"inv_{a[0]}_{b[0]}\"];" for a, b in itertools.pairwise(rows)]
    return out


def _ends(members: list[str], size: int = ROW) -> tuple[str, str] | None:
    """The cluster's first node and the first node of its last row: where the next cluster hangs on."""
    if not members:
        return None
    return members[0], _chunks(members, size)[-1][0]


def _kinds(org: Organisation) -> dict[str, int]:
    out: dict[str, int] = {}
    for d in org.catalog.divisions:
        kind = d.kind or org.wording.words["处室"]
        out[kind] = out.get(kind, 0) + 1
    return out


def _circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"


def dot_path() -> str | None:
    return shutil.which("dot")


def render(graph: Graph, fmt: str) -> bytes:
    """The picture in `fmt` (svg, png, pdf); MapError when dot is missing, fails or runs too long."""
    dot = dot_path()
    if dot is None:
        raise MapError(INSTALL)
    env = dict(os.environ)
    conf = fontconfig_dir() / "fonts.conf"
    if conf.is_file() and "FONTCONFIG_FILE" not in env:
        env["FONTCONFIG_FILE"] = str(conf)
    args = [dot, f"-T{fmt}"] + (["-Gdpi=110"] if fmt == "png" else [])
    try:
        done = subprocess.run(args, input=graph.source.encode("utf-8"), capture_output=True, timeout=TIMEOUT,
                              env=env, check=False)
    except FileNotFoundError:
        raise MapError(INSTALL) from None
    except subprocess.TimeoutExpired:
        raise MapError(f"Graphviz 画图超过了 {TIMEOUT} 秒仍未完成，已停止。目录里的人员和处室太多时，请改用 SVG 格式，"
                       "或把目录拆小后分别画图。") from None
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MapError(f"Graphviz 画图失败（{said[-1] if said else '没有输出'}）。这是 dutydocs 的缺陷或 Graphviz 安装不完整："
                       "请确认 dot -V 能运行，PNG、PDF 格式还需要 Graphviz 带 cairo 支持（Debian 的 graphviz 包已带）。")
    return done.stdout
