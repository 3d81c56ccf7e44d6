"""Build the shipped Word templates in templates/ (run: python scripts/make_templates.py).

The .docx files are the real product: clerks open and restyle them in Word. This script is how
the first versions were made, reproducibly; after hand edits in Word, commit the .docx and stop
running this script for that file. Layout follows GB/T 9704-2012: A4, margins 37/35/28/26 mm,
title 方正小标宋简体 22 pt, body 仿宋_GB2312 16 pt on a 28.95 pt line, headings 黑体 / 楷体,
page numbers "— 1 —" in 宋体 14 pt, odd pages right and even pages left.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from dutydocs.render import normalize_zip  # noqa: E402

FANGSONG, XBS, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
LATIN = "Times New Roman"
LINE = 579  # twips: 28.95 pt, 22 lines in the 225 mm type area


# ---------------------------------------------------------------- low-level XML helpers


def _sub(parent, tag: str, **attrs):
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    for k, v in attrs.items():
        el.set(qn(k), str(v))
    return el


def set_font(rpr, east: str, size: float | None = None, bold: bool | None = None, latin: str = LATIN) -> None:
    """Fonts for both scripts: w:eastAsia is what Chinese text uses; python-docx alone never sets it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for k, v in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east), ("w:cs", latin)):
        fonts.set(qn(k), v)
    for tag in ("w:color",):
        el = rpr.find(qn(tag))
        if el is not None:
            rpr.remove(el)
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            el = rpr.find(qn(tag))
            if el is not None:
                rpr.remove(el)
            if bold:
                rpr.append(OxmlElement(tag))
    if size is not None:
        _sub(rpr, "w:sz", **{"w:val": int(size * 2)})
        _sub(rpr, "w:szCs", **{"w:val": int(size * 2)})


def set_spacing(ppr, line: int | None = LINE, before: int = 0, after: int = 0, rule: str = "exact") -> None:
    sp = _sub(ppr, "w:spacing", **{"w:before": before, "w:after": after})
    if line:
        sp.set(qn("w:line"), str(line))
        sp.set(qn("w:lineRule"), rule)


def paragraph_style(doc, name: str, east: str, size: float, *, base: str | None = "Normal", bold=False,
                    align: str | None = None, first_line_chars: int | None = None, line: int | None = LINE,
                    rule: str = "exact", before: int = 0, after: int = 0, page_break: bool = False,
                    keep_next: bool = False, outline: int | None = None):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base and name != base:
        style.base_style = styles[base]
    style.hidden = False
    style.quick_style = True
    el = style.element
    rpr = el.get_or_add_rPr()
    for child in list(rpr):
        rpr.remove(child)
    set_font(rpr, east, size, bold)
    ppr = el.get_or_add_pPr()
    for child in list(ppr):
        ppr.remove(child)
    if keep_next:
        ppr.append(OxmlElement("w:keepNext"))
    if page_break:
        ppr.append(OxmlElement("w:pageBreakBefore"))
    set_spacing(ppr, line, before, after, rule)
    ind = OxmlElement("w:ind")
    if first_line_chars:
        ind.set(qn("w:firstLineChars"), str(first_line_chars))
        ind.set(qn("w:firstLine"), str(int(size * 20 * first_line_chars / 100)))
    else:
        ind.set(qn("w:firstLine"), "0")
        ind.set(qn("w:left"), "0")
    ppr.append(ind)
    if align:
        _sub(ppr, "w:jc", **{"w:val": align})
    if outline is not None:
        _sub(ppr, "w:outlineLvl", **{"w:val": outline})
    return style


def setup_styles(doc) -> None:
    """Named styles a clerk can restyle in Word: 正文, 标题 1–3, 公文标题 and the table styles."""
    # No theme fonts or colours anywhere: every style falls back to the GB/T fonts below.
    styles_el = doc.styles.element
    for fonts in styles_el.iter(qn("w:rFonts")):
        for attr in [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")]:
            del fonts.attrib[attr]
        if fonts.get(qn("w:eastAsia")) is None:
            fonts.set(qn("w:eastAsia"), FANGSONG)
        for k in ("w:ascii", "w:hAnsi"):
            if fonts.get(qn(k)) is None:
                fonts.set(qn(k), LATIN)
    for color in list(styles_el.iter(qn("w:color"))):
        color.getparent().remove(color)
    # Document defaults: 仿宋_GB2312 3号, Chinese language, no spacing after paragraphs.
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_font(rpr, FANGSONG, 16)
    _sub(rpr, "w:lang", **{"w:val": "en-US", "w:eastAsia": "zh-CN", "w:bidi": "ar-SA"})
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        defaults.append(ppr_default)
    ppr = _sub(ppr_default, "w:pPr")
    set_spacing(ppr, LINE, 0, 0)
    paragraph_style(doc, "Normal", FANGSONG, 16, base=None, align="both", first_line_chars=200)
    paragraph_style(doc, "Title", XBS, 22, align="center", line=None, rule="auto", before=0, after=LINE)
    doc.styles["Title"].element.get_or_add_pPr()
    set_spacing(doc.styles["Title"].element.get_or_add_pPr(), 700, 0, LINE)
    paragraph_style(doc, "Subtitle", KAITI, 16, align="center", after=LINE)
    paragraph_style(doc, "Heading 1", HEITI, 16, first_line_chars=200, keep_next=True, outline=0)
    paragraph_style(doc, "Heading 2", KAITI, 16, first_line_chars=200, keep_next=True, outline=1)
    paragraph_style(doc, "Heading 3", FANGSONG, 16, first_line_chars=200, keep_next=True, outline=2)
    paragraph_style(doc, "正文无缩进", FANGSONG, 16, align="both")
    paragraph_style(doc, "分部标题", XBS, 18, align="center", line=None, rule="auto", after=240,
                    page_break=True, keep_next=True, outline=0)
    set_spacing(doc.styles["分部标题"].element.get_or_add_pPr(), 560, 0, 240)
    paragraph_style(doc, "封面标题", XBS, 26, align="center", line=None)
    set_spacing(doc.styles["封面标题"].element.get_or_add_pPr(), 900, 0, 0)
    paragraph_style(doc, "封面文字", KAITI, 16, align="center")
    paragraph_style(doc, "表格文字", FANGSONG, 10.5, align="both", line=300, rule="atLeast")
    paragraph_style(doc, "表格居中", FANGSONG, 10.5, base="表格文字", align="center", line=300, rule="atLeast")
    paragraph_style(doc, "表头", HEITI, 10.5, base="表格文字", align="center", line=300, rule="atLeast")
    paragraph_style(doc, "签字", FANGSONG, 16, align="left", line=LINE)
    footer = paragraph_style(doc, "Footer", SONGTI, 14, line=None, rule="auto")
    footer.element.get_or_add_pPr()
    for name in ("Normal", "表格文字"):
        doc.styles[name].element.get_or_add_pPr()
    # Table text must not snap to the 28.95 pt body grid.
    for name in ("表格文字", "表格居中", "表头"):
        ppr = doc.styles[name].element.get_or_add_pPr()
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        ppr.insert(0, snap)


def page_field(paragraph) -> None:
    """— PAGE — : the number is a field, so Word and LibreOffice count it themselves."""
    def run(text=None, fld=None, instr=None):
        r = paragraph.add_run(text or "")
        set_font(r._r.get_or_add_rPr(), SONGTI, 14)
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)
        return r
    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def setup_section(doc, cover: bool = False) -> None:
    """A4 portrait, GB/T 9704 margins; page numbers outside-aligned, odd right and even left."""
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    doc.settings.odd_and_even_pages_header_footer = True
    section.different_first_page_header_footer = cover
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles["Footer"]
        p.alignment = align
        ind = _sub(p._p.get_or_add_pPr(), "w:ind")
        ind.set(qn(f"w:{side}Chars"), "100")
        ind.set(qn(f"w:{side}"), "280")
        page_field(p)
    if cover:
        # The cover has no page number, but its footer keeps the numbered footer's height, so
        # the type area is the same on every page (LibreOffice sizes pages by their footers).
        section.first_page_footer.is_linked_to_previous = False
        section.first_page_footer.paragraphs[0].style = doc.styles["Footer"]
    # Restart numbering at 1 in every document, so bundles keep each document's own numbers.
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), "1")
    section._sectPr.append(pg)


def para(doc_or_cell, text: str = "", style: str = "Normal", align=None):
    p = doc_or_cell.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
    return p


def tag(doc_or_cell, text: str):
    """A paragraph holding only a docxtpl block tag ({%p ... %}); docxtpl removes it when rendering."""
    return doc_or_cell.add_paragraph(text, style="正文无缩进")


def _cell_props(cell, width_twips: int, valign: str = "center") -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    _sub(tcpr, "w:tcW", **{"w:w": width_twips, "w:type": "dxa"})
    _sub(tcpr, "w:vAlign", **{"w:val": valign})


def _borders(tbl, inner: bool = True, outer: bool = True, only_bottom: bool = False) -> None:
    tblpr = tbl._tbl.tblPr
    borders = _sub(tblpr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        on = (side in ("top", "left", "bottom", "right") and outer) or (side.startswith("inside") and inner)
        if only_bottom:
            on = side in ("bottom", "insideH")
        _sub(borders, f"w:{side}", **{"w:val": "single" if on else "nil", "w:sz": 4, "w:space": 0,
                                      "w:color": "000000"})


def table(doc, widths_mm: list[float], header: list[str] | None, rows: list[list[str]], *,
          loop: tuple[str, str] | None = None, row_height_mm: float | None = None,
          styles: list[str] | None = None, borders: str = "all", header_repeat: bool = True):
    """A fixed-layout table; `loop` wraps the data rows in {%tr for %} ... {%tr endfor %} rows."""
    n = len(widths_mm)
    body_rows = ([[loop[0]] + [""] * (n - 1)] if loop else []) + rows + ([[loop[1]] + [""] * (n - 1)] if loop else [])
    t = doc.add_table(rows=(1 if header else 0) + len(body_rows), cols=n)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tblpr = t._tbl.tblPr
    _sub(tblpr, "w:tblW", **{"w:w": int(sum(widths_mm) / 25.4 * 1440), "w:type": "dxa"})
    _sub(tblpr, "w:tblLayout", **{"w:type": "fixed"})
    _borders(t, **({"inner": False, "outer": False} if borders == "none" else
                   {"only_bottom": True} if borders == "lines" else {}))
    grid = t._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(w / 25.4 * 1440)))
    styles = styles or ["表格居中"] + ["表格文字"] * (n - 1)
    r0 = 0
    if header:
        hdr = t.rows[0]
        trpr = hdr._tr.get_or_add_trPr()
        if header_repeat:
            trpr.append(OxmlElement("w:tblHeader"))
        cant = OxmlElement("w:cantSplit")
        trpr.append(cant)
        for cell, text, w in zip(hdr.cells, header, widths_mm, strict=True):
            _cell_props(cell, int(w / 25.4 * 1440))
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = doc.styles["表头"]
        r0 = 1
    for i, values in enumerate(body_rows):
        row = t.rows[r0 + i]
        is_tag = loop is not None and (i == 0 or i == len(body_rows) - 1)
        # A row never breaks across pages: forms stay whole for handwriting, and page breaks fall
        # at the same rows in Word and LibreOffice, alone or inside a bundle.
        if not is_tag:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if row_height_mm and not is_tag:
            trpr = row._tr.get_or_add_trPr()
            _sub(trpr, "w:trHeight", **{"w:val": int(row_height_mm / 25.4 * 1440), "w:hRule": "atLeast"})
        for j, (cell, text, w) in enumerate(zip(row.cells, values, widths_mm, strict=True)):
            _cell_props(cell, int(w / 25.4 * 1440), "center" if j != 0 or not is_tag else "top")
            lines = text.split("\n") if text else [""]
            cell.paragraphs[0].text = lines[0]
            cell.paragraphs[0].style = doc.styles[styles[j]]
            for extra in lines[1:]:
                cell.add_paragraph(extra, style=styles[j])
    return t


def keep_together(t) -> None:
    """A small form (signature block, talk record, review box) stays on one page."""
    for row in t.rows[:-1]:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def merge_row(t, row_index: int, first: int, last: int) -> None:
    t.cell(row_index, first).merge(t.cell(row_index, last))


def finish(doc, path: Path, title: str) -> None:
    import datetime as dt

    props = doc.core_properties
    props.title = title
    props.author = "dutydocs"
    props.last_modified_by = "dutydocs"
    props.comments = "由 dutydocs 使用：可在 Word 中修改样式和固定文字，花括号标签请原样保留。"
    props.revision = 1
    props.created = props.modified = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    props.last_printed = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(normalize_zip(buf.getvalue()))
    print(f"wrote {path.relative_to(ROOT)}")


def new_doc(cover: bool = False):
    doc = Document()
    setup_styles(doc)
    setup_section(doc, cover)
    # Document() starts with one empty paragraph: drop it so the template starts with content.
    body = doc.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)
    return doc


# ---------------------------------------------------------------- 责任清单

DUTY_COLS = [10, 22, 62, 24, 19, 19]  # 156 mm: the type area's width
DUTY_HEAD = ["序号", "责任类别", "责任内容", "责任主体", "完成时限", "履责佐证"]


def duty_table(doc, var: str) -> None:
    table(doc, DUTY_COLS, DUTY_HEAD,
          [["{{ d.no }}", "{{ d.category }}", "{{ d.text }}\n{%p if d.measure %}\n措施：{{ d.measure }}\n{%p endif %}",
            "{{ d.owner }}", "{{ d.due }}", "{{ d.evidence }}"]],
          loop=(f"{{%tr for d in {var} %}}", "{%tr endfor %}"),
          styles=["表格居中", "表格居中", "表格文字", "表格居中", "表格居中", "表格居中"])


def make_list(path: Path) -> None:
    doc = new_doc()
    para(doc, "{{ title }}", "Title")
    para(doc, "（{{ party_group }}　{{ issue_date }}印发）", "Subtitle")
    para(doc, "为认真落实全面从严治党主体责任和监督责任，推动“两个责任”落地落实，根据《党委（党组）落实全面从严治党"
              "主体责任规定》等有关规定，结合机关实际，按照“纵向到底、横向到边”的要求，制定本清单。本清单共列明"
              "{{ tiers|length }}个层级{{ duty_count }}项职责，各层级、各处室（单位）要照单履职、全程留痕。")
    para(doc, "{{ sections[0] }}", "Heading 1")
    tag(doc, "{%p for tier in tiers %}")
    para(doc, "{{ tier.heading }}", "Heading 2")
    tag(doc, "{%p for g in tier.groups %}")
    tag(doc, "{%p if g.label %}")
    para(doc, "{{ g.label }}", "Heading 3")
    tag(doc, "{%p endif %}")
    duty_table(doc, "g.duties")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if horizontal %}")
    para(doc, "{{ sections[1] }}", "Heading 1")
    para(doc, "{{ horizontal.title }}。")
    tag(doc, "{%p if horizontal.common %}")
    para(doc, "{{ horizontal.common_heading }}", "Heading 2")
    duty_table(doc, "horizontal.common")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for u in horizontal.units %}")
    para(doc, "{{ u.heading }}", "Heading 2")
    duty_table(doc, "u.duties")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if task_tiers or personal_tasks %}")
    para(doc, "{{ sections[-1] }}", "Heading 1")
    tag(doc, "{%p for t in task_tiers %}")
    para(doc, "{{ t.heading }}", "Heading 2")
    table(doc, [10, 90, 32, 24], ["序号", "任务内容", "具体措施", "完成时限"],
          [["{{ k.no }}", "{{ k.text }}", "{{ k.measure }}", "{{ k.due }}"]],
          loop=("{%tr for k in t.tasks %}", "{%tr endfor %}"),
          styles=["表格居中", "表格文字", "表格文字", "表格居中"])
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if personal_tasks %}")
    para(doc, "{{ personal_heading }}", "Heading 2")
    table(doc, [10, 40, 82, 24], ["序号", "责任人", "任务内容", "完成时限"],
          [["{{ k.no }}", "{{ k.owner }}", "{{ k.text }}", "{{ k.due }}"]],
          loop=("{%tr for k in personal_tasks %}", "{%tr endfor %}"),
          styles=["表格居中", "表格居中", "表格文字", "表格居中"])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    finish(doc, path, "党风廉政建设责任清单")


# ---------------------------------------------------------------- 廉政责任书


def make_letter(path: Path) -> None:
    doc = new_doc()
    para(doc, "{{ title }}", "Title")
    p = para(doc, "编号：{{ number }}", "正文无缩进", WD_ALIGN_PARAGRAPH.RIGHT)
    set_font(p.runs[0]._r.get_or_add_rPr(), FANGSONG, 12)
    para(doc, "责任领导：{{ superior.name }}（{{ superior.title }}）", "正文无缩进")
    para(doc, "责任人：{{ subordinate.name }}（{{ subordinate.title }}）", "正文无缩进")
    para(doc, "签订层面：{{ level_name }}", "正文无缩进")
    para(doc, "为深入贯彻全面从严治党要求，压紧压实党风廉政建设责任，根据《中国共产党问责条例》《党委（党组）落实"
              "全面从严治党主体责任规定》和{{ party_group }}关于{{ year }}年度党风廉政建设工作的部署，"
              "结合责任人岗位职责，签订本责任书。")
    para(doc, "一、责任目标", "Heading 1")
    para(doc, "坚持党要管党、全面从严治党，认真履行“一岗双责”，把党风廉政建设与业务工作同部署、同落实、同检查、"
              "同考核。{{ year }}年度责任范围内不发生违反中央八项规定精神问题，不发生违纪违法案件，"
              "不发生因履责不力造成的重大信访问题和负面舆情。")
    para(doc, "二、责任内容", "Heading 1")
    tag(doc, "{%p for d in duties %}")
    para(doc, "{{ d.no }}．{{ d.text }}")
    tag(doc, "{%p endfor %}")
    para(doc, "三、年度重点任务", "Heading 1")
    tag(doc, "{%p for t in tasks %}")
    para(doc, "{{ t.no }}．{{ t.text }}{% if t.due %}（完成时限：{{ t.due }}）{% endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not tasks %}")
    para(doc, "按照{{ party_group }}{{ year }}年度党风廉政建设工作目标任务抓好落实。")
    tag(doc, "{%p endif %}")
    para(doc, "四、考核", "Heading 1")
    tag(doc, "{%p for a in assessment %}")
    para(doc, "{{ a }}")
    tag(doc, "{%p endfor %}")
    para(doc, "五、责任追究", "Heading 1")
    tag(doc, "{%p for a in accountability %}")
    para(doc, "{{ a }}")
    tag(doc, "{%p endfor %}")
    para(doc, "六、附则", "Heading 1")
    para(doc, "1．本责任书有效期自{{ valid_from }}至{{ valid_to }}。责任人职务发生变动的，由接任人员履行本责任书"
              "规定的职责，必要时重新签订。")
    para(doc, "2．本责任书一式{{ copies }}份，{{ keepers }}。")
    para(doc, "", "正文无缩进")
    t = table(doc, [78, 78], None,
              [["责任领导（签字）：", "责任人（签字）："], ["", ""], ["年　　月　　日", "年　　月　　日"]],
              styles=["签字", "签字"], borders="none")
    for cell in t.rows[2].cells:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    keep_together(t)
    _sub(t.rows[1]._tr.get_or_add_trPr(), "w:trHeight", **{"w:val": 1100, "w:hRule": "atLeast"})
    finish(doc, path, "廉政责任书")


# ---------------------------------------------------------------- 全程纪实本

NOTES = [
    "1．本纪实本由{{ inspection_group }}会同{{ party_group }}统一印制，是记载本人履行党风廉政建设责任制情况的"
    "专用记录本，由本人保管，不得遗失。",
    "2．“本人责任清单”列明本人所在层级（{{ person.tiers }}）的职责和年度目标任务，是履责纪实的依据，"
    "做到照单履职。",
    "3．履责纪实按{{ period_name }}填写，做到一事一记、及时如实、全程留痕。每项记录写明时间和清单编号，"
    "注明会议纪要、文件文号、照片等佐证材料。",
    "4．廉政谈话、监督检查、问题整改分别记入相应页。问题整改实行销号管理，完成一项、销号一项。",
    "5．本纪实本每季度末送机关纪委（派驻纪检监察组）查阅，查阅人填写检查意见并签字。",
    "6．不得事后补记、弄虚作假、应付检查。纪实本作为年度述责述廉、考核评价的重要依据。",
]


def ruled_lines(doc, var: str = "ruled") -> None:
    table(doc, [156], None, [["{{ line }}"]], loop=(f"{{%tr for line in {var} %}}", "{%tr endfor %}"),
          row_height_mm=10, styles=["表格文字"], borders="lines")


def make_book(path: Path) -> None:
    doc = new_doc(cover=True)
    para(doc, "", "封面文字")
    para(doc, "履行党风廉政建设责任制", "封面标题")
    para(doc, "全程纪实本", "封面标题")
    para(doc, "（{{ year }}年度）", "封面文字")
    for _ in range(2):
        para(doc, "", "封面文字")
    rows = [["单　　位", "{{ organ }}"], ["姓　　名", "{{ person.name }}"], ["职　　务", "{{ person.title }}"],
            ["所在处室", "{{ person.division }}"], ["分管工作", "{{ person.supervises }}"],
            ["编　　号", "{{ serial }}"]]
    t = table(doc, [34, 100], None, rows, row_height_mm=11, styles=["封面文字", "封面文字"], borders="lines")
    for row in t.rows:
        row.cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
    for _ in range(3):
        para(doc, "", "封面文字")
    para(doc, "{{ inspection_group }}　制", "封面文字")

    para(doc, "填 写 说 明", "分部标题")
    for note in NOTES:
        para(doc, note)

    para(doc, "本人责任清单", "分部标题")
    para(doc, "所在层级：{{ person.tiers }}", "正文无缩进")
    table(doc, [10, 16, 106, 24], ["序号", "清单编号", "责任内容（年度任务）", "完成时限"],
          [["{{ it.no }}", "{{ it.code }}", "{{ it.text }}", "{{ it.due }}"]],
          loop=("{%tr for it in items %}", "{%tr endfor %}"),
          styles=["表格居中", "表格居中", "表格文字", "表格居中"])

    para(doc, "廉 政 承 诺", "分部标题")
    para(doc, "本人郑重承诺：严格遵守党章党规党纪，认真履行党风廉政建设责任，作出如下承诺（请结合岗位写明具体事项）：")
    ruled_lines(doc)
    para(doc, "", "正文无缩进")
    para(doc, "承诺人（签字）：　　　　　　　　年　　月　　日", "签字", WD_ALIGN_PARAGRAPH.RIGHT)

    para(doc, "年度履责工作计划", "分部标题")
    para(doc, "（对照本人责任清单，写明本年度履责的主要安排、时间节点和预期成效）", "正文无缩进",
         WD_ALIGN_PARAGRAPH.CENTER)
    ruled_lines(doc)

    tag(doc, "{%p for pd in periods %}")
    para(doc, "履责纪实（{{ pd.title }}）", "分部标题")
    table(doc, [8, 12, 50, 46, 14, 16, 10],
          ["序号", "清单编号", "履责事项", "履责情况（做法、内容）", "时间", "佐证材料", "检查"],
          [["{{ r.no }}", "{{ r.code }}", "{{ r.text }}", "{{ r.done }}", "{{ r.date }}", "{{ r.evidence }}", ""]],
          loop=("{%tr for r in pd.rows %}", "{%tr endfor %}"), row_height_mm=12,
          styles=["表格居中", "表格居中", "表格文字", "表格文字", "表格居中", "表格文字", "表格居中"])
    tag(doc, "{%p endfor %}")

    tag(doc, "{%p for t in talks %}")
    para(doc, "廉政谈话记录", "分部标题")
    t = table(doc, [26, 52, 26, 52], None, [
        ["时　　间", "{{ t.date }}", "地　　点", "{{ t.place }}"],
        ["谈 话 人", "{{ t.talker }}", "谈话对象", "{{ t.target }}"],
        ["谈话类型", "{{ t.kind or '□一般性廉政谈话　□任前廉政谈话　□提醒谈话　□信访核实谈话' }}", "", ""],
        ["谈话内容", "{{ t.content }}", "", ""],
        ["对象表态", "{{ t.response }}", "", ""],
        ["记 录 人", "{{ t.recorder }}", "签　　字", "谈话人：\n谈话对象："],
    ], row_height_mm=12, styles=["表头", "表格文字", "表头", "表格文字"], header_repeat=False)
    for r in (2, 3, 4):
        merge_row(t, r, 1, 3)
    _sub(t.rows[3]._tr.get_or_add_trPr(), "w:trHeight", **{"w:val": int(95 / 25.4 * 1440), "w:hRule": "atLeast"})
    _sub(t.rows[4]._tr.get_or_add_trPr(), "w:trHeight", **{"w:val": int(45 / 25.4 * 1440), "w:hRule": "atLeast"})
    for r in (3, 4):
        _sub(t.cell(r, 1)._tc.get_or_add_tcPr(), "w:vAlign", **{"w:val": "top"})
    keep_together(t)
    tag(doc, "{%p endfor %}")

    para(doc, "监督检查记录", "分部标题")
    table(doc, [9, 22, 22, 33, 30, 25, 15],
          ["序号", "时间", "检查方式", "检查事项", "发现问题", "处理意见", "检查人"],
          [["{{ c.no }}", "{{ c.date }}", "{{ c.method }}", "{{ c.matter }}", "{{ c.findings }}", "{{ c.opinion }}", ""]],
          loop=("{%tr for c in checks %}", "{%tr endfor %}"), row_height_mm=18,
          styles=["表格居中", "表格居中", "表格居中", "表格文字", "表格文字", "表格文字", "表格居中"])

    para(doc, "问题整改台账", "分部标题")
    para(doc, "（实行销号管理：完成一项、销号一项）", "正文无缩进", WD_ALIGN_PARAGRAPH.CENTER)
    table(doc, [9, 38, 38, 20, 30, 21],
          ["序号", "存在问题", "整改措施", "整改时限", "整改情况", "销号日期"],
          [["{{ f.no }}", "{{ f.problem }}", "{{ f.measure }}", "{{ f.due }}", "{{ f.status }}", "{{ f.closed }}"]],
          loop=("{%tr for f in fixes %}", "{%tr endfor %}"), row_height_mm=18,
          styles=["表格居中", "表格文字", "表格文字", "表格居中", "表格文字", "表格居中"])

    para(doc, "检查（审阅）意见", "分部标题")
    tag(doc, "{%p for rv in reviews %}")
    t = table(doc, [156], None, [["{{ rv }}检查意见："], [""], ["检查人（签字）：　　　　　　年　　月　　日"]],
              styles=["表格文字"], header_repeat=False)
    _sub(t.rows[1]._tr.get_or_add_trPr(), "w:trHeight", **{"w:val": int(55 / 25.4 * 1440), "w:hRule": "atLeast"})
    t.rows[2].cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    keep_together(t)
    para(doc, "", "正文无缩进")
    tag(doc, "{%p endfor %}")

    para(doc, "年度履责总结", "分部标题")
    para(doc, "（对照责任清单和年度履责工作计划，总结全年履责情况、存在问题和下一步打算，作为述责述廉材料）",
         "正文无缩进", WD_ALIGN_PARAGRAPH.CENTER)
    ruled_lines(doc, "ruled[:8]")
    p = para(doc, "年度考核评价", "Heading 3")
    p.paragraph_format.first_line_indent = 0
    t = table(doc, [30, 126], None, [
        ["考核等次", "□优秀　　□良好　　□一般　　□较差"],
        ["考核意见", ""],
        ["考核人", "（签字）　　　　　　　　　　年　　月　　日"],
    ], styles=["表头", "表格文字"], row_height_mm=12, header_repeat=False)
    _sub(t.rows[1]._tr.get_or_add_trPr(), "w:trHeight", **{"w:val": int(40 / 25.4 * 1440), "w:hRule": "atLeast"})
    keep_together(t)
    finish(doc, path, "履行党风廉政建设责任制全程纪实本")


def main() -> None:
    out = ROOT / "templates"
    out.mkdir(exist_ok=True)
    make_list(out / "责任清单.docx")
    make_letter(out / "廉政责任书.docx")
    make_book(out / "全程纪实本.docx")


if __name__ == "__main__":
    main()
