"""Typed models of a catalogue (pydantic). Nothing here knows about files or Word.

Descriptions are Chinese: they become the JSON Schema that editors show to clerks.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

Text = Annotated[str, BeforeValidator(lambda v: _text(v)), StringConstraints(strip_whitespace=True, min_length=1)]


def _listify(value: object) -> object:
    """Clerks write `supervises: 秘书处` for a list of one: accept it."""
    return [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value


# A date as clerks type it: 2026-02-18, 2026-2-18, 2026/2/18, 2026.2.18, 2026年2月18日 (quoted or not).
_DATE_LIKE = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?$")
_BAD_DATE = ("「{}」不是有效的日期。请按 年-月-日 写，如 2026-03-15，"
             "并确认这一天存在（如 2 月没有 30 日）。")


def source_text(value: object) -> str | None:
    """The text a YAML scalar was written as (the loader keeps it on numbers and dates)."""
    text = getattr(value, "yaml_text", None)
    return text if isinstance(text, str) else None


def _text(value: object) -> object:
    """Text fields keep what the clerk wrote: `name: 0110` stays 0110, `due: 0630` stays 0630."""
    written = source_text(value)
    if written is not None:
        return written
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def parse_date(value: object) -> object:
    """A date field accepts a YAML date or the text of one; anything date-like but impossible is an error."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, str):
        m = _DATE_LIKE.match(value.strip())
        if m:
            try:
                return dt.date(*(int(g) for g in m.groups()))
            except ValueError:
                raise ValueError(_BAD_DATE.format(value.strip())) from None
    return value


def _due(value: object) -> object:
    value = parse_date(value)
    if isinstance(value, dt.date):
        return value
    written = source_text(value)
    if written is not None:
        return written
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError("完成时限应是一段文字（如 每季度、6月底前）或一个日期（如 2026-06-30）")


TextList = Annotated[list[Text], BeforeValidator(_listify)]
Due = Annotated[
    dt.date | str,
    BeforeValidator(_due),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "minLength": 1}]}),
]
DateField = Annotated[dt.date, BeforeValidator(parse_date)]
DutyType = Literal["主体责任", "监督责任"]
TierKind = Literal["组织", "岗位"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class Organ(Model):
    name: Text = Field(description="单位全称（印在标题和封面上）")
    kind: Text = Field("机关", description="单位类型，决定用词的默认值：机关、局、乡镇、高校、国企、医院")
    short_name: Text | None = Field(None, description="简称")
    party_group: Text = Field(description="党组（党委）全称：发文机关、责任书的签订方，如 中共某某局党组")
    inspection_group: Text | None = Field(None, description="纪检机构全称（派驻纪检监察组、纪委），印在纪实本封面")
    year: int = Field(ge=2000, le=2100, description="年度，如 2026")
    issue_date: DateField | None = Field(None, description="清单印发、责任书签订的日期，如 2026-02-18")
    record_period: Literal["季度", "月"] = Field("季度", description="纪实本按季度还是按月分页")
    letter_copies: int = Field(3, ge=1, le=9, description="每份责任书一式几份")
    list_landscape: bool = Field(False, description="责任清单用横版（A4 横向）印")
    as_of: DateField | None = Field(
        None, description="记录截至日期：台账按这一天算是否逾期；不写时按目录里最晚的一条记录的日期")
    words: dict[Text, Text] = Field(
        default_factory=dict,
        description="本单位的用词，覆盖单位类型的默认值，如 {处室: 科室, 纪检: 派驻纪检监察组}")


class Selector(Model):
    """Picks people: by post, rank, name, tier or division; `exclude` takes some out again."""

    posts: TextList = Field(default_factory=list, description="担任这些岗位的人")
    ranks: TextList = Field(default_factory=list, description="这些职级的人")
    people: TextList = Field(default_factory=list, description="这些人（姓名）")
    tiers: TextList = Field(default_factory=list, description="属于这些层级（代号）的人")
    divisions: TextList = Field(default_factory=list, description="这些处室（科室、部门）的人")
    exclude: Selector | None = Field(None, description="从上面选中的人里再排除的人")

    def is_empty(self) -> bool:
        return not (self.posts or self.ranks or self.people or self.tiers or self.divisions)


class Duty(Model):
    text: Text = Field(description="责任内容")
    type: DutyType = Field("主体责任", description="主体责任 或 监督责任")
    category: Text | None = Field(None, description="责任类别，如 统筹谋划部署")
    measure: Text | None = Field(None, description="具体措施或标准")
    due: Due | None = Field(None, description="完成时限或频次：每季度、6月底前、全年，或日期")
    evidence: Text | None = Field(None, description="履责佐证（表现形式），如 会议纪要")
    owner: Text | None = Field(None, description="责任主体（印在清单的“责任主体”栏）")
    lead: TextList = Field(default_factory=list, description="牵头单位（印在清单的“责任主体”栏）")
    assist: TextList = Field(default_factory=list, description="配合单位（印在清单的“责任主体”栏）")
    posts: TextList = Field(default_factory=list,
                            description="只由担任这些岗位的人承担（如 党支部书记）；不写时层级里每个人都承担")
    in_letter: bool = Field(True, description="写 false 时不写入责任书（如“签订责任书”这类条目本身）")
    frequency: Text | None = Field(
        None, description="履责频次，督查报告据此算应有几次记录：每季度、每半年1次、每年2次、6月底前、任前；"
                          "不写时从 due 和 text 里读")


class Tier(Model):
    id: Text = Field(description="层级代号（简短，别处引用）")
    name: Text = Field(description="层级名称，印在清单上")
    kind: TierKind = Field(description="组织（集体）或 岗位（由人担任）")
    holders: Selector = Field(default_factory=Selector, description="谁属于这个层级")
    leader: Selector | None = Field(None, description="组织层级由谁牵头（如 机关党委书记）：他的责任书含本组织的职责")
    reviewed_by: Text | None = Field(None, description="本层级干部的纪实本定期送谁查阅（如 分管领导）；不写时送纪检机构")
    external: bool = Field(False, description="成员在本单位之外（如派驻纪检监察组）：不写 holders，不发纪实本")
    duties: list[Duty] = Field(default_factory=list, description="本层级的职责")


class Division(Model):
    name: Text = Field(description="处室（科室、部门、站所）名称")
    kind: Text | None = Field(None, description="类型，用本单位的说法，如 处室、科室、直属单位、专工委")
    head: Text | None = Field(None, description="主要负责人姓名")
    vacant: bool = Field(False, description="主要负责人空缺：写 true 后不再提醒")
    duties: list[Duty] = Field(default_factory=list, description="本处室自己的党风廉政建设职责（横向责任）")


class Horizontal(Model):
    title: Text | None = Field(None, description="清单中横向责任部分的标题")
    applies_to: TextList = Field(default_factory=list, description="共同职责适用于哪些类型（kind）的处室")
    duties: list[Duty] = Field(default_factory=list, description="共同职责")


class Person(Model):
    name: Text = Field(description="姓名（本目录内唯一）")
    title: Text | None = Field(None, description="印在文书上的职务全称")
    posts: TextList = Field(default_factory=list, description="担任的岗位（取自 posts）")
    rank: Text | None = Field(None, description="职级（取自 ranks）")
    division: Text | None = Field(None, description="所在处室（科室、部门）")
    supervises: TextList = Field(default_factory=list, description="分管的处室（科室、部门）")
    duties: list[Duty] = Field(default_factory=list, description="本人特有的职责（量身定制，写入他的责任书和纪实本）")
    external: bool = Field(False, description="本单位以外的人（如与本单位签责任书的县委书记）：不属于任何层级，不发纪实本")

    @property
    def display_title(self) -> str:
        return self.title or "、".join(self.posts) or ""


class Level(Model):
    level: int = Field(ge=1, le=9, description="层面编号")
    name: Text = Field(description="层面名称，如 党组书记与班子成员")
    signs_as: TextList = Field(default_factory=list,
                               description="责任人以哪些岗位的身份签订（如 党支部书记）：责任书只列这些岗位的职责")
    clauses: Text | None = Field(None, description="本层面责任书用哪一套条款：班子、分管、支部（见 wording.yaml 的 letter.sets）")
    types: list[DutyType] = Field(default_factory=list,
                                  description="本层面责任书只列这些类型的职责，如 [监督责任]（监督责任书）")
    assessment: list[Text] | None = Field(None, description="本层面责任书的考核条款（段落）")
    accountability: list[Text] | None = Field(None, description="本层面责任书的责任追究条款（段落）")
    talk_within: int | None = Field(
        None, ge=1, le=12,
        description="签订后几个月内，责任领导应与责任人谈话（如 1）；不写则当年年底前。dutydocs report 按此算逾期")


class Rule(Model):
    level: int = Field(ge=1, le=9, description="推出的对子属于哪个层面")
    superior: Selector = Field(description="责任领导（上级）是谁")
    subordinate: Selector | None = Field(None, description="责任人（下级）是谁；via: 分管 时不写")
    via: Literal["分管"] | None = Field(None, description="写“分管”时：上级与他分管处室的主要负责人签订")
    kinds: TextList = Field(default_factory=list,
                            description="via: 分管 时只与这些类型（kind）的处室负责人签订，如 [村]")

    @model_validator(mode="after")
    def _needs_subordinate(self) -> Rule:
        if self.via is None and self.subordinate is None:
            raise ValueError("规则缺少 subordinate（责任人是谁）；或者写 via: 分管，由分管关系推出责任人。")
        if self.via is not None and self.subordinate is not None:
            raise ValueError("写了 via: 分管 就不要再写 subordinate：责任人由分管关系推出。")
        return self


class Pair(Model):
    level: int = Field(ge=1, le=9, description="层面编号")
    superior: Text = Field(description="责任领导（上级）姓名")
    subordinate: Text = Field(description="责任人（下级）姓名")


class Signing(Model):
    levels: list[Level] = Field(default_factory=list, description="签订的层面")
    rules: list[Rule] = Field(default_factory=list, description="推出签订对子的规则")
    pairs: list[Pair] = Field(default_factory=list, description="逐对列出的签订对子")


class Task(Model):
    text: Text = Field(description="年度目标任务")
    tier: Text | None = Field(None, description="属于哪个层级（代号）")
    person: Text | None = Field(None, description="属于哪个人（姓名）")
    posts: TextList = Field(default_factory=list, description="层级任务只由担任这些岗位的人承担（如 党支部书记）")
    due: Due | None = Field(None, description="完成时限")
    measure: Text | None = Field(None, description="具体措施")
    evidence: Text | None = Field(None, description="履责佐证（表现形式）")

    @model_validator(mode="after")
    def _one_owner(self) -> Task:
        if (self.tier is None) == (self.person is None):
            raise ValueError("每条任务要写 tier（层级代号）或 person（姓名）其中一个，只能写一个。")
        return self


class Record(Model):
    person: Text = Field(description="纪实本持有人")
    date: DateField = Field(description="日期")
    duty: Text | None = Field(None, description="清单编号，如 6-2、横1-2、个-1、年1-2（清单“年度目标任务”第（一）部分第 2 项）")
    content: Text = Field(description="履责情况（做法、内容）")
    participants: Text | None = Field(None, description="参加人员或对象")
    evidence: Text | None = Field(None, description="佐证材料")
    note: Text | None = Field(None, description="备注")


class Talk(Model):
    date: DateField = Field(description="谈话日期")
    talker: Text = Field(description="谈话人（本单位以外的人，如派驻纪检监察组组长，也可以写）")
    target: Text = Field(description="谈话对象（姓名）")
    kind: Text = Field("一般性廉政谈话", description="谈话类型：一般性廉政谈话、任前廉政谈话、提醒谈话、信访核实谈话、诫勉谈话")
    reason: Text | None = Field(None, description="事由（如 新任处长、信访件编号）")
    place: Text | None = Field(None, description="地点")
    content: Text | None = Field(None, description="谈话内容")
    response: Text | None = Field(None, description="对象表态")
    recorder: Text | None = Field(None, description="记录人")


class Check(Model):
    date: DateField = Field(description="检查日期")
    person: Text = Field(description="被检查的人（纪实本持有人）")
    method: Text | None = Field(None, description="检查方式")
    matter: Text | None = Field(None, description="检查事项")
    findings: Text | None = Field(None, description="发现问题")
    opinion: Text | None = Field(None, description="处理意见")
    owner: Text | None = Field(None, description="整改责任人")
    checker: Text | None = Field(None, description="检查人")


class Rectification(Model):
    person: Text = Field(description="纪实本持有人")
    problem: Text = Field(description="问题")
    measure: Text | None = Field(None, description="整改措施")
    owner: Text | None = Field(None, description="整改责任人；不写时为纪实本持有人")
    due: Due | None = Field(None, description="整改时限")
    status: Text | None = Field(None, description="整改情况")
    closed: DateField | None = Field(None, description="销号日期")


class Progress(Model):
    date: DateField = Field(description="日期")
    text: Text = Field(description="进展")


class AdviceItem(Model):
    problem: Text = Field(description="发现的问题")
    recommendation: Text = Field(description="工作建议（整改要求）")
    leader: Text | None = Field(None, description="责任领导（姓名）")
    owner: Text | None = Field(None, description="责任单位或责任人（处室名或姓名）")
    measure: Text | None = Field(None, description="整改措施")
    due: Due | None = Field(None, description="整改时限")
    status: Literal["未开始", "整改中", "已完成"] = Field("未开始", description="整改状态：未开始、整改中、已完成")
    progress: list[Progress] = Field(default_factory=list, description="整改进展（按日期）")
    closed: DateField | None = Field(None, description="销号日期")
    evidence: Text | None = Field(None, description="销号依据（文件号、佐证）")
    approver: Text | None = Field(None, description="销号审核人")


class Advice(Model):
    """工作建议书: issued by the discipline body to the party group, each item tracked until closed."""

    number: Text = Field(description="文号，如 驻人大纪检〔2026〕1号")
    title: Text | None = Field(None, description="标题；不写时用默认措辞")
    date: DateField = Field(description="发文日期")
    to: Text | None = Field(None, description="主送；不写时为党组（党委）全称")
    issuer: Text | None = Field(None, description="发文机关；不写时为纪检机构全称")
    printer: Text | None = Field(
        None, description="印发机关（版记末行左边）；不写时为发文机关。名称长、与印发日期一行放不下时写简称")
    source: Text | None = Field(None, description="问题从何而来（正文开头），如 在日常监督和专项检查中")
    reply_by: Due | None = Field(None, description="书面反馈时限")
    cc: TextList = Field(default_factory=list, description="抄送")
    items: list[AdviceItem] = Field(min_length=1, description="问题和建议，逐条跟踪销号")


class Relative(Model):
    relation: Text = Field(description="称谓，如 配偶、儿子")
    name: Text = Field(description="姓名")
    born: Text | None = Field(None, description="出生年月")
    political: Text | None = Field(None, description="政治面貌")
    work: Text | None = Field(None, description="工作单位及职务")


class Matter(Model):
    date: DateField = Field(description="报告日期")
    category: Text = Field(description="类别，如 个人有关事项年度报告、婚姻变化、因私出国（境）、子女从业")
    content: Text = Field(description="内容")
    received_by: Text | None = Field(None, description="受理人")


class Gift(Model):
    date: DateField = Field(description="日期")
    content: Text = Field(description="礼品、礼金情况")
    handling: Text | None = Field(None, description="处理情况（上交、退还）")


class Integrity(Model):
    """廉洁从政（从业）信息表: one file per leader, kept up to date when personal matters change."""

    person: Text = Field(description="本人姓名")
    gender: Text | None = Field(None, description="性别")
    born: Text | None = Field(None, description="出生年月，如 1968.05")
    ethnicity: Text | None = Field(None, description="民族")
    native_place: Text | None = Field(None, description="籍贯")
    political: Text | None = Field(None, description="政治面貌（入党时间）")
    joined_work: Text | None = Field(None, description="参加工作时间")
    education: Text | None = Field(None, description="学历学位")
    post_since: Text | None = Field(None, description="任现职时间")
    family: list[Relative] = Field(default_factory=list, description="家庭成员及主要社会关系")
    matters: list[Matter] = Field(default_factory=list, description="个人有关事项报告及变化登记")
    gifts: list[Gift] = Field(default_factory=list, description="礼品礼金登记")
    honors: TextList = Field(default_factory=list, description="奖惩情况")
    note: Text | None = Field(None, description="备注")


class Item4(Model):
    text: Text = Field(description="内容")
    data: Text | None = Field(None, description="数据或佐证")
    owner: Text | None = Field(None, description="责任人")
    due: Due | None = Field(None, description="时限")


def _items4(value: object) -> object:
    """An entry of the four lists may be just its text."""
    if isinstance(value, list):
        return [{"text": v} if isinstance(v, str) else v for v in value]
    return value


Items4 = Annotated[list[Item4], BeforeValidator(_items4)]


class FourLists(Model):
    """四张清单: the discipline body's monthly report — 成绩、亮点、问题、任务."""

    month: int = Field(ge=1, le=12, description="月份（1—12）")
    achievements: Items4 = Field(default_factory=list, description="成绩（台账里的数字会自动加在前面）")
    highlights: Items4 = Field(default_factory=list, description="亮点")
    problems: Items4 = Field(default_factory=list, description="问题")
    tasks: Items4 = Field(default_factory=list, description="下月任务（写明时限和责任人）")


class Catalog(Model):
    """One organ, one year: everything the documents are made from."""

    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        frozen=True,
        title="dutydocs 目录",
        json_schema_extra={"description": "党风廉政建设责任清单、廉政责任书、全程纪实本的数据目录"},
    )

    version: Literal[1] = Field(1, description="目录格式版本")
    templates: Text | None = Field(None, description="自备模板所在文件夹（相对于目录文件）")
    organ: Organ = Field(description="本单位")
    posts: TextList = Field(default_factory=list, description="本单位的岗位名称")
    ranks: TextList | None = Field(None, description="本单位的职级名称；不写时用单位类型的默认值")
    tiers: list[Tier] = Field(min_length=1, description="层级，按顺序")
    divisions: list[Division] = Field(default_factory=list, description="处室（科室、部门、站所）")
    horizontal: Horizontal | None = Field(None, description="横向责任（专门委员会等的共同职责）")
    people: list[Person] = Field(default_factory=list, description="人员")
    signing: Signing = Field(default_factory=Signing, description="廉政责任书的签订")
    tasks: list[Task] = Field(default_factory=list, description="年度目标任务")
    records: list[Record] = Field(default_factory=list, description="已有的履责纪实")
    talks: list[Talk] = Field(default_factory=list, description="已有的廉政谈话记录")
    checks: list[Check] = Field(default_factory=list, description="已有的监督检查记录")
    rectifications: list[Rectification] = Field(default_factory=list, description="问题整改台账")
    advice: list[Advice] = Field(default_factory=list, description="派驻纪检监察组（纪委）的工作建议书，逐项销号")
    integrity: list[Integrity] = Field(default_factory=list, description="领导干部廉洁从政（从业）信息")
    four_lists: list[FourLists] = Field(default_factory=list, description="纪检机构每月的“四张清单”")
    wording: dict[str, Any] | None = Field(
        None, description="改写文书的固定文字（键同默认措辞文件 wording.yaml），如 {letter: {goal: ...}}")


def json_schema() -> dict:
    """JSON Schema of the catalogue, with `include` allowed (it is consumed by the loader)."""
    schema = Catalog.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    # A catalogue may be split over files: each file holds some sections, so none is required
    # at the top; the loader checks the merged whole.
    schema.pop("required", None)
    schema["properties"]["include"] = {
        "type": "array",
        "items": {"type": "string"},
        "description": "要一并读取的其他目录文件（相对于本文件）",
    }
    return schema
