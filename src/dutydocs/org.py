"""Derived facts of an organ: who holds which tier, who signs with whom, at which level.

Built once from a valid Catalog; the document contexts read only this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .catalog import Positions
from .errors import Problem, suggest
from .model import Catalog, Division, Duty, Level, Person, Selector, Task, Tier
from .schedule import Schedule, schedule_of
from .wording import Wording


@dataclass(frozen=True)
class NumberedDuty:
    """A duty with its list number: `code` is 2-3 for tier 2, item 3."""

    code: str
    duty: Duty
    owner: str


@dataclass(frozen=True)
class SigningPair:
    level: int
    seq: int  # 1-based within the level, in derivation order
    superior: Person
    subordinate: Person
    source: str  # "规则 N" or "逐对列出"
    via: bool = False  # derived from a 分管 line: he signs as head of a unit his superior supervises


@dataclass
class TierInfo:
    index: int  # 1-based position in the list
    tier: Tier
    holders: list[Person]
    duties: list[NumberedDuty]
    tasks: list[Task]
    leaders: list[Person] = field(default_factory=list)

    @property
    def supervisory(self) -> bool:
        """A discipline body: a collective tier whose duties are all 监督责任 (纪委, 派驻组)."""
        return self.tier.kind == "组织" and bool(self.tier.duties) and all(
            d.type == "监督责任" for d in self.tier.duties)


@dataclass
class Organisation:
    catalog: Catalog
    tiers: list[TierInfo]
    people: dict[str, Person]
    tiers_of: dict[str, list[TierInfo]]
    divisions: dict[str, Division]
    supervisors_of: dict[str, list[Person]]
    headed_by: dict[str, list[Division]]
    pairs: list[SigningPair]
    levels: dict[int, Level]
    wording: Wording
    problems: list[Problem] = field(default_factory=list)
    _pair_index: dict[tuple[int, int], SigningPair] = field(default_factory=dict, repr=False)
    _task_codes: dict[int, str] = field(default_factory=dict, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)  # indexes made on first use

    @property
    def organ(self):
        return self.catalog.organ

    def as_of(self) -> dt.date:
        """The day the ledgers count to: organ.as_of, else the latest date any record carries (so
        that the same catalogue always gives the same ledgers), else the issue date."""
        if self.organ.as_of:
            return self.organ.as_of
        cat = self.catalog
        dates = [r.date for r in cat.records] + [t.date for t in cat.talks] + [c.date for c in cat.checks]
        dates += [r.closed for r in cat.rectifications if r.closed]
        for letter in cat.advice:
            dates.append(letter.date)
            dates += [i.closed for i in letter.items if i.closed] + [p.date for i in letter.items for p in i.progress]
        dates += [m.date for f in cat.integrity for m in f.matters]
        return max(dates, default=self.organ.issue_date or dt.date(self.organ.year, 1, 1))

    def __getstate__(self) -> dict:
        """Sent to a worker process: caches keyed by object identity do not travel."""
        state = dict(self.__dict__)
        state["_task_codes"] = {}
        state["_memo"] = {}
        return state

    def _index(self, key: str, make: Callable[[], Any]) -> Any:
        """`make()`, once: the organisation does not change after it is built."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
            return value

    def pair_superiors(self, name: str) -> set[str]:
        """Whom he signs letters with as the subordinate."""
        def make() -> dict[str, set[str]]:
            out: dict[str, set[str]] = {}
            for p in self.pairs:
                out.setdefault(p.subordinate.name, set()).add(p.superior.name)
            return out
        return self._index("pair_superiors", make).get(name, set())

    def level_name(self, level: int) -> str:
        lv = self.levels.get(level)
        return lv.name if lv else f"第{level}层面"

    def post_tiers(self, person: Person) -> list[TierInfo]:
        return [t for t in self.tiers_of.get(person.name, []) if t.tier.kind == "岗位"]

    def led_bodies(self, person: Person) -> list[TierInfo]:
        """The collective tiers he leads (机关党委书记 → 机关党委): their duties are his to answer for."""
        return [t for t in self.tiers if any(p.name == person.name for p in t.leaders)]

    def leads_discipline_body(self, person: Person) -> bool:
        """He leads the discipline body (纪委书记): his letter and book go to the one above it."""
        return any(t.supervisory for t in self.led_bodies(person))

    def book_holders(self) -> list[Person]:
        """Who gets a record book: every cadre who holds a post tier, in catalogue order."""
        return [p for p in self.catalog.people if self.post_tiers(p)]

    def book_tiers(self, person: Person) -> list[TierInfo]:
        """Every tier he belongs to, bodies included: a 党组成员's book carries the 党组's duties."""
        return self.tiers_of.get(person.name, [])

    @staticmethod
    def applies(wanted: list[str], tier: Tier, person: Person, signs_as: set[str] | None = None) -> bool:
        """Does a duty or task marked for `wanted` posts fall to him (signing as `signs_as`)?

        Unmarked items fall to every holder of the tier; when he signs as some posts only, an
        unmarked item falls to him if the tier is defined by one of those posts."""
        if signs_as is None:
            return not wanted or bool(set(wanted) & set(person.posts))
        capacity = signs_as & set(person.posts)  # the posts he signs as, among those he holds
        if wanted:
            return bool(set(wanted) & capacity)
        return bool(set(tier.holders.posts) & capacity)

    def tier_duties(self, info: TierInfo, person: Person, signs_as: set[str] | None = None) -> list[NumberedDuty]:
        return [nd for nd in info.duties if self.applies(nd.duty.posts, info.tier, person, signs_as)]

    def tier_tasks(self, info: TierInfo, person: Person, signs_as: set[str] | None = None) -> list[Task]:
        return [t for t in info.tasks if self.applies(t.posts, info.tier, person, signs_as)]

    def own_duties(self, person: Person) -> list[NumberedDuty]:
        """Duties written on the person himself (量身定制), numbered 个-1, 个-2 …"""
        return [NumberedDuty(f"个-{i}", d, person.name) for i, d in enumerate(person.duties, 1)]

    def own_tasks(self, person: Person) -> list[Task]:
        def make() -> dict[str, list[Task]]:
            out: dict[str, list[Task]] = {}
            for t in self.catalog.tasks:
                if t.person:
                    out.setdefault(t.person, []).append(t)
            return out
        return list(self._index("own_tasks", make).get(person.name, ()))

    def book_tasks(self, person: Person) -> list[Task]:
        """His annual tasks in his book: those of every tier he belongs to, then his own."""
        tiers = self.book_tiers(person)
        return [t for info in tiers for t in self.tier_tasks(info, person)] + self.own_tasks(person)

    def book_entries(self, person: Person) -> list[tuple[str, Duty | Task]]:
        """Every item of his record book with its code, in book order: tier duties that fall to him,
        his units' duties, his own, then his tasks."""
        out: list[tuple[str, Duty | Task]] = [(nd.code, nd.duty) for info in self.book_tiers(person)
                                              for nd in self.tier_duties(info, person)]
        out += [(nd.code, nd.duty) for div in self.headed_by.get(person.name, []) for nd in self.horizontal_duties(div)]
        out += [(nd.code, nd.duty) for nd in self.own_duties(person)]
        return out + [(self.task_code(t), t) for t in self.book_tasks(person)]

    def book_schedules(self, person: Person) -> list[Schedule]:
        year, words = self.organ.year, self.wording.schedule_words()
        return [schedule_of(getattr(item, "frequency", None), item.due, item.text, year, words)
                for _code, item in self.book_entries(person)]

    def task_code(self, task: Task) -> str:
        """A task's number in the list's 年度目标任务: 年k-i, k its part's heading number (（一）, （二）…
        for the tiers with tasks, then the personal tasks), i its place there. Books print the same."""
        if not self._task_codes:
            parts = [info.tasks for info in self.tiers if info.tasks]
            personal = [t for t in self.catalog.tasks if t.person]
            for k, tasks in enumerate(parts + ([personal] if personal else []), 1):
                for i, t in enumerate(tasks, 1):
                    self._task_codes[id(t)] = f"年{k}-{i}"
        return self._task_codes[id(task)]

    def item_codes(self, person: Person) -> list[str]:
        """The list numbers in his record book: his tiers' duties (2-3), his units' (横1-2), his own
        (个-1), his tasks (年1-2)."""
        return [code for code, _item in self.book_entries(person)]

    def pair_at(self, level: int, seq: int) -> SigningPair:
        if not self._pair_index:
            self._pair_index.update({(p.level, p.seq): p for p in self.pairs})
        return self._pair_index[(level, seq)]

    def horizontal_numbers(self) -> dict[str, int]:
        """The heading number of each part of the list's 横向责任: the common duties are （一）
        when there are any, then each unit with duties of its own. Codes are 横1-2, 横3-1 …"""
        def make() -> dict[str, int]:
            common = self.catalog.horizontal
            first = 2 if common and common.duties else 1
            units = [d.name for d in self.catalog.divisions if d.duties]
            return {name: n for n, name in enumerate(units, first)}
        return self._index("horizontal_numbers", make)  # shared: read, never changed

    def common_duties(self) -> list[NumberedDuty]:
        common = self.catalog.horizontal
        return [NumberedDuty(f"横1-{i}", d, "") for i, d in enumerate(common.duties if common else [], 1)]

    def unit_duties(self, division: Division) -> list[NumberedDuty]:
        n = self.horizontal_numbers().get(division.name)
        return [NumberedDuty(f"横{n}-{i}", d, division.name) for i, d in enumerate(division.duties, 1)]

    def horizontal_duties(self, division: Division) -> list[NumberedDuty]:
        """The duties a unit carries besides the tiers': the common ones of its kind, then its own."""
        common = self.catalog.horizontal
        out = self.common_duties() if common and division.kind in common.applies_to else []
        return out + self.unit_duties(division)

    def supervised(self, person: Person) -> list[Division]:
        return [self.divisions[d] for d in person.supervises if d in self.divisions]


def select(sel: Selector, cat: Catalog, tier_members: dict[str, set[str]]) -> list[Person]:
    """People picked by a selector, in catalogue order."""
    chosen: set[str] = set(sel.people)
    posts, ranks, divisions = set(sel.posts), set(sel.ranks), set(sel.divisions)
    for person in cat.people:
        if posts.intersection(person.posts) or (person.rank in ranks) or (person.division in divisions):
            chosen.add(person.name)
    for tier in sel.tiers:
        chosen |= tier_members.get(tier, set())
    if sel.exclude is not None:
        chosen -= {p.name for p in select(sel.exclude, cat, tier_members)}
    return [p for p in cat.people if p.name in chosen]


def _tier_members(cat: Catalog) -> dict[str, set[str]]:
    """Members of each tier; tiers may be defined by other tiers, resolved in dependency order.
    An external body (派驻纪检监察组) has no members inside the organ."""
    members: dict[str, set[str]] = {t.id: set() for t in cat.tiers if t.external}
    pending = [t for t in cat.tiers if not t.external]
    while pending:
        progressed = False
        for tier in list(pending):
            needed = set(tier.holders.tiers) | (set(tier.holders.exclude.tiers) if tier.holders.exclude else set())
            if needed <= set(members) or needed - {t.id for t in cat.tiers}:
                members[tier.id] = {p.name for p in select(tier.holders, cat, members)}
                pending.remove(tier)
                progressed = True
        if not progressed:  # a cycle between tiers (validate.py reports it): resolve what we can
            for tier in pending:
                members[tier.id] = {p.name for p in select(tier.holders, cat, members)}
            break
    return members


def build_org(cat: Catalog, wording: Wording, positions: Positions | None = None) -> Organisation:
    """Derive the organisation; `problems` holds what only derivation can find (pair cycles)."""
    positions = positions or Positions()
    members = _tier_members(cat)
    people = {p.name: p for p in cat.people}
    infos: list[TierInfo] = []
    tiers_of: dict[str, list[TierInfo]] = {}
    for index, tier in enumerate(cat.tiers, 1):
        holders = [p for p in cat.people if p.name in members[tier.id]]
        duties = [NumberedDuty(f"{index}-{i}", d, d.owner or tier.name) for i, d in enumerate(tier.duties, 1)]
        tasks = [t for t in cat.tasks if t.tier == tier.id]
        leaders = select(tier.leader, cat, members) if tier.leader else []
        info = TierInfo(index, tier, holders, duties, tasks, leaders)
        infos.append(info)
        for person in holders:
            tiers_of.setdefault(person.name, []).append(info)
    divisions = {d.name: d for d in cat.divisions}
    supervisors_of: dict[str, list[Person]] = {}
    for person in cat.people:
        for div in person.supervises:
            supervisors_of.setdefault(div, []).append(person)
    headed_by: dict[str, list[Division]] = {}
    for div in cat.divisions:
        if div.head:
            headed_by.setdefault(div.head, []).append(div)
    pairs, problems = _derive_pairs(cat, members, people, positions)
    org = Organisation(
        catalog=cat,
        tiers=infos,
        people=people,
        tiers_of=tiers_of,
        divisions=divisions,
        supervisors_of=supervisors_of,
        headed_by=headed_by,
        pairs=pairs,
        levels={lv.level: lv for lv in cat.signing.levels},
        wording=wording,
        problems=problems,
    )
    org.problems += _check_record_codes(org, positions)
    org.problems += _check_talkers(org, positions)
    return org


def _check_record_codes(org: Organisation, positions: Positions) -> list[Problem]:
    problems = []
    for i, record in enumerate(org.catalog.records):
        person = org.people.get(record.person)
        if record.duty is None or person is None:
            continue
        codes = org.item_codes(person)
        if record.duty not in codes:
            hint = suggest(record.duty, codes) or f"他的纪实本里可用的编号：{'、'.join(codes[:15])}{'……' if len(codes) > 15 else ''}。"
            problems.append(positions.problem(
                ("records", i, "duty"),
                f"「{record.person}」的纪实本里没有编号为「{record.duty}」的职责或任务。{hint}"))
    return problems


def superiors_of(org: Organisation, person: Person) -> set[str]:
    """Who stands above him: his superiors in letters, the leaders who supervise his unit, its head,
    and the holders of the first post tier (the 第一责任人)."""
    above = set(org.pair_superiors(person.name))
    for div in [person.division] + [d.name for d in org.headed_by.get(person.name, [])]:
        if div:
            above |= {s.name for s in org.supervisors_of.get(div, [])}
            head = org.divisions[div].head if div in org.divisions else None
            if head:
                above.add(head)
    first = next((t for t in org.tiers if t.tier.kind == "岗位"), None)
    if first is not None:
        above |= {p.name for p in first.holders}
    return above - {person.name}


def discipline_people(org: Organisation) -> set[str]:
    """Members and leaders of the discipline bodies, and the holders of the first post tier (who may be delegated)."""
    names = {p.name for t in org.tiers if t.supervisory for p in t.holders + t.leaders}
    first = next((t for t in org.tiers if t.tier.kind == "岗位"), None)
    return names | ({p.name for p in first.holders} if first else set())


def _check_talkers(org: Organisation, positions: Positions) -> list[Problem]:
    """A kind of talk held by someone who may not hold it (wording.yaml talks.kinds)."""
    problems = []
    rules = org.wording.get("talks", "kinds")
    discipline = discipline_people(org)
    bodies = {p.name for t in org.tiers if t.tier.kind == "组织" and not t.supervisory for p in t.holders + t.leaders}
    said = {"上级": "对象的上级（责任领导、分管领导、所在{处室}负责人或第一责任人）",
            "纪检": "纪检机构的人", "组织": "{党组}、{党委}等集体的成员"}
    for i, talk in enumerate(org.catalog.talks):
        allowed = rules.get(talk.kind) or ["不限"]
        target = org.people.get(talk.target)
        if "不限" in allowed or target is None:
            continue
        ok = (("上级" in allowed and talk.talker in superiors_of(org, target))
              or ("纪检" in allowed and (talk.talker in discipline or talk.talker not in org.people))
              or ("组织" in allowed and talk.talker in bodies))
        if not ok:
            who = "或".join(said[a].format(**org.wording.words) for a in allowed)
            problems.append(positions.problem(
                ("talks", i, "talker"),
                f"{talk.kind}应由{who}进行，「{talk.talker}」不是。请核对谈话人、谈话对象或谈话类型"
                "（谁可以进行哪类谈话见 wording.yaml 的 talks，可在目录的 wording 里改）。"))
    return problems


def _derive_pairs(cat: Catalog, members: dict[str, set[str]], people: dict[str, Person],
                  positions: Positions) -> tuple[list[SigningPair], list[Problem]]:
    """Rules in order, then explicit pairs not already derived; an explicit pair sets the level."""
    found: dict[tuple[str, str], tuple[int, str, bool]] = {}
    order: list[tuple[str, str]] = []
    explicit_level = {(p.superior, p.subordinate): p.level for p in cat.signing.pairs}

    def add(sup: str, sub: str, level: int, source: str, via: bool = False) -> None:
        if sup == sub or (sup, sub) in found:
            return
        found[(sup, sub)] = (explicit_level.get((sup, sub), level), source, via)
        order.append((sup, sub))

    heads = {d.name: d.head for d in cat.divisions if d.head}
    kinds_of = {d.name: d.kind for d in cat.divisions}
    for n, rule in enumerate(cat.signing.rules, 1):
        source = f"规则 {n}"
        superiors = select(rule.superior, cat, members)
        if rule.via == "分管":
            kinds = set(rule.kinds)
            for sup in superiors:
                for div in sup.supervises:
                    if kinds and kinds_of.get(div) not in kinds:
                        continue
                    head = heads.get(div)
                    if head and head in people:
                        add(sup.name, head, rule.level, source, via=True)
        elif rule.subordinate is not None:
            subordinates = select(rule.subordinate, cat, members)
            for sup in superiors:
                for sub in subordinates:
                    add(sup.name, sub.name, rule.level, source)
    for pair in cat.signing.pairs:
        if pair.superior in people and pair.subordinate in people:
            add(pair.superior, pair.subordinate, pair.level, "逐对列出")
    problems = []
    explicit = {(p.superior, p.subordinate): i for i, p in enumerate(cat.signing.pairs)}
    for (sup, sub), i in explicit.items():
        if (sub, sup) in found and sup != sub:
            problems.append(positions.problem(
                ("signing", "pairs", i),
                f"「{sup}」与「{sub}」互为上下级：这一对与另一对（{sub} → {sup}）方向相反，形成了循环。"
                "请删掉其中一对，或修改推出它的规则。"))
    by_level: dict[int, int] = {}
    pairs = []
    for sup, sub in sorted(order, key=lambda k: found[k][0]):
        level, source, via = found[(sup, sub)]
        by_level[level] = by_level.get(level, 0) + 1
        pairs.append(SigningPair(level, by_level[level], people[sup], people[sub], source, via))
    return pairs, problems
