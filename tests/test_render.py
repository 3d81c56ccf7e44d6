"""The fast render path gives the same document XML as plain docxtpl, part by part."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docxtpl import RichText
from lxml import etree

from conftest import MINIMAL, YEAR, write_catalog
from dutydocs import load_catalog
from dutydocs.build import check_templates
from dutydocs.contexts import KINDS, context_for, kind_of, plan
from dutydocs.kinds import REGISTRY
from dutydocs.render import ZipEntry, normalize_zip, prepare, render_docxtpl, write_zip
from dutydocs.resources import templates_dir

HOSTILE = 'A&B <c> "q" \'s\' {{ x }} {% if %} 😀 \u202e'


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def canonical(xml: bytes) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(xml, parser), method="c14n")


def assert_same_document(ours: bytes, reference: bytes) -> None:
    a, b = parts(ours), parts(reference)
    assert sorted(a) == sorted(b)
    for name in a:
        if name.endswith((".xml", ".rels")):
            assert canonical(a[name]) == canonical(b[name]), name
        else:
            assert a[name] == b[name], name


def shipped(loaded, kind: str) -> Path:
    """The shipped template the catalogue uses for this kind of document."""
    return templates_dir() / kind_of(kind).template_for(loaded.catalog)


TEMPLATED = [k.name for k in REGISTRY if k.make is None]  # the workbooks are made in code


@pytest.mark.parametrize("kind", TEMPLATED)
def test_fast_path_matches_docxtpl_for_shipped_templates(tmp_path, kind):
    loaded = load_catalog(write_catalog(tmp_path / "c", MINIMAL + YEAR))
    path = shipped(loaded, kind)
    tpl, problems = prepare(path)
    assert problems == [] and tpl.fallback == ""
    specs = list(plan(loaded.org, (kind,)))[:3]
    assert specs
    for spec in specs:
        ctx = context_for(loaded.org, spec)
        assert_same_document(tpl.render(ctx), render_docxtpl(path, ctx))


def test_fast_path_matches_docxtpl_on_the_sample(sample):
    for kind in TEMPLATED:
        path = shipped(sample, kind)
        tpl, _ = prepare(path)
        spec = next(plan(sample.org, (kind,)), None)
        if spec is None:
            continue
        ctx = context_for(sample.org, spec)
        assert_same_document(tpl.render(ctx), render_docxtpl(path, ctx))


def make_template(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("普通：{{ plain }}")
    doc.add_paragraph("富文本：{{r rich }}")
    doc.add_paragraph("{%p for line in lines %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    doc.sections[0].header.paragraphs[0].text = "页眉 {{ plain }}"
    doc.sections[0].footer.paragraphs[0].text = "页脚 {{ plain }}"
    doc.save(path)
    return path


def test_fast_path_matches_docxtpl_with_richtext_escaping_and_headers(tmp_path):
    path = make_template(tmp_path / "t.docx")
    rich = RichText()
    rich.add("粗体 & <b>", bold=True)
    rich.add(" 红色", color="FF0000")
    ctx = {"plain": HOSTILE, "rich": rich, "lines": ["一行\n换行", "制表\t符", HOSTILE]}
    tpl, problems = prepare(path)
    assert problems == [] and tpl.fallback == ""
    ours = tpl.render(ctx)
    assert_same_document(ours, render_docxtpl(path, ctx))
    text = "\n".join(p.text for p in Document(io.BytesIO(ours)).paragraphs)
    assert HOSTILE in text
    assert "粗体 & <b> 红色" in text
    header = Document(io.BytesIO(ours)).sections[0].header.paragraphs[0].text
    assert header == "页眉 " + HOSTILE


def test_line_breaks_alone_take_the_short_way_with_the_same_document(tmp_path, monkeypatch):
    """Values with "\n" but no tab or other listing character: only the texts holding one are
    rewritten (docxtpl's resolve_listing would walk the whole part), with the same result."""
    import dutydocs.render as render_module

    path = make_template(tmp_path / "t.docx")
    ctx = {"plain": HOSTILE + "\n第二行", "rich": RichText("富\n文本"), "lines": ["一行\n换行", "两行\n\n空一行", "\n开头"]}
    tpl, _ = prepare(path)
    called = []
    monkeypatch.setattr(render_module._DOCXTPL, "resolve_listing", lambda xml: called.append(1) or xml)
    ours = tpl.render(ctx)
    assert called == []
    monkeypatch.undo()
    assert_same_document(ours, render_docxtpl(path, ctx))
    assert Document(io.BytesIO(ours)).paragraphs[2].text == "一行\n换行"


def test_rendering_is_deterministic(minimal):
    loaded = load_catalog(minimal)
    tpl, _ = prepare(shipped(loaded, KINDS[1]))
    ctx = context_for(loaded.org, next(plan(loaded.org, (KINDS[1],))))
    assert tpl.render(ctx) == tpl.render(ctx)
    assert render_docxtpl(tpl.path, ctx) == render_docxtpl(tpl.path, ctx)


def test_pictures_send_a_template_to_plain_docxtpl(tmp_path):
    import base64

    from docx.shared import Mm

    img = tmp_path / "dot.png"
    img.write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="))
    doc = Document()
    doc.add_paragraph("{{ plain }}")
    doc.add_picture(str(img), width=Mm(5))
    doc.save(tmp_path / "pic.docx")
    tpl, problems = prepare(tmp_path / "pic.docx")
    assert problems == [] and "图片" in tpl.fallback
    out = tpl.render({"plain": "x&y"})
    assert "x&y" in Document(io.BytesIO(out)).paragraphs[0].text


def test_unknown_variable_is_reported_with_the_template_name(tmp_path, minimal):
    doc = Document()
    doc.add_paragraph("{{ titel }} {{ organ }}")
    doc.save(tmp_path / "清单.docx")
    loaded = load_catalog(minimal)
    from dutydocs.errors import ProblemsError

    with pytest.raises(ProblemsError) as info:
        check_templates(loaded.org, {KINDS[0]: tmp_path / "清单.docx"})
    (problem,) = info.value.problems
    assert problem.file.endswith("清单.docx")
    assert problem.key == "titel"
    assert "模板使用了目录不提供的变量「titel」" in problem.message and "是不是想写「title」" in problem.message


def test_misspelt_field_and_broken_tags_are_reported(tmp_path, minimal):
    loaded = load_catalog(minimal)
    from dutydocs.errors import ProblemsError

    doc = Document()
    doc.add_paragraph("{%p for t in tiers %}")
    doc.add_paragraph("{{ t.nmae }}")
    doc.add_paragraph("{%p endfor %}")
    doc.save(tmp_path / "a.docx")
    with pytest.raises(ProblemsError) as info:
        check_templates(loaded.org, {KINDS[0]: tmp_path / "a.docx"})
    assert "不存在的字段" in info.value.problems[0].message and "nmae" in info.value.problems[0].message
    doc = Document()
    doc.add_paragraph("{% for t in tiers %}{{ t.name }")
    doc.save(tmp_path / "b.docx")
    with pytest.raises(ProblemsError) as info:
        check_templates(loaded.org, {KINDS[0]: tmp_path / "b.docx"})
    assert "模板标签写法有误" in info.value.problems[0].message
    (tmp_path / "c.docx").write_text("not a zip")
    with pytest.raises(ProblemsError) as info:
        check_templates(loaded.org, {KINDS[0]: tmp_path / "c.docx"})
    assert "不是有效的 Word 文档" in info.value.problems[0].message


def test_zip_writer_is_readable_and_normalizes_times():
    entries = [ZipEntry.deflate("a.xml", b"<a/>"), ZipEntry.deflate("b/c.txt", "中文".encode())]
    data = write_zip(entries)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert zf.read("b/c.txt").decode() == "中文"
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x.xml", "<x/>")
    assert normalize_zip(buf.getvalue()) == normalize_zip(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(normalize_zip(buf.getvalue()))) as zf:
        assert zf.infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)
