"""One function per document kind: organisation -> the plain dict its template sees.

Everything a template prints comes from here as text; fixed wording that a clerk may want to
reword lives in the templates themselves. Strings are cleaned of characters XML cannot hold;
escaping of & < > is left to Jinja's autoescape at render time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .model import Duty, Person, Task
from .org import NumberedDuty, Organisation, SigningPair

LIST, LETTER, BOOK = "清单", "责任书", "纪实本"
KINDS = (LIST, LETTER, BOOK)

_CN_DIGITS = "零一二三四五六七八九"
# Characters XML 1.0 cannot carry (C0 controls but tab/newline, lone surrogates, U+FFFE/F).
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cn_number(n: int) -> str:
    """Chinese numerals for headings 一、 and （一）: 1 一, 12 十二, 20 二十, 105 一百零五, 1010 一千零一十."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n >= 10000:
        return str(n)
    out, zero = "", False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit_value)
        if digit:
            out += ("零" if zero else "") + _CN_DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def cn_date(value: dt.date | None) -> str:
    """GB/T 9704 dates: Arabic numerals, no leading zeros: 2026年2月18日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def due_text(value: dt.date | str | None) -> str:
    if isinstance(value, dt.date):
        return cn_date(value)
    return value or ""


def clean(value: Any) -> Any:
    """Make catalogue text safe to place in XML, recursively; text otherwise prints as written."""
    if isinstance(value, str):
        text = _BAD_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        return text.strip("\n")
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def _common(org: Organisation) -> dict[str, Any]:
    organ = org.organ
    return {
        "organ": organ.name,
        "organ_short": organ.short_name or organ.name,
        "party_group": organ.party_group,
        "inspection_group": organ.inspection_group or f"{organ.short_name or organ.name}纪委",
        "year": str(organ.year),
        "issue_date": cn_date(organ.issue_date) or f"{organ.year}年　　月　　日",
    }


def _duty_row(no: int, nd: NumberedDuty) -> dict[str, str]:
    d: Duty = nd.duty
    return {
        "no": str(no),
        "code": nd.code,
        "category": d.category or "",
        "text": d.text,
        "measure": d.measure or "",
        "owner": nd.owner,
        "due": due_text(d.due),
        "evidence": d.evidence or "",
        "type": d.type,
    }


def _groups(duties: list[NumberedDuty]) -> list[dict[str, Any]]:
    """Split a tier's duties into 主体责任 and 监督责任 where both exist, numbered on through."""
    kinds = [k for k in ("主体责任", "监督责任") if any(nd.duty.type == k for nd in duties)]
    groups = []
    no = 0
    for n, kind in enumerate(kinds, 1):
        rows = []
        for nd in duties:
            if nd.duty.type == kind:
                no += 1
                rows.append(_duty_row(no, nd))
        label = f"{n}．{kind}" if len(kinds) > 1 else ""
        groups.append({"label": label, "type": kind, "duties": rows})
    return groups


def _task_row(no: int, task: Task, owner: str = "") -> dict[str, str]:
    return {"no": str(no), "text": task.text, "due": due_text(task.due), "measure": task.measure or "", "owner": owner}


def list_context(org: Organisation) -> dict[str, Any]:
    """责任清单: every tier in order, the horizontal duties, the annual tasks."""
    cat = org.catalog
    tiers = [
        {"heading": f"（{cn_number(info.index)}）{info.tier.name}", "name": info.tier.name,
         "kind": info.tier.kind, "groups": _groups(info.duties)}
        for info in org.tiers
    ]
    horizontal = None
    if cat.horizontal or any(d.duties for d in cat.divisions):
        common = cat.horizontal
        applies = set(common.applies_to) if common else set()
        common_rows = [
            _duty_row(i, NumberedDuty(f"横-{i}", d, d.owner or "、".join(sorted(applies)) or "各处室"))
            for i, d in enumerate(common.duties if common else [], 1)
        ]
        units = []
        for div in cat.divisions:
            if div.duties:
                rows = [_duty_row(i, NumberedDuty(f"{div.name}-{i}", d, d.owner or div.name))
                        for i, d in enumerate(div.duties, 1)]
                units.append({"name": div.name, "duties": rows})
        for n, unit in enumerate(units, 2 if common_rows else 1):
            unit["heading"] = f"（{cn_number(n)}）{unit['name']}"
        horizontal = {
            "title": common.title if common else "各处室（单位）党风廉政建设职责",
            "common_heading": "（一）共同职责",
            "common": common_rows,
            "units": units,
        }
    task_tiers = []
    for info in org.tiers:
        if info.tasks:
            task_tiers.append({
                "heading": f"（{cn_number(len(task_tiers) + 1)}）{info.tier.name}",
                "tasks": [_task_row(i, t, info.tier.name) for i, t in enumerate(info.tasks, 1)],
            })
    personal = [t for t in cat.tasks if t.person]
    personal_rows = [_task_row(i, t, _person_label(org.people[t.person])) for i, t in enumerate(personal, 1)]
    sections = ["纵向责任（六个层级）" if len(org.tiers) == 6 else f"纵向责任（{cn_number(len(org.tiers))}个层级）"]
    if horizontal:
        sections.append("横向责任")
    if task_tiers or personal_rows:
        sections.append(f"{cat.organ.year}年度目标任务")
    ctx = {
        **_common(org),
        "title": f"{cat.organ.party_group}{cat.organ.year}年度党风廉政建设责任清单",
        "sections": [f"{cn_number(i)}、{name}" for i, name in enumerate(sections, 1)],
        "tiers": tiers,
        "horizontal": horizontal,
        "task_tiers": task_tiers,
        "personal_heading": f"（{cn_number(len(task_tiers) + 1)}）个人年度重点任务" if personal_rows else "",
        "personal_tasks": personal_rows,
        "duty_count": str(sum(len(info.duties) for info in org.tiers)),
    }
    return clean(ctx)


def _person_label(person: Person) -> str:
    title = person.display_title
    return f"{person.name}（{title}）" if title else person.name


DEFAULT_ASSESSMENT = {
    1: ["机关党组年底对照本责任书对责任人履责情况进行考核，采取听取述责述廉、民主测评、查阅纪实本等方式进行。",
        "考核结果作为班子成员年度考核、评先评优和选拔任用的重要依据。"],
    2: ["分管领导年底对照本责任书对责任人履责情况进行考核，采取听取汇报、查阅纪实本和相关资料、个别谈话等方式进行。",
        "考核结果纳入所在处室（单位）年度综合考评，考核不合格的处室（单位）和个人，在评先评优中实行“一票否决”。"],
    3: ["机关党委年底对照本责任书对党支部书记履责情况进行考核，结合党支部书记抓党建述职评议一并进行。",
        "考核结果作为党支部评星定级和党支部书记评先评优的重要依据。"],
}
DEFAULT_ACCOUNTABILITY = {
    1: ["责任人不履行或者不正确履行本责任书规定的职责，造成不良影响或后果的，依照《中国共产党问责条例》"
        "《党委（党组）落实全面从严治党主体责任规定》等规定追究责任。"],
    2: ["责任人不履行或者不正确履行本责任书规定的职责，所在处室（单位）发生违纪违法问题、造成不良影响的，"
        "依照《中国共产党问责条例》等规定，视情节轻重对责任人进行约谈、诫勉或者给予处理。"],
    3: ["党支部书记不履行或者不正确履行管党治党责任，支部党员发生违纪违法问题、造成不良影响的，"
        "依照《中国共产党问责条例》等规定追究相应责任。"],
}


def letter_duties(org: Organisation, person: Person) -> list[str]:
    """What the lower party takes on: his post tiers' duties, his division's, and his 分管 line."""
    items = [nd.duty.text for info in org.post_tiers(person) for nd in info.duties]
    for div in org.headed_by.get(person.name, []):
        items += [nd.duty.text for nd in org.horizontal_duties(div)]
    supervised = org.supervised(person)
    if supervised:
        names = "、".join(d.name for d in supervised)
        items.append(f"落实“一岗双责”，对分管的{names}党风廉政建设负主要领导责任，"
                     "每年至少听取一次分管处室（单位）党风廉政建设工作汇报，至少开展一次廉政谈话。")
    return items


def letter_context(org: Organisation, pair: SigningPair) -> dict[str, Any]:
    """廉政责任书 for one signing pair; level decides the assessment and accountability clauses."""
    organ = org.organ
    level = org.levels.get(pair.level)
    sub = pair.subordinate
    tasks = org.person_tasks(sub)
    ctx = {
        **_common(org),
        "title": f"{organ.year}年度党风廉政建设责任书",
        "number": f"{organ.year}-{pair.level}-{pair.seq:02d}",
        "level": str(pair.level),
        "level_name": org.level_name(pair.level),
        "superior": {"name": pair.superior.name, "title": pair.superior.display_title},
        "subordinate": {"name": sub.name, "title": sub.display_title},
        "duties": [{"no": str(i), "text": t} for i, t in enumerate(letter_duties(org, sub), 1)],
        "tasks": [{"no": str(i), "text": t.text, "due": due_text(t.due)} for i, t in enumerate(tasks, 1)],
        "assessment": (level.assessment if level and level.assessment else
                       DEFAULT_ASSESSMENT.get(pair.level, DEFAULT_ASSESSMENT[2])),
        "accountability": (level.accountability if level and level.accountability else
                           DEFAULT_ACCOUNTABILITY.get(pair.level, DEFAULT_ACCOUNTABILITY[2])),
        "valid_from": f"{organ.year}年1月1日",
        "valid_to": f"{organ.year}年12月31日",
        "copies": cn_number(organ.letter_copies),
        "keepers": organ.letter_keepers,
    }
    return clean(ctx)


@dataclass(frozen=True)
class BookItem:
    """One line of a cadre's task list: a duty of one of his tiers, or one of his annual tasks."""

    no: int
    code: str
    text: str
    due: str
    source: str


def book_items(org: Organisation, person: Person) -> list[BookItem]:
    """Exactly the duties of every tier he belongs to, in tier order, then his annual tasks."""
    items = []
    for info in org.book_tiers(person):
        for nd in info.duties:
            items.append(BookItem(len(items) + 1, nd.code, nd.duty.text, due_text(nd.duty.due), info.tier.name))
    for i, task in enumerate(org.book_tasks(person), 1):
        source = "本人年度任务" if task.person else "年度目标任务"
        items.append(BookItem(len(items) + 1, f"年-{i}", task.text, due_text(task.due), source))
    return items


def _periods(year: int, mode: str) -> list[tuple[str, int, int]]:
    if mode == "月":
        return [(f"{year}年{m}月", m, m) for m in range(1, 13)]
    names = ["第一季度（1—3月）", "第二季度（4—6月）", "第三季度（7—9月）", "第四季度（10—12月）"]
    return [(f"{year}年{n}", 3 * q + 1, 3 * q + 3) for q, n in enumerate(names)]


def _blank(keys: tuple[str, ...]) -> dict[str, str]:
    return dict.fromkeys(keys, "")


def book_context(org: Organisation, person: Person, serial: int) -> dict[str, Any]:
    """全程纪实本 for one cadre: cover, his list, and record pages, pre-filled where known."""
    cat = org.catalog
    organ = cat.organ
    items = book_items(org, person)
    codes = {it.code: it for it in items}
    records = sorted((r for r in cat.records if r.person == person.name), key=lambda r: r.date)
    periods = []
    for title, first, last in _periods(organ.year, organ.record_period):
        inside = [r for r in records if r.date.year == organ.year and first <= r.date.month <= last]
        rows = []
        for it in items:
            done = [r for r in inside if r.duty == it.code]
            rows.append({
                "no": str(it.no), "code": it.code, "text": it.text,
                "done": "\n".join(r.content for r in done),
                "date": "\n".join(cn_date(r.date) for r in done),
                "evidence": "\n".join(r.evidence or "" for r in done).strip("\n"),
            })
        extra = [r for r in inside if r.duty not in codes]
        for r in extra:
            rows.append({"no": str(len(rows) + 1), "code": "", "text": r.note or "其他履责事项",
                         "done": r.content, "date": cn_date(r.date), "evidence": r.evidence or ""})
        periods.append({"title": title, "rows": rows})
    talk_keys = ("date", "place", "talker", "target", "kind", "content", "response", "recorder")
    talks = [
        {"date": cn_date(t.date), "place": t.place or "", "talker": _person_or_name(org, t.talker),
         "target": _person_or_name(org, t.target), "kind": t.kind, "content": t.content or "",
         "response": t.response or "", "recorder": t.recorder or ""}
        for t in sorted(cat.talks, key=lambda t: t.date) if person.name in (t.talker, t.target)
    ]
    talks += [_blank(talk_keys) for _ in range(max(2, 4 - len(talks)))]
    check_keys = ("date", "method", "matter", "findings", "opinion")
    checks = [
        {"date": cn_date(c.date), "method": c.method or "", "matter": c.matter or "",
         "findings": c.findings or "", "opinion": c.opinion or ""}
        for c in sorted(cat.checks, key=lambda c: c.date) if c.person == person.name
    ]
    checks += [_blank(check_keys) for _ in range(max(3, 8 - len(checks)))]
    fix_keys = ("problem", "measure", "due", "status", "closed")
    fixes = [
        {"problem": r.problem, "measure": r.measure or "", "due": due_text(r.due),
         "status": r.status or "", "closed": cn_date(r.closed)}
        for r in cat.rectifications if r.person == person.name
    ]
    fixes += [_blank(fix_keys) for _ in range(max(3, 8 - len(fixes)))]
    for rows in (checks, fixes):
        for i, row in enumerate(rows, 1):
            row["no"] = str(i)
    divisions = [d.name for d in org.headed_by.get(person.name, [])] or ([person.division] if person.division else [])
    ctx = {
        **_common(org),
        "title": "履行党风廉政建设责任制全程纪实本",
        "serial": f"{organ.year}-{serial:03d}",
        "person": {
            "name": person.name,
            "title": person.display_title,
            "division": "、".join(divisions),
            "supervises": "、".join(person.supervises),
            "tiers": "、".join(info.tier.name for info in org.book_tiers(person)),
        },
        "items": [{"no": str(it.no), "code": it.code, "text": it.text, "due": it.due, "source": it.source}
                  for it in items],
        "period_name": organ.record_period,
        "periods": periods,
        "talks": talks,
        "checks": checks,
        "fixes": fixes,
        "reviews": [f"{organ.year}年{n}" for n in ("第一季度", "第二季度", "第三季度", "第四季度")],
        "ruled": [""] * 12,
    }
    return clean(ctx)


def _person_or_name(org: Organisation, name: str) -> str:
    person = org.people.get(name)
    return _person_label(person) if person else name


@dataclass(frozen=True)
class DocSpec:
    """One document to make: its kind, a stable key, and what the index says about it."""

    kind: str
    key: str  # a stable identifier within the kind: "", "level-seq" or the serial
    names: tuple[str, ...]
    level: int | None = None
    seq: int = 0


def plan(org: Organisation, kinds: tuple[str, ...] = KINDS) -> Iterator[DocSpec]:
    """Every document of the requested kinds, in index order, without building any context."""
    if LIST in kinds:
        yield DocSpec(LIST, "list", (org.organ.party_group,))
    if LETTER in kinds:
        for pair in org.pairs:
            yield DocSpec(LETTER, f"{pair.level}-{pair.seq}", (pair.superior.name, pair.subordinate.name),
                          pair.level, pair.seq)
    if BOOK in kinds:
        for serial, person in enumerate(org.book_holders(), 1):
            yield DocSpec(BOOK, str(serial), (person.name,), None, serial)


def context_for(org: Organisation, spec: DocSpec) -> dict[str, Any]:
    if spec.kind == LIST:
        return list_context(org)
    if spec.kind == LETTER:
        assert spec.level is not None
        return letter_context(org, org.pair_at(spec.level, spec.seq))
    person = org.people[spec.names[0]]
    return book_context(org, person, spec.seq)
