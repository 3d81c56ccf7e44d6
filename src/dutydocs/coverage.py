"""Coverage of the responsibility system: counts per tier and level, and the blind spots.

The seed article warns of 责任盲区: a cadre in no tier, a cadre who signs no letter, a division
nobody supervises, a tier nobody holds. They are warnings, not errors: the documents can still
be made, but someone should look.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .catalog import Positions
from .errors import Problem
from .org import Organisation


@dataclass(frozen=True)
class TierRow:
    index: int
    name: str
    kind: str
    holders: int
    primary: int  # 主体责任 duties
    supervisory: int  # 监督责任 duties
    tasks: int


@dataclass(frozen=True)
class LevelRow:
    level: int
    name: str
    pairs: int


@dataclass(frozen=True)
class Coverage:
    tiers: list[TierRow]
    levels: list[LevelRow]
    people: int
    books: int
    divisions: dict[str, int]  # by kind, in the catalogue's order
    vacant: list[str]  # units whose head post is empty (空缺)
    warnings: list[Problem]

    @property
    def pairs(self) -> int:
        return sum(row.pairs for row in self.levels)


def coverage(org: Organisation, positions: Positions | None = None) -> Coverage:
    positions = positions or Positions()
    cat = org.catalog
    tiers = [
        TierRow(
            info.index,
            info.tier.name,
            info.tier.kind,
            len(info.holders),
            sum(1 for d in info.tier.duties if d.type == "主体责任"),
            sum(1 for d in info.tier.duties if d.type == "监督责任"),
            len(info.tasks),
        )
        for info in org.tiers
    ]
    counts = Counter(p.level for p in org.pairs)
    level_numbers = sorted(set(counts) | set(org.levels))
    levels = [LevelRow(n, org.level_name(n), counts.get(n, 0)) for n in level_numbers]
    warnings: list[Problem] = []
    signers = {p.superior.name for p in org.pairs} | {p.subordinate.name for p in org.pairs}
    for i, person in enumerate(cat.people):
        path = ("people", i, "name")
        if person.external:
            continue  # someone outside the organ who signs a letter with it
        if not org.tiers_of.get(person.name):
            warnings.append(positions.problem(
                path, f"责任盲区：「{person.name}」不属于任何层级。请检查他的岗位（posts）或职级（rank），"
                "或在某个层级的 holders 里加上他。", "warning"))
        if person.name not in signers and org.post_tiers(person):  # post holders sign; body members need not
            warnings.append(positions.problem(
                path, f"责任盲区：「{person.name}」没有签订任何廉政责任书。请在 signing 里加一条规则或一对。", "warning"))
    for i, div in enumerate(cat.divisions):
        path = ("divisions", i, "name")
        if not org.supervisors_of.get(div.name):
            warnings.append(positions.problem(
                path, f"责任盲区：「{div.name}」没有分管领导。请在某位领导的 supervises 里加上它。", "warning"))
        if not div.head and not div.vacant:
            warnings.append(positions.problem(
                path, f"「{div.name}」没有写主要负责人（head），分管领导与它签不了责任书。主要负责人空缺的，"
                "写 vacant: true，任职后补写 head 再补签。", "warning"))
    for i, info in enumerate(org.tiers):
        if info.tier.external:
            continue  # its members are outside the organ: nobody here holds it
        if not info.holders:
            warnings.append(positions.problem(
                ("tiers", i, "holders"), f"责任盲区：层级「{info.tier.name}」没有任何人担任。"
                "请检查 holders 的写法，或给相应的人加上岗位。", "warning"))
    vacant = [d.name for d in cat.divisions if d.vacant]
    kinds = Counter(d.kind or org.wording.words["处室"] for d in cat.divisions)
    people = sum(1 for p in cat.people if not p.external)
    return Coverage(tiers, levels, people, len(org.book_holders()), dict(kinds), vacant, warnings)
