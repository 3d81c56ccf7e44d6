"""Build the shipped Word templates in templates/ — their one source (run: python scripts/make_templates.py).

The committed .docx files are this script's output, byte for byte (tests/test_templates.py checks
it): change the layout here and run the script, not Word. A clerk who wants another look exports
the templates (`dutydocs templates export`), restyles them in Word and uses them with --templates.

Every package part is written here, not taken from python-docx's default template: the styles are
only ours (a clerk sees 正文, 标题 1–3, 表格文字 …), there is no theme, thumbnail or
stylesWithEffects, and every element is in schema order, so Word and WPS open the files without
repair. python-docx is used for the body (paragraphs, tables, footers).

Layout follows GB/T 9704-2012: A4; margins 37/35/28/26 mm (type area 156 × 225 mm); a character
grid of 22 lines × 28 characters; title 方正小标宋简体 2号; body 仿宋_GB2312 3号; headings 黑体 and
楷体; page numbers "— 1 —" in 宋体 4号, 7 mm below the type area, odd pages right, even pages left.
No fixed wording lives here: every sentence comes from the context (wording.yaml); templates hold
layout and generic column headings only.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from dutydocs.render import ZipEntry, write_zip  # noqa: E402

FANGSONG, XBS, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
LATIN = "Times New Roman"
LINE = 579  # twips: 28.95 pt, 22 lines in the 225 mm type area
# 28 characters of 3号 (16 pt) in the 156 mm (442.2 pt) type area: each character is set 0.3 pt
# tighter (w:spacing -6 twentieths; 28 need at least 0.21, 29 would need 0.55). A Word character
# grid (docGrid linesAndChars with a negative charSpace) does the same in Word, but LibreOffice then
# gives each character two grid cells, so the grid holds the lines only and the body styles carry
# the spacing. At -5 LibreOffice dropped a 、 that fell just past a full line (it hangs 。 and ，);
# at -6 it hangs every one, as Word does: no punctuation lost in the letters, lists and
# recommendation letters of three organs, where -5 lost 13.
CONDENSE = -6
TWIPS_PER_MM = 1440 / 25.4

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


# ---------------------------------------------------------------- the package around the body

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>
</Relationships>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>{title}</dc:title>
<dc:creator>dutydocs</dc:creator>
<dc:description>dutydocs 模板：可在 Word 中修改样式和文字格式，花括号标签请原样保留。</dc:description>
<cp:lastModifiedBy>dutydocs</cp:lastModifiedBy>
<cp:revision>1</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified>
</cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>dutydocs</Application>
<DocSecurity>0</DocSecurity>
<ScaleCrop>false</ScaleCrop>
<LinksUpToDate>false</LinksUpToDate>
<SharedDoc>false</SharedDoc>
<HyperlinksChanged>false</HyperlinksChanged>
<AppVersion>1.0000</AppVersion>
</Properties>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}">
<w:zoom w:percent="100"/>
<w:defaultTabStop w:val="420"/>
<w:evenAndOddHeaders/>
<w:drawingGridHorizontalSpacing w:val="160"/>
<w:drawingGridVerticalSpacing w:val="{LINE}"/>
<w:displayHorizontalDrawingGridEvery w:val="0"/>
<w:displayVerticalDrawingGridEvery w:val="1"/>
<w:characterSpacingControl w:val="compressPunctuation"/>
<w:compat>
<w:spaceForUL/>
<w:balanceSingleByteDoubleByteWidth/>
<w:doNotLeaveBackslashAlone/>
<w:ulTrailSpace/>
<w:doNotExpandShiftReturn/>
<w:adjustLineHeightInTable/>
<w:useFELayout/>
<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>
</w:compat>
<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>
<w:decimalSymbol w:val="."/>
<w:listSeparator w:val=","/>
</w:settings>"""

FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W_NS}">
<w:font w:name="{LATIN}"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="{SONGTI}"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="{FANGSONG}"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="{XBS}"><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="{HEITI}"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="{KAITI}"><w:altName w:val="楷体"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
</w:fonts>"""


def _rpr(east: str, size: float, bold: bool = False, latin: str = LATIN, grid: bool | None = None,
         color: str | None = None, scale: int | None = None) -> str:
    """Run properties; 3号 body text is set on the 28-character grid unless `grid` is False."""
    half = int(size * 2)
    b = ("<w:b/><w:bCs/>" if bold else "") + (f'<w:color w:val="{color}"/>' if color else "")
    condense = f'<w:spacing w:val="{CONDENSE}"/>' if (size == 16 if grid is None else grid) else ""
    width = f'<w:w w:val="{scale}"/>' if scale else ""  # 字符缩放
    return (f'<w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"/>{b}'
            f'{condense}{width}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>')


def _ppr(*, keep_next: bool = False, page_break: bool = False, snap: bool = True, line: int | None = LINE,
         rule: str = "exact", before: int = 0, after: int = 0, first_chars: int = 0, size: float = 16,
         align: str | None = None, outline: int | None = None, hanging_chars: int = 0, right_chars: int = 0,
         left_chars: int = 0) -> str:
    out = "<w:pPr>"
    if keep_next:
        out += "<w:keepNext/>"
    if page_break:
        out += "<w:pageBreakBefore/>"
    out += "<w:widowControl/>"
    if not snap:
        out += '<w:snapToGrid w:val="0"/>'
    spacing = f'<w:spacing w:before="{before}" w:after="{after}"'
    if line:
        spacing += f' w:line="{line}" w:lineRule="{rule}"'
    out += spacing + "/>"
    if first_chars:
        out += f'<w:ind w:firstLineChars="{first_chars}" w:firstLine="{int(size * 20 * first_chars / 100)}"/>'
    elif right_chars or left_chars:  # a 落款 kept off the right margin, a 版记 off the left (hanging after 抄送：)
        hang = (f'w:hangingChars="{hanging_chars}" w:hanging="{int(size * 20 * hanging_chars / 100)}"' if hanging_chars
                else 'w:firstLineChars="0" w:firstLine="0"')
        out += (f'<w:ind w:leftChars="{left_chars}" w:left="{int(size * 20 * left_chars / 100)}" '
                f'w:rightChars="{right_chars}" w:right="{int(size * 20 * right_chars / 100)}" {hang}/>')
    elif hanging_chars:  # a label, then its value; wrapped lines align under the value
        twips_ = int(size * 20 * hanging_chars / 100)
        out += (f'<w:ind w:leftChars="{hanging_chars}" w:left="{twips_}" w:hangingChars="{hanging_chars}" '
                f'w:hanging="{twips_}"/>')
    else:
        out += '<w:ind w:left="0" w:firstLine="0"/>'
    if align:
        out += f'<w:jc w:val="{align}"/>'
    if outline is not None:
        out += f'<w:outlineLvl w:val="{outline}"/>'
    return out + "</w:pPr>"


def _style(style_id: str, name: str, ppr: str, rpr: str, based: str | None = "Normal", next_: str | None = None,
           ui: int = 20) -> str:
    based_on = f'<w:basedOn w:val="{based}"/>' if based else ""
    nxt = f'<w:next w:val="{next_}"/>' if next_ else ""
    custom = "" if style_id in BUILTIN else ' w:customStyle="1"'
    if style_id == "Normal":
        custom = ' w:default="1"'  # paragraphs without a style of their own are 正文
    return (f'<w:style w:type="paragraph"{custom} w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/>{based_on}{nxt}<w:uiPriority w:val="{ui}"/><w:qFormat/>{ppr}{rpr}</w:style>')


BUILTIN = {"Normal", "Title", "Subtitle", "Heading1", "Heading2", "Heading3", "Footer"}
TABLE_LINE = 300  # twips, 15 pt at least: 五号 table text, not snapped to the body grid


def styles_xml() -> str:
    """Our styles only, named as Word names its built-ins (so Word shows 正文, 标题 1 …) or in Chinese."""
    styles = [
        _style("Normal", "Normal", _ppr(first_chars=200, align="both"), _rpr(FANGSONG, 16), based=None, ui=0),
        _style("Title", "Title", _ppr(align="center"), _rpr(XBS, 22),
               next_="Subtitle", ui=10),
        _style("a20", "标题（长）", _ppr(align="center"), _rpr(XBS, 22, scale=85), based="Title", next_="Subtitle"),
        _style("Subtitle", "Subtitle", _ppr(after=LINE, align="center"), _rpr(KAITI, 16), next_="Normal", ui=11),
        _style("Heading1", "heading 1", _ppr(keep_next=True, first_chars=200, outline=0), _rpr(HEITI, 16),
               next_="Normal", ui=9),
        _style("Heading2", "heading 2", _ppr(keep_next=True, first_chars=200, outline=1), _rpr(KAITI, 16),
               next_="Normal", ui=9),
        _style("Heading3", "heading 3", _ppr(keep_next=True, first_chars=200, outline=2), _rpr(FANGSONG, 16),
               next_="Normal", ui=9),
        _style("Footer", "footer", _ppr(line=280, align="center"), _rpr(SONGTI, 14, latin=SONGTI), ui=99),
        _style("a0", "正文无缩进", _ppr(align="both"), _rpr(FANGSONG, 16)),
        _style("a1", "标签", _ppr(snap=False, line=TABLE_LINE, rule="atLeast", align="left"), _rpr(FANGSONG, 10.5)),
        _style("a2", "分部标题", _ppr(page_break=True, keep_next=True, line=None, rule="auto", after=240,
                                  align="center", outline=0), _rpr(XBS, 18), next_="Normal"),
        _style("a3", "封面标题", _ppr(line=None, rule="auto", before=0, after=0, align="center"), _rpr(XBS, 26)),
        _style("a4", "封面文字", _ppr(align="center"), _rpr(KAITI, 16)),
        # Table text is set flush left: justified, a narrow cell spreads a wrapped line's characters apart.
        _style("a5", "表格文字", _ppr(snap=False, line=TABLE_LINE, rule="atLeast", align="left"), _rpr(FANGSONG, 10.5)),
        _style("a6", "表格居中", _ppr(snap=False, line=TABLE_LINE, rule="atLeast", align="center"),
               _rpr(FANGSONG, 10.5), based="a5"),
        _style("a7", "表头", _ppr(snap=False, line=TABLE_LINE, rule="atLeast", align="center"), _rpr(HEITI, 10.5),
               based="a5"),
        _style("a8", "签字", _ppr(align="left"), _rpr(FANGSONG, 16)),
        _style("a10", "表格小字", _ppr(snap=False, line=260, rule="atLeast", align="center"), _rpr(FANGSONG, 9),
               based="a5"),
        _style("a9", "提示", _ppr(align="left"), _rpr(KAITI, 14)),
        _style("a11", "附件标记", _ppr(align="left"), _rpr(HEITI, 16)),
        _style("a12", "签订方", _ppr(align="left", hanging_chars=500), _rpr(FANGSONG, 16)),
        _style("a13", "发文机关标志", _ppr(line=None, rule="auto", align="center"), _rpr(XBS, 22, color="FF0000")),
        # a long name: the same size, its characters narrowed (字符缩放 85%), so the 版头 stays as strong as the title
        _style("a19", "发文机关标志（长）", _ppr(line=None, rule="auto", align="center"),
               _rpr(XBS, 22, color="FF0000", scale=85), based="a13"),
        _style("a14", "分隔线", _ppr(line=120, rule="exact"), _rpr(FANGSONG, 6)),
        _style("a15", "落款", _ppr(align="right", right_chars=400), _rpr(FANGSONG, 16)),
        _style("a16", "版记", _ppr(align="left", left_chars=100, right_chars=100, size=14), _rpr(FANGSONG, 14)),
        # 抄送：左空一字，回行时与冒号后的首字对齐（GB/T 9704 8.2）
        _style("a18", "抄送", _ppr(align="left", left_chars=400, hanging_chars=300, right_chars=100, size=14),
               _rpr(FANGSONG, 14), based="a16"),
        _style("a17", "表名", _ppr(before=120, align="left"), _rpr(HEITI, 14)),
    ]
    table_normal = ('<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
                    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
                    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
                    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>')
    defaults = (f'<w:docDefaults><w:rPrDefault>{_rpr(FANGSONG, 16, grid=False)[:-8]}<w:lang w:val="en-US" w:eastAsia="zh-CN" '
                f'w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="{LINE}" '
                'w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W_NS}">'
            + defaults + "".join(styles) + table_normal + "</w:styles>")


THEME = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="dutydocs"><a:themeElements>
<a:clrScheme name="dutydocs"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>
<a:dk2><a:srgbClr val="000000"/></a:dk2><a:lt2><a:srgbClr val="FFFFFF"/></a:lt2><a:accent1><a:srgbClr val="000000"/></a:accent1>
<a:accent2><a:srgbClr val="000000"/></a:accent2><a:accent3><a:srgbClr val="000000"/></a:accent3><a:accent4><a:srgbClr val="000000"/></a:accent4>
<a:accent5><a:srgbClr val="000000"/></a:accent5><a:accent6><a:srgbClr val="000000"/></a:accent6><a:hlink><a:srgbClr val="000000"/></a:hlink>
<a:folHlink><a:srgbClr val="000000"/></a:folHlink></a:clrScheme>
<a:fontScheme name="dutydocs"><a:majorFont><a:latin typeface="Times New Roman"/><a:ea typeface="黑体"/><a:cs typeface=""/></a:majorFont>
<a:minorFont><a:latin typeface="Times New Roman"/><a:ea typeface="仿宋_GB2312"/><a:cs typeface=""/></a:minorFont></a:fontScheme>
<a:fmtScheme name="dutydocs"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst>
<a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst>
<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>
<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme>
</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"""

DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body><w:sectPr/></w:body></w:document>"""


def base_package(title: str) -> bytes:
    entries = [ZipEntry.deflate(name, text.encode("utf-8")) for name, text in (
        ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("docProps/core.xml", CORE.format(title=title)),
        ("docProps/app.xml", APP), ("word/document.xml", DOCUMENT), ("word/_rels/document.xml.rels", DOC_RELS),
        ("word/styles.xml", styles_xml()), ("word/settings.xml", SETTINGS), ("word/fontTable.xml", FONT_TABLE),
        ("word/theme/theme1.xml", THEME))]
    return write_zip(entries)


# ---------------------------------------------------------------- schema order (Word refuses others)

ORDER = {
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
            "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
            "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
            "em", "lang", "eastAsianLayout", "specVanish", "oMath"],
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
              "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription"],
    "trPr": ["cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit", "trHeight",
             "tblHeader", "tblCellSpacing", "jc", "hidden"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark"],
    "sectPr": ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
               "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
               "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"],
    "tblBorders": ["top", "left", "start", "bottom", "right", "end", "insideH", "insideV"],
}


def schema_order(root: etree._Element) -> None:
    """Put the children of every property element in the order ECMA-376 prescribes."""
    for parent, order in ORDER.items():
        rank = {name: i for i, name in enumerate(order)}
        for el in root.iter(qn(f"w:{parent}")):
            children = list(el)
            children.sort(key=lambda c: rank.get(etree.QName(c).localname, len(order)))
            for child in children:
                el.append(child)


# ---------------------------------------------------------------- building blocks


def _sub(parent, tag: str, **attrs):
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    for k, v in attrs.items():
        el.set(qn(k), str(v))
    return el


def para(container, text: str = "", style: str = "Normal", align=None, keep_next: bool | None = None):
    p = container.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
    if keep_next is not None:
        p.paragraph_format.keep_with_next = keep_next
    return p


def tag(container, text: str):
    """A paragraph holding only a docxtpl block tag ({%p ... %}); docxtpl removes it when rendering."""
    return container.add_paragraph(text, style="标签")


def _cell_props(cell, width_mm: float, valign: str = "center") -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    _sub(tcpr, "w:tcW", **{"w:w": twips(width_mm), "w:type": "dxa"})
    _sub(tcpr, "w:vAlign", **{"w:val": valign})


def _borders(tbl, kind: str) -> None:
    borders = _sub(tbl._tbl.tblPr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        on = {"all": True, "none": False, "lines": side in ("bottom", "insideH")}[kind]
        _sub(borders, f"w:{side}", **{"w:val": "single" if on else "nil", "w:sz": 4, "w:space": 0,
                                      "w:color": "000000"})


def row_height(row, mm: float, rule: str = "atLeast") -> None:
    _sub(row._tr.get_or_add_trPr(), "w:trHeight", **{"w:val": twips(mm), "w:hRule": rule})


def table(doc, widths_mm: list[float], header: list[str] | None, rows: list[list[str]], *,
          loop: tuple[str, str] | None = None, height_mm: float | None = None, styles: list[str] | None = None,
          borders: str = "all", repeat_header: bool = True, can_split: bool = False):
    """A fixed-layout table; `loop` wraps the data rows in {%tr for %} ... {%tr endfor %} rows.

    Rows do not break across pages (a form row stays whole for handwriting) unless `can_split`."""
    n = len(widths_mm)
    tag_row = [""] * (n - 1)
    body = ([[loop[0]] + tag_row] if loop else []) + rows + ([[loop[1]] + tag_row] if loop else [])
    t = doc.add_table(rows=(1 if header else 0) + len(body), cols=n)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    tblpr = t._tbl.tblPr
    _sub(tblpr, "w:tblW", **{"w:w": twips(sum(widths_mm)), "w:type": "dxa"})
    _sub(tblpr, "w:tblLayout", **{"w:type": "fixed"})
    _borders(t, borders)
    for col, w in zip(t._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(twips(w)))
    styles = styles or ["表格居中"] + ["表格文字"] * (n - 1)
    first = 0
    if header:
        hdr = t.rows[0]
        trpr = hdr._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if repeat_header:
            trpr.append(OxmlElement("w:tblHeader"))
        for cell, text, w in zip(hdr.cells, header, widths_mm, strict=True):
            _cell_props(cell, w)
            first_line, *more = text.split("\n")  # a heading broken by hand between words
            cell.paragraphs[0].text = first_line
            cell.paragraphs[0].style = doc.styles["表头"]
            for line in more:
                cell.add_paragraph(line, style="表头")
        first = 1
    for i, values in enumerate(body):
        row = t.rows[first + i]
        is_tag = loop is not None and i in (0, len(body) - 1)
        if not is_tag:
            if not can_split:
                row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            if height_mm:
                row_height(row, height_mm)
        for j, (cell, text, w) in enumerate(zip(row.cells, values, widths_mm, strict=True)):
            _cell_props(cell, w)
            lines = text.split("\n") if text else [""]
            cell.paragraphs[0].text = lines[0]
            cell.paragraphs[0].style = doc.styles[styles[j]]
            for extra in lines[1:]:
                cell.add_paragraph(extra, style="标签" if extra.startswith("{%p") else styles[j])
    if loop and n > 1:
        for r in (first, len(t.rows) - 1):  # a tag row is one merged cell: the grid stays consistent
            merge_row(t, r, 0, n - 1)
            t.cell(r, 0).paragraphs[0].style = doc.styles["标签"]
    return t


def merge_row(t, row_index: int, first: int, last: int) -> None:
    """Merge cells of a row into one, keeping only the first cell's text (python-docx would keep
    every merged cell's empty paragraph, making the row several lines tall)."""
    cell = t.cell(row_index, first).merge(t.cell(row_index, last))
    for p in cell.paragraphs[1:]:
        if not p.text:
            p._p.getparent().remove(p._p)


def keep_together(t) -> None:
    """A small form (signature block, talk record, review box) stays on one page."""
    for row in t.rows[:-1]:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def ruled_lines(doc, var: str, width: float) -> None:
    table(doc, [width], None, [["{{ line }}"]], loop=(f"{{%tr for line in {var} %}}", "{%tr endfor %}"),
          height_mm=10, styles=["表格文字"], borders="lines")


def page_field(paragraph) -> None:
    """— PAGE — : the number is a field, so Word and LibreOffice count it themselves."""

    def run(text: str = "", fld: str | None = None, instr: str | None = None) -> None:
        r = paragraph.add_run(text)
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def setup_section(doc, *, cover: bool = False, landscape: bool = False) -> float:
    """A4 with GB/T 9704 margins (rotated for a landscape table); returns the type area's width in mm."""
    section = doc.sections[0]
    if landscape:
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(26), Mm(28)
        section.left_margin, section.right_margin = Mm(37), Mm(35)
        width, footer_mm = 225.0, 14.0
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        width, footer_mm = 156.0, 23.0  # the page number's top 7 mm below the type area (line of 14 pt)
    sect = section._sectPr
    if landscape:
        _sub(sect, "w:pgSz", **{"w:orient": "landscape"})
    section.header_distance, section.footer_distance = Mm(15), Mm(footer_mm)
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
        # The cover has no page number; its footer holds the maker's line, at the foot of the cover
        # however long the cover's table grows.
        section.first_page_footer.is_linked_to_previous = False
        maker = section.first_page_footer.paragraphs[0]
        maker.style = doc.styles["封面文字"]
        maker.add_run("{{ cover_maker }}")
    _sub(sect, "w:pgNumType", **{"w:start": "1"})  # every document numbers from 1, in bundles too
    _sub(sect, "w:docGrid", **{"w:type": "lines", "w:linePitch": LINE})
    return width


def new_doc(title: str, **section):
    doc = Document(io.BytesIO(base_package(title)))
    width = setup_section(doc, **section)
    return doc, width


def finish(doc, path: Path) -> None:
    """Save with every part in schema order and fixed zip dates: the same bytes on every run."""
    buf = io.BytesIO()
    doc.save(buf)
    entries = []
    from dutydocs.render import inflate, read_entries

    for entry in read_entries(buf.getvalue()):
        if entry.name.startswith("word/") and entry.name.endswith(".xml"):
            root = etree.fromstring(inflate(entry))
            schema_order(root)
            entry = ZipEntry.deflate(entry.name, etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                                standalone=True))
        entries.append(entry)
    path.write_bytes(write_zip(entries))
    print(f"wrote {path}")


# ---------------------------------------------------------------- 责任清单


def duty_tables(doc, var: str, width: float) -> None:
    """The duties of one table, with a 责任主体 column only when the table has something to put in it."""
    head = ["编号", "责任类别", "责任内容", "责任主体", "完成时限", "履责佐证"]
    text = "{{ d.text }}\n{%p if d.measure %}\n{{ d.measure }}\n{%p endif %}"
    owner = "{%p for line in d.owner or [\"\"] %}\n{{ line }}\n{%p endfor %}"  # a cell keeps one paragraph
    cells = ["{{ d.code }}", "{{ d.category }}", text, owner, "{{ d.due }}", "{{ d.evidence }}"]
    styles = ["表格小字", "表格居中", "表格文字", "表格小字", "表格居中", "表格居中"]
    loop = (f"{{%tr for d in {var}.duties %}}", "{%tr endfor %}")
    # Widths hold the codes (横12-3), 责任类别 of 4 characters and 完成时限 like 12月底前 on a line.
    if width > 200:  # landscape
        with_owner, without = [16, 26, 101, 32, 24, 26], [16, 28, 129, 26, 26]
    else:
        with_owner, without = [15, 19, 51, 26, 22, 23], [15, 20, 75, 22, 24]
    tag(doc, f"{{%p if {var}.owners %}}")
    table(doc, with_owner, head, [cells], loop=loop, styles=styles)
    tag(doc, "{%p else %}")
    keep = [0, 1, 2, 4, 5]
    table(doc, without, [head[i] for i in keep], [[cells[i] for i in keep]], loop=loop,
          styles=[styles[i] for i in keep])
    tag(doc, "{%p endif %}")


def make_list(path: Path, landscape: bool = False) -> None:
    doc, width = new_doc("党风廉政建设责任清单", landscape=landscape)
    tag(doc, "{%p if annex %}")
    para(doc, "{{ annex }}", "附件标记")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for line in title %}")
    para(doc, "{{ line }}", "Title")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ date_line }}", "Subtitle")
    para(doc, "{{ preamble }}")
    para(doc, "{{ sections[0] }}", "Heading 1")
    tag(doc, "{%p for tier in tiers %}")
    para(doc, "{{ tier.heading }}", "Heading 2")
    tag(doc, "{%p for g in tier.groups %}")
    tag(doc, "{%p if g.label %}")
    para(doc, "{{ g.label }}", "Heading 3")
    tag(doc, "{%p endif %}")
    duty_tables(doc, "g", width)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if horizontal %}")
    para(doc, "{{ sections[1] }}", "Heading 1")
    para(doc, "{{ horizontal.title }}", keep_next=True)
    tag(doc, "{%p if horizontal.common %}")
    para(doc, "{{ horizontal.common_heading }}", "Heading 2")
    duty_tables(doc, "horizontal.common", width)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for u in horizontal.units %}")
    para(doc, "{{ u.heading }}", "Heading 2")
    duty_tables(doc, "u.table", width)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if task_tiers or personal_tasks %}")
    para(doc, "{{ sections[-1] }}", "Heading 1")
    text = "{{ k.text }}\n{%p for line in k.measure %}\n{{ line }}\n{%p endfor %}"
    tag(doc, "{%p for t in task_tiers %}")
    para(doc, "{{ t.heading }}", "Heading 2")
    table(doc, [16, 185, 24] if landscape else [15, 117, 24], ["编号", "任务内容", "完成时限"],
          [["{{ k.no }}", text, "{{ k.due }}"]], loop=("{%tr for k in t.tasks %}", "{%tr endfor %}"),
          styles=["表格小字", "表格文字", "表格居中"])
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if personal_tasks %}")
    para(doc, "{{ personal_heading }}", "Heading 2")
    table(doc, [16, 24, 161, 24] if landscape else [15, 18, 99, 24], ["编号", "责任人", "任务内容", "完成时限"],
          [["{{ k.no }}", "{{ k.owner }}", text, "{{ k.due }}"]],
          loop=("{%tr for k in personal_tasks %}", "{%tr endfor %}"),
          styles=["表格小字", "表格居中", "表格文字", "表格居中"])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")
    finish(doc, path)


# ---------------------------------------------------------------- 廉政责任书


def numbered_block(doc, var: str) -> None:
    tag(doc, f"{{%p for x in {var} %}}")
    para(doc, "{{ x }}")
    tag(doc, "{%p endfor %}")


def make_letter(path: Path) -> None:
    doc, width = new_doc("廉政责任书")
    para(doc, "{{ title }}", "Title")
    para(doc, "", "正文无缩进")
    p = para(doc, "编号：{{ number }}", "正文无缩进", WD_ALIGN_PARAGRAPH.RIGHT)
    p.runs[0].font.size = Pt(12)
    para(doc, "{{ superior.label }}：{{ superior.who }}", "签订方")
    para(doc, "{{ subordinate.label }}：{{ subordinate.who }}", "签订方")
    para(doc, "{{ preamble }}")
    para(doc, "{{ headings[0] }}", "Heading 1")
    para(doc, "{{ goal }}")
    para(doc, "{{ headings[1] }}", "Heading 1")
    numbered_block(doc, "duties")
    para(doc, "{{ headings[2] }}", "Heading 1")
    numbered_block(doc, "tasks")
    tag(doc, "{%p if no_tasks %}")
    para(doc, "{{ no_tasks }}")
    tag(doc, "{%p endif %}")
    para(doc, "{{ headings[3] }}", "Heading 1")
    numbered_block(doc, "assessment")
    para(doc, "{{ headings[4] }}", "Heading 1")
    numbered_block(doc, "accountability")
    para(doc, "{{ headings[5] }}", "Heading 1")
    # Only the last clause goes with the signatures: a whole block kept together would leave the
    # page before half empty (headings keep with their first line by their style).
    numbered_block(doc, "closing[:-1]")
    para(doc, "{{ closing[-1] }}", keep_next=True)
    para(doc, "", "正文无缩进", keep_next=True)
    half = width / 2
    t = table(doc, [half, half], None,
              [["{{ sign.superior }}", "{{ sign.subordinate }}"], ["", ""], ["{{ sign.seal }}", ""],
               ["{{ sign.date }}", "{{ sign.date }}"]],
              styles=["签字", "签字"], borders="none")
    row_height(t.rows[1], 24)  # room for a hand signature; the seal goes over the issuing side's name
    for r in (2, 3):
        for cell in t.rows[r].cells:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    keep_together(t)
    finish(doc, path)


# ---------------------------------------------------------------- 全程纪实本


def section_title(doc, text: str) -> None:
    para(doc, text, "分部标题")


def hint(doc, text: str) -> None:
    para(doc, text, "提示", keep_next=True)


def make_book(path: Path) -> None:
    doc, width = new_doc("履行党风廉政建设责任制全程纪实本", cover=True)
    for _ in range(2):
        para(doc, "", "封面文字")
    tag(doc, "{%p for line in cover_title %}")
    para(doc, "{{ line }}", "封面标题")
    tag(doc, "{%p endfor %}")
    para(doc, "{{ cover_year }}", "封面文字")
    for _ in range(3):
        para(doc, "", "封面文字")
    t = table(doc, [40, 96], None, [["{{ c.label }}", "{{ c.value }}"]],
              loop=("{%tr for c in cover %}", "{%tr endfor %}"), height_mm=12, styles=["封面文字", "封面文字"],
              borders="lines")
    for row in t.rows[1:-1]:
        row.cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE

    section_title(doc, "{{ notes_title }}")
    numbered_block(doc, "notes")

    section_title(doc, "{{ list_title }}")
    para(doc, "{{ tiers_line }}", "正文无缩进")
    widths = [16, 90, 24, 26]
    t = table(doc, widths, ["编号", "责任内容（年度任务）", "完成时限", "履责佐证"],
              [["{%tr for g in groups %}", "", "", ""], ["{{ g.heading }}", "", "", ""],
               ["{%tr for it in g.duties %}", "", "", ""],
               ["{{ it.code }}", "{{ it.text }}", "{{ it.due }}", "{{ it.evidence }}"],
               ["{%tr endfor %}", "", "", ""], ["{%tr endfor %}", "", "", ""]],
              styles=["表格小字", "表格文字", "表格居中", "表格居中"])
    for r in (1, 2, 3, 5, 6):
        merge_row(t, r, 0, 3)
        t.cell(r, 0).paragraphs[0].style = doc.styles["标签" if r != 2 else "表格文字"]
    t.cell(2, 0).paragraphs[0].runs[0].font.bold = True
    for r in (1, 3, 5, 6):
        t.rows[r]._tr.get_or_add_trPr().remove(t.rows[r]._tr.trPr.find(qn("w:cantSplit")))

    section_title(doc, "{{ pledge_title }}")
    para(doc, "{{ pledge_intro }}")
    ruled_lines(doc, "pledge_lines", width)
    para(doc, "", "正文无缩进")
    para(doc, "{{ pledge_sign }}", "签字", WD_ALIGN_PARAGRAPH.RIGHT)

    section_title(doc, "{{ plan_title }}")
    hint(doc, "{{ plan_hint }}")
    ruled_lines(doc, "plan_lines", width)

    tag(doc, "{%p for pd in periods %}")
    section_title(doc, "{{ pd.title }}")
    hint(doc, "{{ record_hint }}")
    table(doc, [22, 16, 58, 24, 22, 14], ["时间", "清单\n编号", "履责情况（做法、内容）", "参加人员\n或对象", "佐证材料", "备注"],
          [["{{ r.date }}", "{{ r.code }}", "{{ r.content }}", "{{ r.participants }}", "{{ r.evidence }}",
            "{{ r.note }}"]], loop=("{%tr for r in pd.rows %}", "{%tr endfor %}"), height_mm=13,
          styles=["表格居中", "表格居中", "表格文字", "表格文字", "表格文字", "表格文字"])
    tag(doc, "{%p endfor %}")

    tag(doc, "{%p for t in talks %}")
    section_title(doc, "{{ talk_title }}")
    t = table(doc, [24, 54, 24, 54], None, [
        ["时　　间", "{{ t.date }}", "地　　点", "{{ t.place }}"],
        ["谈 话 人", "{{ t.talker }}", "谈话对象", "{{ t.target }}"],
        ["谈话类型", "{{ t.kind }}", "", ""],
        ["谈话内容", "{{ t.content }}", "", ""],
        ["对象表态", "{{ t.response }}", "", ""],
        ["谈话人\n签字", "", "谈话对象\n签字", ""],
        ["记 录 人", "{{ t.recorder }}", "记录日期", ""],
    ], height_mm=12, styles=["表头", "表格文字", "表头", "表格文字"])
    for r in (2, 3, 4):
        merge_row(t, r, 1, 3)
    row_height(t.rows[3], 92)
    row_height(t.rows[4], 40)
    row_height(t.rows[5], 16)
    for r in (3, 4):
        _sub(t.cell(r, 1)._tc.get_or_add_tcPr(), "w:vAlign", **{"w:val": "top"})
    keep_together(t)
    tag(doc, "{%p endfor %}")

    section_title(doc, "{{ register_title }}")
    hint(doc, "{{ register_hint }}")
    table(doc, [11, 20, 30, 22, 53, 20], ["序号", "时间", "谈话对象", "谈话类型", "主要内容", "对象签字"],
          [["{{ r.no }}", "", "", "", "", ""]], loop=("{%tr for r in register %}", "{%tr endfor %}"), height_mm=13,
          styles=["表格居中", "表格居中", "表格居中", "表格居中", "表格文字", "表格居中"])

    section_title(doc, "{{ check_title }}")
    table(doc, [11, 18, 16, 28, 28, 25, 15, 15],
          ["序号", "时间", "检查\n方式", "检查事项", "发现问题", "处理意见", "责任人", "检查人"],
          [["{{ c.no }}", "{{ c.date }}", "{{ c.method }}", "{{ c.matter }}", "{{ c.findings }}", "{{ c.opinion }}",
            "{{ c.owner }}", "{{ c.checker }}"]], loop=("{%tr for c in checks %}", "{%tr endfor %}"), height_mm=17,
          styles=["表格居中", "表格居中", "表格居中", "表格文字", "表格文字", "表格文字", "表格居中", "表格居中"])

    section_title(doc, "{{ fix_title }}")
    hint(doc, "{{ fix_hint }}")
    table(doc, [11, 33, 33, 15, 16, 28, 20],
          ["序号", "存在问题", "整改措施", "责任人", "整改\n时限", "整改情况", "销号\n日期"],
          [["{{ f.no }}", "{{ f.problem }}", "{{ f.measure }}", "{{ f.owner }}", "{{ f.due }}", "{{ f.status }}",
            "{{ f.closed }}"]], loop=("{%tr for f in fixes %}", "{%tr endfor %}"), height_mm=17,
          styles=["表格居中", "表格文字", "表格文字", "表格居中", "表格居中", "表格文字", "表格居中"])

    section_title(doc, "{{ review_title }}")
    tag(doc, "{%p for rv in reviews %}")
    t = table(doc, [width], None, [["{{ rv.box }}"], ["{%tr for l in rv.lines %}"], ["{{ l }}"], ["{%tr endfor %}"],
                                   ["{{ rv.sign }}"]], styles=["表格文字"])
    row_height(t.rows[2], 9)
    row_height(t.rows[4], 10)
    t.rows[4].cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for r in (1, 3):
        t.cell(r, 0).paragraphs[0].style = doc.styles["标签"]
        t.rows[r]._tr.trPr.remove(t.rows[r]._tr.trPr.find(qn("w:cantSplit")))
    keep_together(t)
    para(doc, "", "正文无缩进")
    tag(doc, "{%p endfor %}")

    section_title(doc, "{{ summary_title }}")
    hint(doc, "{{ summary_hint }}")
    ruled_lines(doc, "summary_lines", width)

    section_title(doc, "{{ appraisal_title }}")
    t = table(doc, [30, width - 30], None, [
        ["考核等次", "{{ grades }}"],
        ["考核意见", ""],
        ["考 核 人", "{{ appraisal_sign }}"],
    ], styles=["表头", "表格文字"], height_mm=14)
    row_height(t.rows[1], 120)
    keep_together(t)
    finish(doc, path)


# ---------------------------------------------------------------- 工作建议书


def border(paragraph, side: str = "bottom", color: str = "000000", size: int = 8) -> None:
    """A rule under (or over) a paragraph: the red separator of a 版头, the lines of a 版记."""
    pbdr = _sub(paragraph._p.get_or_add_pPr(), "w:pBdr")
    _sub(pbdr, f"w:{side}", **{"w:val": "single", "w:sz": size, "w:space": 1, "w:color": color})


def make_advice(path: Path) -> None:
    doc, _width = new_doc("工作建议书")
    para(doc, "", "正文无缩进")
    tag(doc, "{%p if issuer_long %}")  # a long name a size smaller, on one line
    para(doc, "{{ issuer }}", "发文机关标志（长）")
    tag(doc, "{%p else %}")
    para(doc, "{{ issuer }}", "发文机关标志")
    tag(doc, "{%p endif %}")
    para(doc, "", "正文无缩进")
    para(doc, "", "正文无缩进")  # 发文字号 two lines under the 发文机关标志
    para(doc, "{{ number }}", "正文无缩进", WD_ALIGN_PARAGRAPH.CENTER)
    border(para(doc, "", "分隔线"), color="FF0000", size=12)  # GB/T 9704: the red rule under the 文号
    para(doc, "", "正文无缩进")
    tag(doc, "{%p for line in title %}")
    para(doc, "{{ line }}", "Title")
    tag(doc, "{%p endfor %}")
    para(doc, "", "正文无缩进")
    para(doc, "{{ to }}", "正文无缩进")
    para(doc, "{{ opening }}")
    para(doc, "{{ headings[0] }}", "Heading 1")
    numbered_block(doc, "problems")
    para(doc, "{{ headings[1] }}", "Heading 1")
    numbered_block(doc, "recommendations")
    para(doc, "{{ headings[2] }}", "Heading 1")
    para(doc, "{{ reply }}", keep_next=True)
    para(doc, "", "正文无缩进", keep_next=True)
    para(doc, "", "正文无缩进", keep_next=True)
    para(doc, "{{ signer }}", "落款", keep_next=True)
    para(doc, "{{ date }}", "落款", keep_next=True)  # the 版记 never starts a page alone
    version_block(doc)
    finish(doc, path)


def version_block(doc) -> None:
    """The 版记 (GB/T 9704 8): 抄送 and 印发 lines between rules — thick first and last, thin between —
    as wide as the type area: a table floated to the foot of the last page, so its last line is the
    page's last line (Word; LibreOffice 7.4 sets it in the flow, under the date)."""
    t = table(doc, [156], None, [["{%tr if cc %}"], ["{{ cc }}"], ["{%tr endif %}"], ["{{ printed_by }}"]],
              borders="none", styles=["抄送"])
    t.cell(1, 0).paragraphs[0].paragraph_format.keep_with_next = True
    p = t.cell(3, 0).paragraphs[0]
    p.style = doc.styles["版记"]  # 印发机关左空一字，印发日期右空一字
    p.add_run().add_tab()
    p.add_run("{{ printed_on }}")
    p.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(14), WD_TAB_ALIGNMENT.RIGHT)
    tblpr = t._tbl.tblPr
    floating = OxmlElement("w:tblpPr")
    for key, value in (("w:leftFromText", "0"), ("w:rightFromText", "0"), ("w:vertAnchor", "margin"),
                       ("w:horzAnchor", "margin"), ("w:tblpXSpec", "center"), ("w:tblpYSpec", "bottom")):
        floating.set(qn(key), value)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    at = 1 if tblpr.find(qn("w:tblStyle")) is not None else 0
    tblpr.insert(at, floating)
    tblpr.insert(at + 1, overlap)
    for side, size in (("top", 8), ("bottom", 8), ("insideH", 6)):  # 0.35 mm, 0.35 mm, 0.25 mm
        edge = tblpr.find(qn("w:tblBorders")).find(qn(f"w:{side}"))
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(size))
    margins = _sub(tblpr, "w:tblCellMar")  # the text's own indents place it, not the cell's margins
    for side in ("left", "right"):
        _sub(margins, f"w:{side}", **{"w:w": 0, "w:type": "dxa"})
    para(doc, "", "分隔线")


# ---------------------------------------------------------------- 廉洁从政（从业）信息表


def form_heading(doc, text: str) -> None:
    para(doc, text, "表名", keep_next=True)


def make_integrity(path: Path) -> None:
    doc, width = new_doc("廉洁信息表")
    para(doc, "{{ secret }}", "附件标记")
    para(doc, "{{ title }}", "Title")
    para(doc, "{{ year_line }}", "Subtitle")
    table(doc, [26, 52, 26, 52], None, [["{{ b.l1 }}", "{{ b.v1 }}", "{{ b.l2 }}", "{{ b.v2 }}"]],
          loop=("{%tr for b in basics %}", "{%tr endfor %}"), height_mm=9,
          styles=["表头", "表格文字", "表头", "表格文字"])
    form_heading(doc, "家庭成员及主要社会关系")
    table(doc, [18, 24, 22, 24, 68], ["称谓", "姓名", "出生年月", "政治面貌", "工作单位及职务"],
          [["{{ f.relation }}", "{{ f.name }}", "{{ f.born }}", "{{ f.political }}", "{{ f.work }}"]],
          loop=("{%tr for f in family %}", "{%tr endfor %}"), height_mm=8,
          styles=["表格居中", "表格居中", "表格居中", "表格居中", "表格文字"])
    form_heading(doc, "个人有关事项报告及变化登记")
    table(doc, [32, 28, 66, 30], ["报告日期", "类别", "内容", "受理人"],
          [["{{ m.date }}", "{{ m.category }}", "{{ m.content }}", "{{ m.received_by }}"]],
          loop=("{%tr for m in matters %}", "{%tr endfor %}"), height_mm=8,
          styles=["表格居中", "表格居中", "表格文字", "表格居中"])
    form_heading(doc, "礼品礼金登记")
    table(doc, [32, 84, 40], ["日期", "礼品、礼金情况", "处理情况"],
          [["{{ g.date }}", "{{ g.content }}", "{{ g.handling }}"]],
          loop=("{%tr for g in gifts %}", "{%tr endfor %}"), height_mm=8,
          styles=["表格居中", "表格文字", "表格文字"])
    form_heading(doc, "廉政谈话、函询记录")
    table(doc, [32, 28, 44, 52], ["日期", "类型", "谈话人", "事由"],
          [["{{ t.date }}", "{{ t.kind }}", "{{ t.talker }}", "{{ t.reason }}"]],
          loop=("{%tr for t in talks %}", "{%tr endfor %}"), height_mm=8,
          styles=["表格居中", "表格居中", "表格居中", "表格文字"])
    form_heading(doc, "其他情况")
    t = table(doc, [30, width - 30], None, [["奖惩情况", "{{ honors }}"], ["备　　注", "{{ note }}"]],
              styles=["表头", "表格文字"], height_mm=16)
    for row in t.rows:  # the last rows stay with the signature line
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    para(doc, "", "正文无缩进", keep_next=True)
    tag(doc, "{%p for line in filled_by %}")
    para(doc, "{{ line }}", "签字", WD_ALIGN_PARAGRAPH.RIGHT, keep_next=True)
    tag(doc, "{%p endfor %}")
    finish(doc, path)


# ---------------------------------------------------------------- 四张清单


def make_four_lists(path: Path) -> None:
    doc, _width = new_doc("四张清单")
    tag(doc, "{%p for line in title %}")
    tag(doc, "{%p if title_long[loop.index0] %}")  # a long line a size smaller, on one line
    para(doc, "{{ line }}", "标题（长）")
    tag(doc, "{%p else %}")
    para(doc, "{{ line }}", "Title")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    para(doc, "", "正文无缩进")
    row = ["{{ r.no }}", "{{ r.text }}", "{{ r.data }}", "{{ r.owner }}", "{{ r.due }}"]
    t = table(doc, [10, 80, 30, 16, 20], ["序号", "内容", "数据或佐证", "责任人", "时限"],
              [["{%tr for c in categories %}", "", "", "", ""], ["{{ c.name }}", "", "", "", ""],
               ["{%tr for r in c.rows %}", "", "", "", ""], ["{%tr if r.last %}", "", "", "", ""], row,
               ["{%tr else %}", "", "", "", ""], row, ["{%tr endif %}", "", "", "", ""],
               ["{%tr endfor %}", "", "", "", ""], ["{%tr endfor %}", "", "", "", ""]],
              styles=["表格居中", "表格文字", "表格文字", "表格居中", "表格居中"])
    for r in (1, 2, 3, 4, 6, 8, 9, 10):
        merge_row(t, r, 0, 4)
        t.cell(r, 0).paragraphs[0].style = doc.styles["标签" if r != 2 else "表头"]
    t.cell(2, 0).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    t.cell(2, 0).paragraphs[0].paragraph_format.keep_with_next = True  # a category's name stays with its rows
    for cell in t.rows[5].cells:  # the very last row keeps the signature company on its page
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    para(doc, "", "正文无缩进", keep_next=True)
    para(doc, "{{ sign }}", "签字", WD_ALIGN_PARAGRAPH.RIGHT)
    finish(doc, path)


# ---------------------------------------------------------------- 督查报告 (dutydocs report)


def report_table(doc, var: str, widths: list[float], head: list[str], cells: list[str], styles: list[str],
                 last: bool = False, whole: bool = False) -> None:
    """A table of the report's rows, or one line saying there are none. The `last` one holds on to
    the 落款 after it, so the signature never stands alone on a page; a short one kept `whole` is
    never split across two pages."""
    tag(doc, f"{{%p if {var} %}}")
    t = table(doc, widths, head, [cells], loop=(f"{{%tr for r in {var} %}}", "{%tr endfor %}"), styles=styles)
    if last:
        for cell in t.rows[2].cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    if whole:
        for row in t.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    tag(doc, "{%p else %}")
    para(doc, "{{ none }}", keep_next=last or None)
    tag(doc, "{%p endif %}")


def make_report(path: Path) -> None:
    doc, _width = new_doc("督查报告")
    para(doc, "{{ title }}", "Title")
    para(doc, "{{ subtitle }}", "Subtitle")
    para(doc, "", "正文无缩进")
    para(doc, "{{ summary }}")
    para(doc, "一、{{ headings[0] }}", "Heading 1")
    report_table(doc, "persons", [40, 38, 38, 40], ["姓名", "应有记录", "已有记录", "记录不足的职责（项）"],
                 ["{{ r.person }}", "{{ r.expected }}", "{{ r.recorded }}", "{{ r.behind }}"],
                 ["表格居中"] * 4)
    para(doc, "二、{{ headings[1] }}", "Heading 1")
    tag(doc, "{%p if behind %}")
    para(doc, "{{ behind_note }}", keep_next=True)
    tag(doc, "{%p endif %}")
    report_table(doc, "behind", [24, 18, 114], ["姓名", "项数", "记录不足的职责（编号）"],
                 ["{{ r.person }}", "{{ r.n }}", "{{ r.codes }}"], ["表格居中", "表格居中", "表格文字"])
    para(doc, "三、{{ headings[2] }}", "Heading 1")
    para(doc, "{{ talks_line }}", keep_next=True)
    report_table(doc, "talks", [22, 22, 14, 34, 38, 26], ["责任领导", "责任人", "层面", "应谈时限", "已谈（日期）", "状态"],
                 ["{{ r.superior }}", "{{ r.subordinate }}", "{{ r.level }}", "{{ r.due }}", "{{ r.held }}",
                  "{{ r.status }}"], ["表格居中"] * 6)
    para(doc, "四、{{ headings[3] }}", "Heading 1")
    report_table(doc, "overdue", [34, 52, 24, 28, 18], ["来源", "问题", "责任单位（责任人）", "时限", "逾期天数"],
                 ["{{ r.source }}", "{{ r.text }}", "{{ r.owner }}", "{{ r.due }}", "{{ r.days }}"],
                 ["表格居中", "表格文字", "表格居中", "表格居中", "表格居中"])
    para(doc, "五、{{ headings[4] }}", "Heading 1")
    report_table(doc, "counts", [78, 78], ["谈话类型", "人次"], ["{{ r.kind }}", "{{ r.n }}"], ["表格居中"] * 2,
                 whole=True)
    para(doc, "六、{{ headings[5] }}", "Heading 1")
    tag(doc, "{%p if unreadable %}")
    para(doc, "{{ unreadable_note }}", keep_next=True)
    tag(doc, "{%p endif %}")
    report_table(doc, "unreadable", [24, 18, 114], ["姓名", "项数", "未写明频次的职责（编号）"],
                 ["{{ r.person }}", "{{ r.n }}", "{{ r.codes }}"], ["表格居中", "表格居中", "表格文字"], last=True)
    para(doc, "", "正文无缩进", keep_next=True)
    para(doc, "{{ signer }}", "落款", keep_next=True)
    para(doc, "{{ date }}", "落款")
    finish(doc, path)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "templates"
    out.mkdir(parents=True, exist_ok=True)
    make_list(out / "责任清单.docx")
    make_list(out / "责任清单（横版）.docx", landscape=True)
    make_letter(out / "廉政责任书.docx")
    make_book(out / "全程纪实本.docx")
    make_advice(out / "工作建议书.docx")
    make_integrity(out / "廉洁信息表.docx")
    make_four_lists(out / "四张清单.docx")
    make_report(out / "督查报告.docx")


if __name__ == "__main__":
    main()
