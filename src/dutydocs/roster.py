"""The cadre roster (干部花名册) in Excel: read it into the people and divisions of a catalogue, write it back.

Clerks keep the roster in Excel or WPS as they always have: a title row or two above the header, header
names in their own words (姓名, 现任职务, 职级, 所在处室, 分管处室 …), blank rows, section rows merged
across the table, a unit merged down over its people, several units in one cell separated by 、，; or
spaces. `read_roster` finds the header, reads every row and remembers the cell each value came from,
so that every later message says `花名册.xlsx 花名册!B7`.

A workbook may hold, besides the roster, a sheet of units (名称, 类型, 主要负责人, 空缺, 分管领导) and
sheets of duties (本人职责, 处室职责): `export_roster` writes all of them, so that a catalogue's
people, units, posts and supervision lines go to Excel and come back unchanged.

Reading: .xlsx/.xlsm with openpyxl (already a dependency; calamine is 7–10× faster but aborts the
whole process on a 2 KB workbook with two far-apart cells, and rosters are small), .csv with the
standard library (UTF-8, or GBK as Excel saves it on a Chinese Windows). .xls, .et and .ods are
refused with a message saying how to save them as .xlsx. Sizes, rows and columns are bounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import KeyPath, Problem

ROSTER_SUFFIXES = (".xlsx", ".xlsm", ".csv")
_SAVE_AS = "请在 Excel 或 WPS 里打开它，选“文件 → 另存为”，文件类型选“Excel 工作簿（*.xlsx）”，再用另存的文件。"
REFUSED_SUFFIXES = {
    ".xls": "这是旧版 Excel 文件（.xls）。" + _SAVE_AS,
    ".et": "这是 WPS 表格自己的格式（.et）。" + _SAVE_AS,
    ".ett": "这是 WPS 表格模板（.ett）。" + _SAVE_AS,
    ".ods": "这是 OpenDocument 表格（.ods）。" + _SAVE_AS,
    ".numbers": "这是 Numbers 表格。请导出为 Excel（.xlsx）后再用。",
    ".xlsb": "这是 Excel 二进制工作簿（.xlsb）。" + _SAVE_AS,
}
MAX_BYTES = 20 * 1024 * 1024  # the file itself
MAX_UNPACKED = 200 * 1024 * 1024  # all parts of an .xlsx, unpacked
MAX_ROWS = 20_000
MAX_COLS = 200
HEADER_ROWS = 30  # the header is looked for among the first rows

# ---------------------------------------------------------------- cells and positions


def column_letter(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def sheet_ref(sheet: str, row: int, col: int | None = None) -> str:
    """`花名册!B7` as Excel shows it; a sheet name with spaces or punctuation is quoted."""
    name = sheet if re.fullmatch(r"[\w\u4e00-\u9fff（）]+", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{column_letter(col)}{row}" if col else f"{name}!{row}:{row}"


class CellAt(tuple):
    """Where a value of an included workbook was written: a (file, line) pair as the loader's positions
    hold them — file "花名册.xlsx「花名册」表", line the row — that also knows the cell, so that a
    Problem about it says `花名册.xlsx 花名册!B7`."""

    file: str
    sheet: str
    ref: str

    def __new__(cls, file: str, sheet: str, row: int, col: int | None) -> CellAt:
        self = super().__new__(cls, (f"{file}「{sheet}」表", row))
        self.file = file
        self.sheet = sheet
        self.ref = sheet_ref(sheet, row, col)
        self.row = row
        self.col = col
        return self

    def __reduce__(self) -> tuple:
        return (CellAt, (self.file, self.sheet, self.row, self.col))

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return self.__reduce__()

    def problem(self, message: str, severity: str = "error") -> Problem:
        return Problem(self.file, None, self.ref, message, severity)  # type: ignore[arg-type]


# ---------------------------------------------------------------- header names

# Words for units in rosters of every kind of organ; "所在X" is the person's unit, "分管X" the units he supervises.
UNIT_WORDS = ("处室", "科室", "股室", "部门", "单位", "站所", "院系", "二级单位", "内设机构", "机构", "处室单位",
              "科室单位", "处", "科", "室", "村", "社区", "站所村", "部门单位", "单位部门", "院系部门", "工作部门")


def norm_header(text: Any) -> str:
    """A header as compared: no spaces or line breaks, no marks like * or ：, (（）) alike."""
    s = "" if text is None else str(text)
    s = re.sub(r"[\s\u3000*＊※:：]", "", s)
    return s.replace("(", "（").replace(")", "）")


def _bare(s: str) -> str:
    """Without a bracketed remark: 职级（必填） -> 职级, 处室（单位） -> 处室单位."""
    inner = re.fullmatch(r"(.*?)（(单位|部门|科室|处室|村)）", s)
    if inner:
        return inner.group(1) + inner.group(2)
    return re.sub(r"（[^（）]*）$", "", s)


PEOPLE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "干部姓名", "人员姓名", "职工姓名", "姓名（必填）"),
    "title": ("职务", "现任职务", "现职务", "职务全称", "现任职务全称", "职务名称", "任职", "现任职", "行政职务", "党内职务",
              "党政职务", "职务（全称）", "现任党政职务", "职务职称"),
    "rank": ("职级", "职务层次", "职级层次", "级别", "现职级", "职务级别", "职务职级", "现职级层次", "职级（层次）"),
    "posts": ("岗位", "责任岗位", "所任岗位", "担任岗位", "责任制岗位", "党风廉政建设岗位"),
    "head": ("主要负责人", "是否主要负责人", "是否负责人", "处室主要负责人", "科室主要负责人", "负责人"),
    "external": ("本单位以外", "外单位", "是否外单位", "单位外人员"),
    "seq": ("序号", "编号", "序", "No", "NO", "no"),
}
UNIT_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "处室名称", "科室名称", "部门名称", "单位名称", "机构名称", "内设机构名称"),
    "kind": ("类型", "类别", "处室类型", "单位类型", "机构类型"),
    "head": ("主要负责人", "负责人", "处室负责人", "科室负责人", "主要负责人姓名", "负责人姓名"),
    "vacant": ("空缺", "负责人空缺", "主要负责人空缺", "是否空缺"),
    "leader": ("分管领导", "分管局领导", "分管校领导", "分管院领导", "分管厅领导", "分管领导姓名", "分管负责人"),
    "seq": PEOPLE_FIELDS["seq"],
}
DUTY_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("责任内容", "职责内容", "职责", "内容", "本人职责", "处室职责"),
    "type": ("责任类型",),
    "category": ("责任类别", "类别"),
    "measure": ("具体措施", "措施", "具体措施或标准"),
    "due": ("完成时限", "时限", "完成时限或频次"),
    "evidence": ("履责佐证", "佐证", "表现形式", "佐证材料"),
    "owner": ("责任主体",),
    "lead": ("牵头单位", "牵头"),
    "assist": ("配合单位", "配合"),
    "posts": ("承担岗位",),
    "in_letter": ("写入责任书",),
    "frequency": ("履责频次", "频次"),
}
# What each field is called in messages, and in the header `export` writes.
PEOPLE_LABELS = {"name": "姓名", "title": "职务", "rank": "职级", "division": "所在处室", "supervises": "分管处室",
                 "posts": "岗位", "head": "主要负责人", "external": "本单位以外", "seq": "序号"}
UNIT_LABELS = {"name": "名称", "kind": "类型", "head": "主要负责人", "vacant": "空缺", "leader": "分管领导", "seq": "序号"}
DUTY_LABELS = {"text": "责任内容", "type": "责任类型", "category": "责任类别", "measure": "具体措施", "due": "完成时限",
               "evidence": "履责佐证", "owner": "责任主体", "lead": "牵头单位", "assist": "配合单位", "posts": "承担岗位",
               "in_letter": "写入责任书", "frequency": "履责频次"}
FIELD_NAMES = {**{v: k for k, v in PEOPLE_LABELS.items()}, **{k: k for k in PEOPLE_LABELS}}
MULTI = {"supervises", "posts", "lead", "assist"}


def _unit_word(s: str) -> bool:
    return s in UNIT_WORDS or bool(re.fullmatch(r"[\u4e00-\u9fff]{0,4}(处室|科室|股室|部门|单位|站所|院系|机构)(单位)?", s))


def people_field(header: str, extra: dict[str, str] | None = None) -> str | None:
    """The field a header of the roster sheet stands for, or None."""
    s = norm_header(header)
    if not s:
        return None
    if extra and s in extra:
        return extra[s]
    for candidate in (s, _bare(s)):
        for key, names in PEOPLE_FIELDS.items():
            if candidate in names:
                return key
        if candidate.startswith("所在") and _unit_word(candidate[2:]):
            return "division"
        if candidate.startswith("分管") and _unit_word(candidate[2:]):
            return "supervises"
        if candidate in ("分管", "分管范围", "分管工作", "分管联系处室", "联系处室"):
            return "supervises"
        if _unit_word(candidate) or candidate in ("工作单位", "所属处室", "所属部门", "所属科室"):
            return "division"
    return None


def unit_field(header: str) -> str | None:
    s = norm_header(header)
    for candidate in (s, _bare(s)):
        for key, names in UNIT_FIELDS.items():
            if candidate in names:
                return key
        if _unit_word(candidate) or (candidate.endswith("名称") and _unit_word(candidate[:-2])):
            return "name"
        if candidate.endswith("负责人") and not candidate.startswith("分管"):
            return "head"
    return None


def duty_field(header: str) -> str | None:
    s = norm_header(header)
    for candidate in (s, _bare(s)):
        for key, names in DUTY_FIELDS.items():
            if candidate in names:
                return key
    return None


# ---------------------------------------------------------------- the grid of a sheet


@dataclass
class Grid:
    """One sheet's values by (row, column), 1-based, merged ranges filled down, with where each came from."""

    file: str
    name: str
    values: dict[tuple[int, int], Any]
    rows: int
    cols: int
    source: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # filled cell -> top-left
    across: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # row -> merged column spans in it

    def get(self, row: int, col: int) -> Any:
        return self.values.get((row, col))

    def at(self, row: int, col: int | None) -> CellAt:
        if col is not None:
            row, col = self.source.get((row, col), (row, col))
        return CellAt(self.file, self.name, row, col)

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        value = self.values.get((r1, c1))
        if c2 > c1:
            for r in range(r1, r2 + 1):
                self.across.setdefault(r, []).append((c1, c2))
        if r2 > r1 and value is not None:  # a unit merged down over its people: each row has it
            for r in range(r1, min(r2, self.rows) + 1):
                for c in range(c1, min(c2, self.cols) + 1):
                    if (r, c) != (r1, c1):
                        self.values[(r, c)] = value
                        self.source[(r, c)] = (r1, c1)


class RosterError(Exception):
    """The file cannot be read at all; `problems` say why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _cell_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value.isoformat(" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("_x000D_", "").strip()
        return text or None
    return value


def read_grids(path: Path, display: str) -> list[Grid]:
    """Every sheet of a workbook (or the one table of a .csv); RosterError when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix in REFUSED_SUFFIXES:
        raise RosterError([Problem(display, None, "", REFUSED_SUFFIXES[suffix])])
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RosterError([Problem(display, None, "", f"文件太大（{size // 1024 // 1024} MB），花名册不应超过 "
                                       f"{MAX_BYTES // 1024 // 1024} MB，请检查是否选错了文件。")])
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError([Problem(display, None, "", f"无法读取文件：{exc.strerror or exc}。")]) from None
    if suffix == ".csv":
        return [_csv_grid(raw, path, display)]
    return _xlsx_grids(raw, display)


def _csv_grid(raw: bytes, path: Path, display: str) -> Grid:
    text = None
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise RosterError([Problem(display, None, "", "无法识别文件的编码（不是 UTF-8，也不是 GBK）。"
                                   "请在 Excel 或 WPS 里打开，另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（*.xlsx）。")])
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    values: dict[tuple[int, int], Any] = {}
    rows = cols = 0
    for r, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
        if r > MAX_ROWS:
            raise RosterError([Problem(display, None, "", f"表格超过 {MAX_ROWS} 行，花名册不会这么长，请检查是否选错了文件。")])
        for c, value in enumerate(row[:MAX_COLS], 1):
            v = _cell_value(value)
            if v is not None:
                values[(r, c)] = v
                cols = max(cols, c)
        rows = r
    return Grid(display, path.stem, values, rows, cols)


def _xlsx_grids(raw: bytes, display: str) -> list[Grid]:
    if raw[:4] == b"\xd0\xcf\x11\xe0":
        raise RosterError([Problem(display, None, "", "这个文件实际上是旧版 Excel（.xls）或 WPS（.et）格式，"
                                   "或者加了打开密码。" + _SAVE_AS + "加了密码的，请先取消密码。")])
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            if len(infos) > 10_000 or sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise RosterError([Problem(display, None, "", "文件解压后太大，不像是一份花名册，为安全起见不予读取。"
                                           "请检查是否选错了文件。")])
    except zipfile.BadZipFile:
        raise RosterError([Problem(display, None, "", "这不是 Excel 工作簿（.xlsx）：文件已损坏，或是改了扩展名的其他文件。"
                                   + _SAVE_AS)]) from None
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions (WPS's, data validation…) are dropped quietly
            wb = load_workbook(io.BytesIO(raw), data_only=True, keep_links=False, rich_text=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken package
        raise RosterError([Problem(display, None, "", f"无法读取这个 Excel 文件（{type(exc).__name__}）。"
                                   "请在 Excel 或 WPS 里打开它，确认能正常打开后重新保存一次再用。")]) from None
    grids = []
    for ws in wb.worksheets:
        if ws.sheet_state == "veryHidden":
            continue
        cells = getattr(ws, "_cells", {})
        values: dict[tuple[int, int], Any] = {}
        far: tuple[int, int] | None = None
        for (r, c), cell in cells.items():
            v = _cell_value(cell.value)
            if v is None:
                continue
            if r > MAX_ROWS or c > MAX_COLS:
                far = max(far or (0, 0), (r, c))
                continue
            values[(r, c)] = v
        rows = max((r for r, _ in values), default=0)
        cols = max((c for _, c in values), default=0)
        grid = Grid(display, ws.title, values, rows, cols)
        if far is not None:
            raise RosterError([grid.at(*far).problem(
                f"表格在第 {MAX_ROWS} 行、第 {MAX_COLS} 列以外还有内容，花名册不会这么大。若是误输入的，请删掉它"
                "（在 Excel 里按 Ctrl+End 可以跳到最后一个有内容的单元格）。")])
        for rng in sorted(ws.merged_cells.ranges, key=lambda m: (m.min_row, m.min_col)):
            if rng.min_row <= MAX_ROWS and rng.min_col <= MAX_COLS:
                grid.merge(rng.min_row, rng.min_col, min(rng.max_row, MAX_ROWS), min(rng.max_col, MAX_COLS))
        grids.append(grid)
    wb.close()
    return grids


# ---------------------------------------------------------------- finding tables


@dataclass
class Table:
    """A table found in a grid: which field each column holds, and the rows below its header."""

    grid: Grid
    kind: str  # people, units, person_duties, unit_duties
    columns: dict[int, str]  # column -> field
    header_row: int  # the last header row
    first_row: int  # the first header row
    unknown: list[str] = field(default_factory=list)  # header texts not recognised

    def column_of(self, key: str) -> int | None:
        return next((c for c, k in self.columns.items() if k == key), None)


def _row_fields(grid: Grid, row: int, recognise) -> dict[int, str]:
    out = {}
    for c in range(1, grid.cols + 1):
        value = grid.values.get((row, c))
        if isinstance(value, str) and (row, c) not in grid.source:
            key = recognise(value)
            if key:
                out[c] = key
    return out


def _classify(grid: Grid, extra: dict[str, str] | None) -> Table | None:
    """The first table of the grid that looks like a roster, a list of units or a list of duties."""
    for row in range(1, min(grid.rows, HEADER_ROWS) + 1):
        people = _row_fields(grid, row, lambda v: people_field(v, extra))
        duties = _row_fields(grid, row, duty_field)
        units = _row_fields(grid, row, unit_field)
        if "text" in duties.values():
            owner = next((c for c, k in people.items() if k == "name"), None)
            kind = "person_duties"
            if owner is None:
                owner = next((c for c, k in units.items() if k == "name" and c not in duties), None)
                kind = "unit_duties"
            if owner is None:
                continue
            columns = {c: k for c, k in duties.items() if c != owner}
            columns[owner] = "owner_name"
            return _finish(grid, kind, columns, row, duty_field)
        if "name" in people.values() and len(people) >= 2:
            return _finish(grid, "people", people, row, lambda v: people_field(v, extra))
        if "name" in units.values() and len(set(units.values()) - {"name", "seq"}) >= 1:
            return _finish(grid, "units", units, row, unit_field)
    return None


def _finish(grid: Grid, kind: str, columns: dict[int, str], row: int, recognise) -> Table:
    """A second header row under the first (a merged group heading above its columns) joins it."""
    first = row
    below = _row_fields(grid, row + 1, recognise) if row < grid.rows else {}
    name_col = next((c for c, k in columns.items() if k in ("name", "owner_name")), None)
    if below and name_col is not None and (grid.values.get((row + 1, name_col)) is None
                                           or (row + 1, name_col) in grid.source):
        for c, key in below.items():
            if c not in columns or (row, c) in grid.source:
                columns[c] = key
        row += 1
    unknown = []
    for c in range(1, grid.cols + 1):
        if c in columns:
            continue
        texts = [grid.values.get((r, c)) for r in range(first, row + 1)]
        texts = [t for t in texts if isinstance(t, str) and (first, c) not in grid.source]
        if texts:
            unknown.append(texts[-1])
    return Table(grid, kind, dict(sorted(columns.items())), row, first, unknown)


# ---------------------------------------------------------------- the roster as catalogue data

_SPLIT = re.compile(r"[、，,；;/／\s\u3000]+")
_YES = {"是", "√", "✓", "✔", "☑", "Y", "YES", "TRUE", "1", "是的", "有", "★", "●", "对"}
_NO = {"否", "×", "✗", "N", "NO", "FALSE", "0", "无", "不是"}
_FOOTER = re.compile(r"^(注|备注|说明|填表|制表|审核|合计|小计|总计)[:：、\s]|^(合计|小计|总计)$")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff·•．.\s\u3000]+")
_HEAD_WORDS = ("处长", "主任", "科长", "局长", "所长", "站长", "部长", "院长", "社长", "馆长", "经理", "队长", "校长",
               "总编", "主席", "股长", "村党组织书记", "组长")


def split_names(text: str) -> list[str]:
    """Several units (or posts) in one cell: one a line when the cell has line breaks, else split at 、，; and spaces."""
    parts = text.split("\n") if "\n" in text else _SPLIT.split(text)
    out: list[str] = []
    for p in parts:
        p = p.strip(" \u3000、，,；;")
        if p and p not in out:
            out.append(p)
    return out


def clean_name(text: str) -> str:
    """`张  三` (a two-character name padded to line up) is 张三; a Latin name keeps its spaces."""
    text = text.strip()
    return re.sub(r"[\s\u3000]+", "", text) if _CJK_NAME.fullmatch(text) else re.sub(r"\s+", " ", text)


def yes_no(value: Any) -> bool | None:
    """True, False, or None when the cell is neither."""
    if value is None:
        return False
    text = str(value).strip().upper()
    if text in _YES:
        return True
    if text in _NO or not text:
        return False
    return None


def head_guess(title: str) -> bool:
    """His 职务 says he heads his unit: one of its parts ends with 处长, 主任, 科长 … and is not a deputy's."""
    for part in _SPLIT.split(title):
        if "副" in part or part.endswith("科员") or "党支部" in part:
            continue
        if part.endswith(_HEAD_WORDS):
            return True
    return False


@dataclass
class Roster:
    """What a workbook says, as catalogue data with the cell of every value."""

    file: str
    people: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] | None = None  # from a sheet of units: the organ's list of units
    derived: list[dict[str, Any]] = field(default_factory=list)  # units named in the roster (no sheet of units)
    positions: dict[KeyPath, CellAt] = field(default_factory=dict)  # ("people", 3, "rank") -> its cell
    derived_at: dict[KeyPath, CellAt] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    has_posts: bool = False  # the roster has a 岗位 column
    has_heads: bool = False  # the roster marks heads (a 主要负责人 column, or a sheet of units)
    guessed_heads: dict[str, str] = field(default_factory=dict)  # unit -> head, guessed from 职务
    title_cells: dict[str, CellAt] = field(default_factory=dict)  # person -> his 职务 cell
    sheet: str = ""  # the roster's sheet
    posts_header: CellAt | None = None  # where a 岗位 column would go (the 职务 header)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _heading_row(table: Table, row: int) -> bool:
    """A row that only names a group (一、厅级领导), merged across the table."""
    spans = table.grid.across.get(row, [])
    return any(sum(1 for c in table.columns if c1 <= c <= c2) >= 2 for c1, c2 in spans)


def _rows(table: Table):
    grid = table.grid
    meaningful = [c for c, k in table.columns.items() if k != "seq"]
    for row in range(table.header_row + 1, grid.rows + 1):
        if not any(grid.values.get((row, c)) is not None for c in meaningful):
            continue  # blank, or only a number in 序号
        if _heading_row(table, row):
            continue
        yield row


def read_roster(path: Path | str, display: str | None = None, columns: dict[str, str] | None = None) -> Roster:
    """Read a roster workbook (or .csv); RosterError when the file cannot be read at all.

    `columns` maps header texts the reader does not know to fields (姓名, 职务, 职级, 所在处室, 分管处室, 岗位,
    主要负责人, 本单位以外)."""
    path = Path(path)
    display = display or path.name
    extra = {norm_header(k): v for k, v in (columns or {}).items()}
    grids = read_grids(path, display)
    roster = Roster(display)
    tables: dict[str, list[Table]] = {}
    for grid in grids:
        table = _classify(grid, extra)
        if table is not None:
            tables.setdefault(table.kind, []).append(table)
    if "people" not in tables:
        found = [f"「{g.name}」" for g in grids]
        raise RosterError([Problem(display, None, "", (
            f"在{'、'.join(found) or '文件'}里找不到花名册的表头。表头一行要有“姓名”，以及“职务”“职级”“所在处室”"
            "“分管处室”“岗位”等列中的几列（在前 30 行内）。表头用了别的叫法的，请改成这些名称，"
            "或在命令里用 --columns 指明，如 --columns 现职=职务。"))])
    _read_people(roster, tables["people"][0])
    for extra_table in tables["people"][1:]:
        roster.notes.append(f"工作表「{extra_table.grid.name}」也像花名册，未读取：只读第一张花名册「{roster.sheet}」。")
    if "units" in tables:
        _read_units(roster, tables["units"][0])
    else:
        _derive_units(roster)
    by_name = {p["name"]: i for i, p in enumerate(roster.people)}
    units_by_name = {u["name"]: j for j, u in enumerate(roster.units or [])}
    for table in tables.get("person_duties", [])[:1]:
        _read_duties(roster, table, "people", by_name, "姓名", "花名册里没有这个人")
    for table in tables.get("unit_duties", [])[:1]:
        if roster.units is None:
            roster.problems.append(table.grid.at(table.header_row, None).problem(
                "有处室职责表，却没有处室表（名称、类型、主要负责人）：处室职责要写在处室表里列出的处室下。"))
            continue
        _read_duties(roster, table, "divisions", units_by_name, "处室", "处室表里没有这个处室")
    return roster


def _read_people(roster: Roster, table: Table) -> None:
    grid = table.grid
    roster.sheet = grid.name
    cols = table.columns
    keys = set(cols.values())
    roster.has_posts = "posts" in keys
    roster.has_heads = "head" in keys
    title_col = table.column_of("title")
    roster.posts_header = grid.at(table.header_row, title_col if title_col else table.column_of("name"))
    if table.unknown:
        roster.notes.append(f"「{grid.name}」表中没有用到的列：{'、'.join(table.unknown)}。")
    for row in _rows(table):
        person: dict[str, Any] = {}
        at: dict[str, CellAt] = {}
        titles: list[str] = []
        name_cell = table.column_of("name")
        for c, key in cols.items():
            value = grid.get(row, c)
            if value is None or key == "seq":
                continue
            cell = grid.at(row, c)
            text = _text(value)
            assert text is not None
            if key == "name":
                person["name"], at["name"] = clean_name(text), cell
            elif key == "title":
                titles.append(text)
                at.setdefault("title", cell)
            elif key in ("supervises", "posts"):
                names = [n for n in split_names(text) if n not in person.get(key, [])]
                person.setdefault(key, []).extend(names)
                at.setdefault(key, cell)
            elif key in ("head", "external"):
                flag = yes_no(value)
                if flag is None:
                    roster.problems.append(cell.problem(f"「{text}」看不出是“是”还是“否”：这一列（{PEOPLE_LABELS[key]}）"
                                                        "请写 是 或 否（也可以写 √，或留空）。"))
                elif flag:
                    person[key] = True
                    at[key] = cell
            else:
                person[key] = text.strip()
                at[key] = cell
        if titles:
            person["title"] = "、".join(titles)
        person = {k: person[k] for k in ("name", "title", "posts", "rank", "division", "supervises", "external", "head")
                  if k in person}
        if "name" not in person:
            first = next((grid.get(row, c) for c in cols if grid.get(row, c) is not None), "")
            if _FOOTER.search(str(first)):
                continue  # 注：…, 合计 at the foot of the table
            cell = grid.at(row, name_cell)
            roster.problems.append(cell.problem("这一行写了内容，却没有姓名。请补上姓名，或删掉这一行。"))
            continue
        if _FOOTER.search(person["name"]) and len(person) == 1:
            continue
        i = len(roster.people)
        head = person.pop("head", False)
        head_at = at.pop("head", None)
        roster.people.append(person)
        roster.positions[("people", i)] = at["name"]
        for key, cell in at.items():
            roster.positions[("people", i, key)] = cell
            if key in MULTI:
                for k in range(len(person[key])):
                    roster.positions[("people", i, key, k)] = cell
        if "title" in at:
            roster.title_cells[person["name"]] = at["title"]
        if head:
            person["_head"] = head_at


def _read_units(roster: Roster, table: Table) -> None:
    grid = table.grid
    roster.has_heads = True
    roster.units = []
    leaders: list[tuple[str, str, CellAt]] = []
    for row in _rows(table):
        unit: dict[str, Any] = {}
        at: dict[str, CellAt] = {}
        for c, key in table.columns.items():
            value = grid.get(row, c)
            if value is None or key == "seq":
                continue
            cell = grid.at(row, c)
            text = _text(value) or ""
            if key == "vacant":
                flag = yes_no(value)
                if flag is None:
                    roster.problems.append(cell.problem(f"「{text}」看不出是“是”还是“否”：“空缺”一列请写 是 或 否（或留空）。"))
                elif flag:
                    unit["vacant"], at["vacant"] = True, cell
            elif key == "leader":
                at["leader"] = cell
                unit["_leaders"] = [clean_name(n) for n in split_names(text)]
            elif key == "head":
                unit["head"], at["head"] = clean_name(text), cell
            else:
                unit[key], at[key] = text.strip(), cell
        if "name" not in unit:
            roster.problems.append(grid.at(row, table.column_of("name")).problem(
                "这一行写了内容，却没有处室名称。请补上名称，或删掉这一行。"))
            continue
        for name in unit.pop("_leaders", []):
            leaders.append((name, unit["name"], at["leader"]))
        j = len(roster.units)
        roster.units.append(unit)
        roster.positions[("divisions", j)] = at["name"]
        for key, cell in at.items():
            if key != "leader":
                roster.positions[("divisions", j, key)] = cell
    # 分管领导 written on the unit: the leader supervises it
    index = {p["name"]: i for i, p in enumerate(roster.people)}
    for leader, unit_name, cell in leaders:
        i = index.get(leader)
        if i is None:
            roster.problems.append(cell.problem(f"分管领导「{leader}」不在花名册「{roster.sheet}」里。请核对姓名，"
                                                "或在花名册里加上他。"))
            continue
        person = roster.people[i]
        if unit_name not in person.get("supervises", []):
            person.setdefault("supervises", []).append(unit_name)
            roster.positions[("people", i, "supervises", len(person["supervises"]) - 1)] = cell
            roster.positions.setdefault(("people", i, "supervises"), cell)
    for person in roster.people:
        cell = person.pop("_head", None)
        if cell is not None:
            roster.problems.append(cell.problem(
                "有了处室表，主要负责人就写在处室表的“主要负责人”一列里；花名册里的“主要负责人”一列请删掉。"))


def _derive_units(roster: Roster) -> None:
    """No sheet of units: the units are those the roster names, in order; heads as marked (or guessed)."""
    seen: dict[str, int] = {}
    heads: dict[str, list[tuple[str, CellAt | None]]] = {}
    for i, person in enumerate(roster.people):
        names = ([person["division"]] if "division" in person else []) + person.get("supervises", [])
        for k, unit in enumerate(names):
            if unit not in seen:
                seen[unit] = len(roster.derived)
                roster.derived.append({"name": unit})
                key = ("people", i, "division") if k == 0 and "division" in person else ("people", i, "supervises")
                roster.derived_at[("divisions", seen[unit])] = roster.positions[key]
        mark = person.pop("_head", None)
        if "division" in person:
            if mark is not None:
                heads.setdefault(person["division"], []).append((person["name"], mark))
            elif not roster.has_heads and head_guess(person.get("title", "")):
                heads.setdefault(person["division"], []).append((person["name"], None))
        elif mark is not None:
            roster.problems.append(mark.problem(f"「{person['name']}」标为主要负责人，却没有写所在处室，看不出是哪个处室的负责人。"
                                                "请在“所在处室”一列写上。"))
    for unit, found in heads.items():
        j = seen[unit]
        if len(found) == 1:
            name, cell = found[0]
            roster.derived[j]["head"] = name
            if cell is None:
                roster.guessed_heads[unit] = name
            else:
                roster.derived_at[("divisions", j, "head")] = cell
        elif any(cell is not None for _, cell in found):
            names = "、".join(n for n, _ in found)
            cell = next(c for _, c in found if c is not None)
            roster.problems.append(cell.problem(f"「{unit}」标了 {len(found)} 位主要负责人（{names}），每个处室只能有一位。"
                                                "请只在一位的“主要负责人”一列写“是”。"))
        else:
            roster.problems.append(roster.derived_at[("divisions", j)].problem(
                f"「{unit}」有 {len(found)} 人的职务像主要负责人（{'、'.join(n for n, _ in found)}），没有推定谁是主要负责人。"
                "请在花名册里加一列“主要负责人”，在负责人那一行写“是”。", "warning"))


def _read_duties(roster: Roster, table: Table, section: str, index: dict[str, int], what: str, missing: str) -> None:
    grid = table.grid
    items = roster.people if section == "people" else (roster.units or [])
    for row in _rows(table):
        duty: dict[str, Any] = {}
        at: dict[str, CellAt] = {}
        owner = None
        for c, key in table.columns.items():
            value = grid.get(row, c)
            if value is None:
                continue
            cell = grid.at(row, c)
            if key == "owner_name":
                owner = (clean_name(str(value)), cell)
                continue
            if key in MULTI:
                duty[key] = split_names(str(value))
            elif key == "in_letter":
                flag = yes_no(value)
                if flag is None:
                    roster.problems.append(cell.problem(f"「{value}」看不出是“是”还是“否”：“写入责任书”一列请写 是 或 否（或留空）。"))
                    continue
                duty[key] = flag
            elif key == "due" and isinstance(value, dt.date):
                duty[key] = value
            else:
                duty[key] = _text(value)
            at[key] = cell
        owner_col = next(c for c, k in table.columns.items() if k == "owner_name")
        if owner is None:
            roster.problems.append(grid.at(row, owner_col).problem(f"这一行没有写{what}，看不出是谁的职责。请补上，或删掉这一行。"))
            continue
        name, cell = owner
        i = index.get(name)
        if i is None:
            roster.problems.append(cell.problem(f"{missing}：「{name}」。请核对名称，或删掉这一行。"))
            continue
        if "text" not in duty:
            roster.problems.append(grid.at(row, table.column_of("text")).problem("这一行没有写责任内容。请补上，或删掉这一行。"))
            continue
        duties = items[i].setdefault("duties", [])
        j = len(duties)
        duties.append(duty)
        roster.positions[(section, i, "duties", j)] = at["text"]
        for key, c in at.items():
            roster.positions[(section, i, "duties", j, key)] = c


# ---------------------------------------------------------------- into a catalogue


def _plain(value: Any) -> Any:
    """A YAML value as the roster would hold it, for comparing the two."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, dict):
        return value
    if isinstance(value, dt.date):
        return value
    return str(getattr(value, "yaml_text", value))


_KEY_WORDS = {"title": "职务", "rank": "职级", "division": "所在处室", "supervises": "分管处室", "posts": "岗位",
              "external": "本单位以外", "kind": "类型", "head": "主要负责人", "vacant": "空缺", "duties": "职责"}


def merge_roster(data: dict[str, Any], positions: Any, reported: set[KeyPath], roster: Roster) -> list[Problem]:
    """Put a workbook's people and units into the catalogue data the YAML files made.

    The roster is the list: its people (and units) come first, in its order. Someone also written in the
    YAML (say, with his own duties) is one person: the keys of both are put together, and a key written
    in both with different values is an error that names both places. Units come from a sheet of units
    the same way; a roster without one names units that the YAML defines (only their heads are taken
    from it), or, when the YAML defines none, the units of the organ."""
    problems: list[Problem] = []
    if roster.people:
        _infer_posts(data, roster, problems)
        problems += _merge_section(data, positions, reported, "people", roster.people, roster.positions, roster.file)
    if roster.units is not None:
        problems += _merge_section(data, positions, reported, "divisions", roster.units, roster.positions, roster.file)
    elif roster.derived:
        existing = data.get("divisions")
        if not existing:
            problems += _merge_section(data, positions, reported, "divisions", roster.derived, roster.derived_at,
                                       roster.file)
            _guessed_note(roster, roster.guessed_heads, problems)
        elif isinstance(existing, list):
            problems += _heads_into(existing, positions, roster)
    return problems


def _infer_posts(data: dict[str, Any], roster: Roster, problems: list[Problem]) -> None:
    posts = [p for p in data.get("posts") or [] if isinstance(p, str)] if isinstance(data.get("posts"), list) else []
    if roster.has_posts or not posts:
        return
    found = 0
    for i, person in enumerate(roster.people):
        got = infer_posts(person.get("title", ""), posts)
        if got:
            found += 1
            person["posts"] = got
            cell = roster.title_cells[person["name"]]
            roster.positions[("people", i, "posts")] = cell
            for k in range(len(got)):
                roster.positions[("people", i, "posts", k)] = cell
    if roster.posts_header is not None:
        problems.append(roster.posts_header.problem(
            f"花名册没有“岗位”一列：按职务里写明的岗位名称推定了 {found} 人的岗位，其余 {len(roster.people) - found} 人没有岗位。"
            "职务里看不出的岗位（如主要负责人），请在花名册里加一列“岗位”写明，几个岗位用顿号隔开，"
            f"可选：{'、'.join(posts)}。", "warning"))


def _guessed_note(roster: Roster, guessed: dict[str, str], problems: list[Problem]) -> None:
    if guessed and roster.posts_header is not None:
        shown = "、".join(f"{u}：{n}" for u, n in list(guessed.items())[:3])
        problems.append(roster.posts_header.problem(
            f"花名册没有“主要负责人”一列：按职务（处长、主任、科长……）推定了 {len(guessed)} 个处室的主要负责人，"
            f"如 {shown}。推定不对的，请加一列“主要负责人”，在负责人那一行写“是”。", "warning"))


def _heads_into(existing: list[Any], positions: Any, roster: Roster) -> list[Problem]:
    """Units defined in YAML: the roster only says who heads them."""
    problems: list[Problem] = []
    by_name = {d.get("name"): i for i, d in enumerate(existing) if isinstance(d, dict)}
    used: dict[str, str] = {}
    for j, unit in enumerate(roster.derived):
        head = unit.get("head")
        i = by_name.get(unit["name"])
        if head is None or i is None:
            continue
        item = existing[i]
        cell = roster.derived_at.get(("divisions", j, "head"))
        if item.get("head") is None and not item.get("vacant"):
            item["head"] = head
            positions.at[("divisions", i, "head")] = cell or roster.title_cells.get(head)
            if cell is None:
                used[unit["name"]] = head
        elif cell is not None and _plain(item.get("head")) != head:
            file, line = positions.where(("divisions", i, "head"))
            problems.append(cell.problem(
                f"「{head}」标为「{unit['name']}」的主要负责人，可是 {file} 第 {line} 行写的主要负责人是"
                f"「{item.get('head') or '空缺'}」。同一个处室的主要负责人只写在一处：请删掉那里的 head，或改花名册。"))
    _guessed_note(roster, used, problems)
    return problems


def _merge_section(data: dict[str, Any], positions: Any, reported: set[KeyPath], section: str,
                   items: list[dict[str, Any]], cells: dict[KeyPath, CellAt], file: str) -> list[Problem]:
    problems: list[Problem] = []
    existing = data.get(section)
    if existing is None:
        existing = data[section] = []
    if not isinstance(existing, list):
        return problems  # the YAML section has the wrong shape: validation says so
    by_name: dict[str, int] = {}
    for i, item in enumerate(existing):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            by_name.setdefault(item["name"], i)
    merged: list[Any] = []
    old_to_new: dict[int, int] = {}
    roster_to_new: dict[int, int] = {}
    used: set[int] = set()
    for j, item in enumerate(items):
        i = by_name.get(item["name"])
        if i is not None and i not in used:
            used.add(i)
            old_to_new[i] = len(merged)
            problems += _combine(existing[i], item, positions, (section, i), cells, (section, j), file)
            merged.append(existing[i])
            continue
        roster_to_new[j] = len(merged)
        merged.append(item)
    for i, item in enumerate(existing):
        if i not in used:
            old_to_new[i] = len(merged)
            merged.append(item)
    # positions of YAML items move to their new places; those of the roster's items are added
    moved = {}
    for key in [k for k in positions.at if len(k) > 1 and k[0] == section and isinstance(k[1], int)]:
        value = positions.at.pop(key)
        if key[1] in old_to_new:
            moved[(section, old_to_new[key[1]]) + key[2:]] = value
    positions.at.update(moved)
    for key, cell in cells.items():
        if key[0] == section and key[1] in roster_to_new:
            positions.at[(section, roster_to_new[key[1]]) + key[2:]] = cell
    for path in [p for p in reported if len(p) > 1 and p[0] == section and isinstance(p[1], int)]:
        reported.discard(path)
        if path[1] in old_to_new:
            reported.add((section, old_to_new[path[1]]) + path[2:])
    existing[:] = merged
    return problems


def _combine(item: dict[str, Any], new: dict[str, Any], positions: Any, path: KeyPath,
             cells: dict[KeyPath, CellAt], new_path: KeyPath, file: str) -> list[Problem]:
    """One person (or unit) written in the YAML and in the roster."""
    problems = []
    for key, value in new.items():
        if key == "name":
            continue
        cell = cells.get(new_path + (key,))
        if key not in item or item[key] is None:
            item[key] = value
            for sub, at in cells.items():
                if sub[: len(new_path) + 1] == new_path + (key,):
                    positions.at[path + sub[len(new_path):]] = at
            continue
        if _plain(item[key]) == value:
            continue
        shown = "、".join(value) if isinstance(value, list) else value
        where = f"{file} {cell.ref}" if cell is not None else file
        if key == "duties":
            message = (f"「{new['name']}」的职责既写在这里，又写在 {where}。请只写在一处。")
        else:
            message = (f"「{new['name']}」的{_KEY_WORDS.get(key, key)}在 {where} 写的是「{shown}」，这里写的是"
                       f"「{'、'.join(map(str, item[key])) if isinstance(item[key], list) else item[key]}」。"
                       f"同一项只写在一处：请删掉这里的 {key}，或改花名册。")
        problems.append(positions.problem(path + (key,), message))
    return problems


# ---------------------------------------------------------------- posts from 职务


def infer_posts(title: str, posts: list[str]) -> list[str]:
    """The catalogue's posts his 职务 names: a part equal to a post name, or ending with it
    (秘书处党支部书记 holds 党支部书记)."""
    parts = [p for p in _SPLIT.split(title) if p]
    return [post for post in posts if any(part == post or part.endswith(post) for part in parts)]


# ---------------------------------------------------------------- export


def export_roster(cat: Any, words: dict[str, str] | None = None, ranks: Any = None, title: str | None = None) -> bytes:
    """The catalogue's people, units, posts and supervision lines as a workbook a clerk edits and imports again."""
    from openpyxl import Workbook
    from openpyxl.styles import Border, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from .workbook import workbook_bytes

    unit = (words or {}).get("处室", "处室")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    external = any(p.external for p in cat.people)
    header = ["序号", "姓名", "职务", "职级", f"所在{unit}", f"分管{unit}", "岗位"] + (["本单位以外"] if external else [])
    people_rows = []
    for n, p in enumerate(cat.people, 1):
        row = [n, p.name, p.title, p.rank, p.division, _joined(p.supervises), _joined(p.posts)]
        if external:
            row.append("是" if p.external else None)
        people_rows.append(row)
    _table(ws, title or f"{cat.organ.name}{cat.organ.year}年度干部花名册", header, people_rows,
           (6, 10, 40, 10, 24, 40, 30, 10), box)
    ranks = list(ranks or cat.ranks or sorted({p.rank for p in cat.people if p.rank}))
    if people_rows and ranks and len(",".join(ranks)) < 250:
        dv = DataValidation(type="list", formula1='"' + ",".join(ranks) + '"', allow_blank=True,
                            error="职级请从下拉列表里选。", errorTitle="职级", showErrorMessage=False)
        dv.add(f"D3:D{max(len(people_rows) + 2, 3) + 200}")
        ws.add_data_validation(dv)

    us = wb.create_sheet(unit)
    unit_rows = [[n, d.name, d.kind, d.head, "是" if d.vacant else None] for n, d in enumerate(cat.divisions, 1)]
    _table(us, f"{unit}（名称、类型、主要负责人）", ["序号", "名称", "类型", "主要负责人", "空缺"], unit_rows,
           (6, 36, 12, 12, 8), box)

    duty_cols = [k for k in DUTY_LABELS if any(_duty_value(d, k) is not None
                                                for holder in list(cat.people) + list(cat.divisions) for d in holder.duties)]
    for sheet_name, first, holders in (("本人职责", "姓名", cat.people), (f"{unit}职责", unit, cat.divisions)):
        rows = [[h.name] + [_duty_value(d, k) for k in duty_cols] for h in holders for d in h.duties]
        if not rows:
            continue
        ds = wb.create_sheet(sheet_name)
        _table(ds, f"{sheet_name}（每条一行）", [first] + [DUTY_LABELS[k] for k in duty_cols], rows,
               (14,) + tuple(60 if k == "text" else 14 for k in duty_cols), box)

    notes = wb.create_sheet("说明")
    lines = [
        "这份花名册由 dutydocs export 生成，改好后可以 dutydocs import 导入，或在目录里写 include: [本文件名] 直接使用。",
        f"花名册：每人一行。几个{unit}或几个岗位写在一格里时，用顿号“、”隔开。",
        f"{unit}：每个{unit}一行；主要负责人空缺的，“空缺”一列写“是”。",
        "岗位决定一个人属于哪些层级，只能用下面列出的名称：" + "、".join(cat.posts),
        "职级只能用：" + "、".join(ranks),
    ]
    for line in lines:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    return workbook_bytes(wb)


def _joined(names: list[str]) -> str | None:
    if not names:
        return None
    sep = "\n" if any(_SPLIT.search(n) for n in names) else "、"
    return sep.join(names)


def _duty_value(duty: Any, key: str) -> Any:
    value = getattr(duty, key)
    if key in MULTI:
        return _joined(value)
    if key == "in_letter":
        return None if value else "否"
    if key == "type":
        return None if value == "主体责任" else value
    return value


def _table(ws: Any, title: str, header: list[str], rows: list[list[Any]], widths: tuple[int, ...], box: Any) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = box
    for row in rows:
        ws.append(row)
    for r in ws.iter_rows(min_row=3, max_row=len(rows) + 2, max_col=len(header)):
        for cell in r:
            cell.border = box
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C3" if header[:2] == ["序号", "姓名"] else "B3"


# ---------------------------------------------------------------- dutydocs import


@dataclass
class Imported:
    """A roster read for `dutydocs import`: the sections to write, the problems, and notes for the clerk."""

    roster: Roster
    sections: dict[str, list[dict[str, Any]]]
    problems: list[Problem]
    notes: list[str]


def field_of(label: str) -> str | None:
    """A field named on the command line: 职务 or title."""
    s = norm_header(label)
    return FIELD_NAMES.get(s) or people_field(s)


def import_roster(path: Path | str, catalog: Path | str | None = None, columns: dict[str, str] | None = None,
                  allow_include: list[Path] | None = None) -> Imported:
    """Read a roster and check it: against `catalog` (its posts, ranks, tiers, units) when given, else on
    its own (duplicate names, units, heads, who supervises his own unit). RosterError when unreadable;
    ProblemsError from the catalogue."""
    from .catalog import Positions, RawCatalog, load_raw
    from .errors import ProblemsError
    from .main import load_merged

    path = Path(path)
    roster = read_roster(path, _display(path), columns)
    people = [dict(p) for p in roster.people]
    if catalog is not None:
        raw, problems = load_raw(Path(catalog), allow_include)
        if raw is None:
            raise ProblemsError(problems)
        raw.data.pop("people", None)
        for key in [k for k in raw.positions.at if k[:1] == ("people",)]:
            del raw.positions.at[key]
    else:
        posts = sorted({p for person in roster.people for p in person.get("posts", [])})
        ranks = sorted({person["rank"] for person in roster.people if "rank" in person}) or ["其他"]
        data = {"organ": {"name": "-", "party_group": "-", "year": 2000}, "posts": posts or ["-"], "ranks": ranks,
                "tiers": [{"id": "-", "name": "-", "kind": "岗位", "holders": {"ranks": ranks}, "duties": [{"text": "-"}]}]}
        raw = RawCatalog(data, Positions(files=["（花名册）"]), path.parent, path)
        problems = []
    yaml_units = bool(raw.data.get("divisions"))
    merge_problems = merge_roster(raw.data, raw.positions, raw.reported, roster)
    try:
        load_merged(raw, list(problems))
        found: list[Problem] = []
    except ProblemsError as exc:
        found = exc.problems
    if catalog is None:  # only what is about the roster: the stand-in catalogue around it is not the clerk's
        found = [p for p in found if p.file == roster.file]
    own = roster.problems + merge_problems
    errors = own + [p for p in found if p not in own]
    sections: dict[str, list[dict[str, Any]]] = {"people": people}
    if roster.units is not None:
        sections["divisions"] = roster.units
    elif not yaml_units:
        sections["divisions"] = roster.derived
    notes = list(roster.notes)
    if roster.units is None and yaml_units:
        heads = [f"{u['name']}：{u['head']}" for u in roster.derived if u.get("head")]
        if heads:
            notes.append("目录的 divisions 里已有处室，花名册里的主要负责人没有写进导入的文件；需要时请在 divisions 里补写 head："
                         + "、".join(heads[:10]) + ("……" if len(heads) > 10 else "") + "。")
    if not roster.has_posts:
        notes.append("花名册没有“岗位”一列，people 里没有写 posts（岗位决定一个人属于哪些层级）。请在花名册里加一列“岗位”"
                     "后再导入，或直接在 YAML 里补写；在目录里 include 花名册时，会按职务里写明的岗位名称推定。")
    if roster.guessed_heads:
        notes.append(f"没有“主要负责人”一列：按职务推定了 {len(roster.guessed_heads)} 个处室的主要负责人"
                     f"（{'、'.join(f'{u}：{n}' for u, n in list(roster.guessed_heads.items())[:5])}……）。")
    return Imported(roster, sections, errors, notes)


def _display(path: Path) -> str:
    from .catalog import display_name

    return display_name(path)


def _dumper() -> type:
    import yaml

    class Dumper(yaml.SafeDumper):
        """Lists of names on one line ([秘书处, 综合处]); people, units and duties one key a line."""

        def represent_list(self, data: list) -> Any:
            flat = all(isinstance(x, (str, int, float, bool)) for x in data)
            return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)

    Dumper.add_representer(list, Dumper.represent_list)
    return Dumper


_Dumper = _dumper()


def roster_yaml(imported: Imported, source: str) -> str:
    """The sections as YAML, ready to include: `include: [people.yaml]`."""
    import yaml

    people = imported.sections.get("people", [])
    lines = [f"# 由 dutydocs import 从 {source} 导入：人员 {len(people)} 人"
             + (f"，处室（单位）{len(imported.sections['divisions'])} 个" if "divisions" in imported.sections else "")
             + "。", "# 在目录的 catalog.yaml 里写 include: [本文件名] 使用。", ""]
    for section in ("people", "divisions"):
        if section not in imported.sections:
            continue
        items = [{k: v for k, v in item.items() if not k.startswith("_")} for item in imported.sections[section]]
        lines.append(yaml.dump({section: items}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                               default_flow_style=False, width=1000, indent=2).rstrip())
        lines.append("")
    return "\n".join(lines)
