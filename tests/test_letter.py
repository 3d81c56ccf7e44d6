"""廉政责任书: fitted to the signer and the capacity he signs in, each item once, opened as printed."""

from __future__ import annotations

from collections import Counter

from docx import Document

from dutydocs.contexts import context_for, plan
from dutydocs.kinds.letter import letter_duties, letter_tasks
from dutydocs.output import doc_path


def letters(org):
    for spec in plan(org, ("责任书",)):
        yield spec, org.pair_at(spec.level, spec.seq)


def texts(org, names: list[str]) -> list[str]:
    """The duty texts of the named tiers."""
    return [nd.duty.text for info in org.tiers if info.tier.id in names for nd in info.duties]


def test_no_letter_repeats_an_item_or_prints_a_generated_frequency(sample):
    org = sample.org
    for _, pair in letters(org):
        items = letter_duties(org, pair)
        assert len(items) == len(set(items)), pair
        assert not any("每年至少听取一次" in t or "至少开展一次" in t for t in items)


def test_a_leader_signs_for_his_supervised_units_first(sample):
    org = sample.org
    _, pair = next((s, p) for s, p in letters(org) if p.subordinate.name == "郑怀远")
    items = letter_duties(org, pair)
    units = "、".join(org.people["郑怀远"].supervises)
    assert items[0] == f"对分管的{units}党风廉政建设负主要领导责任。"
    assert items[1].startswith("督促办公厅各处落实公文运转")  # his own item (量身定制), right after his scope


def test_the_eleven_level_one_letters_are_each_fitted_to_their_signer(sample):
    org = sample.org
    level1 = [tuple(letter_duties(org, p)) for _, p in letters(org) if p.level == 1]
    assert len(level1) == 11 and len(set(level1)) == 11


def test_the_leader_of_a_body_answers_for_its_duties_and_files_above_it(sample):
    org = sample.org
    by_name = {p.subordinate.name: (s, p) for s, p in letters(org) if p.level == 1}
    for name, body in (("顾建平", "党委"), ("潘卫东", "纪委")):
        items = letter_duties(org, by_name[name][1])
        body_items = [t for t in texts(org, [body]) if t in items]
        assert body_items, name
        assert "机关党委书记与22名党支部书记逐一签订廉政责任书，每年与每位党支部书记谈心谈话至少1次。" not in items
    party = context_for(org, by_name["顾建平"][0])
    discipline = context_for(org, by_name["潘卫东"][0])
    assert party["closing"][1].endswith("一份交机关纪委备案。")
    assert discipline["closing"][1].endswith("一份交派驻纪检监察组备案。")


def test_a_branch_secretary_signs_branch_duties_and_a_unit_head_unit_duties(sample):
    org = sample.org
    both = [p for _, p in letters(org) if p.subordinate.name == "王立新"]
    assert Counter(p.level for p in both) == {2: 1, 3: 1}
    unit = letter_duties(org, next(p for p in both if p.level == 2))
    branch = letter_duties(org, next(p for p in both if p.level == 3))
    assert any("三会一课" in t for t in branch) and not any("三会一课" in t for t in unit)
    assert any("处务会" in t for t in unit) and not any("处务会" in t for t in branch)
    assert not set(unit) & {t for t in branch if "党支部" in t}
    # a cascade item about signing letters is not printed as a duty of a letter
    assert not any("签订廉政责任书" in t for t in unit + branch)
    tasks = [t.text for t in letter_tasks(org, next(p for p in both if p.level == 3))]
    assert tasks and all("党支部" in t or "支部" in t for t in tasks)


def test_a_printed_letter_reads_as_a_clerk_expects(built):
    loaded, out, _ = built
    org = loaded.org
    spec, pair = next(letters(org))
    doc = Document(out / doc_path(spec, org))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == "2026年度党风廉政建设责任书"
    assert f"责任领导：{pair.superior.name}（{pair.superior.display_title}）" in text
    assert [p.style.name for p in doc.paragraphs if p.text.startswith(("责任领导：", "责任人："))] == ["签订方"] * 2
    assert f"责任人：{pair.subordinate.name}（{pair.subordinate.display_title}）" in text
    assert not any("签订层面" in t or "{{" in t or "{%" in t for t in text)
    headings = [t for t in text if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert headings == ["一、责任目标", "二、责任内容", "三、年度重点任务", "四、考核", "五、责任追究", "六、附则"]
    start, end = text.index("二、责任内容") + 1, text.index("三、年度重点任务")
    assert text[start:end] == [f"{i}．{t}" for i, t in enumerate(letter_duties(org, pair), 1)]
    sign = doc.tables[-1]
    assert [c.text for c in sign.rows[0].cells] == ["责任领导（签字）：", "责任人（签字）："]
    # the body's name on one line, （盖章） under it: the column holds 13 characters of 三号
    assert sign.cell(2, 0).text == "中共江南省人大常委会机关党组\n（盖章）" and sign.cell(2, 1).text == ""
    assert "<w:br/>" in sign.cell(2, 0)._tc.xml
    assert [c.text for c in sign.rows[3].cells] == ["年　　月　　日"] * 2


def test_each_level_prints_its_own_assessment(built):
    loaded, out, _ = built
    seen = {}
    for spec, _ in letters(loaded.org):
        text = [p.text for p in Document(out / doc_path(spec, loaded.org)).paragraphs]
        seen.setdefault(spec.level, text[text.index("四、考核") + 1])
    assert seen[1].startswith("机关党组年底对照本责任书")
    assert seen[2].startswith("分管领导年底对照本责任书")
    assert seen[3].startswith("机关党委年底对照本责任书对党支部书记履责情况进行考核")


def test_a_long_seal_line_breaks_before_its_bracket_and_a_short_one_stays_whole():
    from dutydocs.kinds.letter import _fit_seal

    assert _fit_seal("中共清河市教育局党组（盖章）") == "中共清河市教育局党组\n（盖章）"  # 14: one too many
    assert _fit_seal("青石镇党委（盖章）") == "青石镇党委（盖章）"
    assert _fit_seal("中共清河市教育局党组委员会机关") == "中共清河市教育局党组委员会机关"  # nothing to break at
