"""Workbooks (.xlsx) as Excel itself writes them, byte for byte the same on every build."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from lxml import etree

from .render import ZipEntry, inflate, read_entries, write_zip


def workbook_bytes(wb: Any) -> bytes:
    """An openpyxl workbook's bytes: fixed dates, fixed zip times, and the package as Excel writes it."""
    from openpyxl.writer.excel import ExcelWriter

    stamp = dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = wb.properties.lastModifiedBy = "dutydocs"
    # openpyxl's save() stamps "modified" with the clock; its writer called directly does not.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return write_zip(_as_excel_writes(read_entries(buf.getvalue())))


_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _as_excel_writes(entries: list) -> list:
    """openpyxl's package as Excel itself writes one, so Excel opens it without repairing or
    rewriting: fonts in schema order, and text in a shared-strings table (openpyxl writes it inline)."""
    by_name = {e.name: e for e in entries}
    strings: dict[str, int] = {}
    sheets = {}
    for name, entry in by_name.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            root = etree.fromstring(inflate(entry))
            for cell in root.iter(f"{{{_SML}}}c"):
                if cell.get("t") == "inlineStr":
                    text = "".join(cell.itertext())
                    for child in list(cell):
                        cell.remove(child)
                    etree.SubElement(cell, f"{{{_SML}}}v").text = str(strings.setdefault(text, len(strings)))
                    cell.set("t", "s")
            sheets[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    sst = etree.Element(f"{{{_SML}}}sst", count=str(len(strings)), uniqueCount=str(len(strings)), nsmap={None: _SML})
    for text in strings:
        t = etree.SubElement(etree.SubElement(sst, f"{{{_SML}}}si"), f"{{{_SML}}}t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    out = []
    for entry in entries:
        if entry.name in sheets:
            entry = ZipEntry.deflate(entry.name, sheets[entry.name])
        elif entry.name == "xl/styles.xml":
            entry = ZipEntry.deflate(entry.name, _font_order(inflate(entry)))
        elif entry.name == "[Content_Types].xml":
            entry = ZipEntry.deflate(entry.name, inflate(entry).replace(b"</Types>", (
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')))
        elif entry.name == "xl/_rels/workbook.xml.rels":
            entry = ZipEntry.deflate(entry.name, inflate(entry).replace(b"</Relationships>", (
                b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'sharedStrings" Target="sharedStrings.xml" Id="rIdStrings"/></Relationships>')))
        out.append(entry)
        if entry.name == "xl/styles.xml":
            out.append(ZipEntry.deflate("xl/sharedStrings.xml", etree.tostring(
                sst, xml_declaration=True, encoding="UTF-8", standalone=True)))
    return out


# The order Excel expects inside <font> (openpyxl writes color before sz, which Excel repairs).
_FONT_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
               "name", "family", "charset", "scheme")


def _font_order(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    rank = {name: i for i, name in enumerate(_FONT_ORDER)}
    for font in root.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}font"):
        for child in sorted(font, key=lambda c: rank.get(etree.QName(c).localname, len(rank))):
            font.append(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
