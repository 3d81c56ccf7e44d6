"""Templates are untrusted: every attack is refused with a located Chinese message, in seconds.

Each attack is put into a real .docx (python-docx), prepared and rendered as `build` does. The
property test puts random Jinja into a paragraph of each shipped template: the result is always a
clean problem list or a document python-docx can open, never a traceback.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from pathlib import Path
from unittest import mock
from xml.sax.saxutils import escape as xml_escape

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutydocs import render
from dutydocs.errors import Problem, ProblemsError
from dutydocs.render import Prepared, dry_run, prepare, render_docxtpl
from dutydocs.resources import templates_dir

LABEL = "外单位模板.docx"
# The rendering context: a few values of each kind, built here (not by the contexts module).
CONTEXT = {"name": "张三", "field": "__class__", "n": 3, "items": ["甲", "乙"], "text": "第一行\n第二行"}
REFUSED = "，这是 Python 的内部属性，模板里不能使用（这种写法可以在生成文档时执行任意程序，模板可能被人夹带了恶意代码）。" \
          "请在 Word 里删除这个标签，只用 README 模板变量表里列出的变量和字段。本模板的文档未生成。"
TOO_LONG = "会生成超过上限（2000000 个字符）的文字，可能是重复、填充或拼接了太多次，请改小其中的数字或删除这个标签。本模板的文档未生成。"


def make_docx(path: Path, *body: str, header: str = "", picture: bool = False) -> Path:
    """A real Word document holding the given paragraphs (tags written as a clerk would)."""
    doc = Document()
    for text in body:
        doc.add_paragraph(text)
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if picture:
        import base64

        from docx.shared import Mm

        png = path.with_suffix(".png")
        png.write_bytes(base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="))
        doc.add_picture(str(png), width=Mm(5))
    doc.save(path)
    return path


def prepared(tmp_path: Path, *body: str, **kwargs) -> Prepared:
    tpl, problems = prepare(make_docx(tmp_path / LABEL, *body, **kwargs), label=LABEL)
    assert problems == [] and tpl is not None
    return tpl


def refused_by_render(tpl: Prepared) -> str:
    """The one message of the ProblemsError the render raises; the dry run says the same."""
    with pytest.raises(ProblemsError) as info:
        tpl.render(CONTEXT)
    (problem,) = info.value.problems
    assert problem.file == LABEL
    assert dry_run(tpl, CONTEXT, set(CONTEXT)) == [problem]
    return problem.message


def refused_by_prepare(tmp_path: Path, *body: str) -> list[Problem]:
    return refused_by_prepare_path(make_docx(tmp_path / LABEL, *body))


def refused_by_prepare_path(path: Path) -> list[Problem]:
    tpl, problems = prepare(path, label=LABEL)
    assert tpl is None and problems
    return problems


# ---------------------------------------------------------------- reaching Python's internals


def test_popen_through_cycler_globals_is_refused_before_anything_runs(tmp_path):
    (problem,) = refused_by_prepare(tmp_path, "{{ cycler.__init__.__globals__.os.popen('id').read() }}")
    assert (problem.file, problem.key) == (LABEL, "正文")
    assert problem.message == ("模板「外单位模板.docx」的正文中的标签 {{ cycler.__init__.__globals__.os.popen('id').read() }} "
                               "使用了「__init__」" + REFUSED)


def test_subclasses_walk_is_refused(tmp_path):
    (problem,) = refused_by_prepare(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    assert problem.message == ("模板「外单位模板.docx」的正文中的标签 {{ ''.__class__.__mro__[1].__subclasses__() }} "
                               "使用了「__class__」" + REFUSED)


def test_class_of_a_context_value_is_refused(tmp_path):
    (problem,) = refused_by_prepare(tmp_path, "姓名：{{ name.__class__ }}")
    assert problem.message == "模板「外单位模板.docx」的正文中的标签 {{ name.__class__ }} 使用了「__class__」" + REFUSED


@pytest.mark.parametrize("tag", ["{{ name['__class__'] }}", "{{ name|attr('__class__') }}", "{{ name.mro }}",
                                 "{{ name['__cla' ~ 'ss__'] }}", "{{ name._secret }}", "{{ '{0.__class__}'.format(name) }}",
                                 "{{ items|map(attribute='__class__')|list }}"])
def test_unsafe_names_are_found_however_written(tmp_path, tag):
    (problem,) = refused_by_prepare(tmp_path, tag)
    assert f"标签 {tag} 使用了「" in problem.message


def test_unsafe_names_are_found_in_branches_never_taken_and_in_headers(tmp_path):
    doc = make_docx(tmp_path / LABEL, "{% if false %}{{ items.__class__ }}{% endif %}", header="{{ name.__doc__ }}")
    tpl, problems = prepare(doc, label=LABEL)
    assert tpl is None
    assert [(p.key, p.message) for p in problems] == [
        ("正文", "模板「外单位模板.docx」的正文中的标签 {{ items.__class__ }} 使用了「__class__」" + REFUSED),
        ("页眉", "模板「外单位模板.docx」的页眉中的标签 {{ name.__doc__ }} 使用了「__doc__」" + REFUSED)]


def test_a_name_made_at_render_time_is_refused_by_the_sandbox(tmp_path):
    tpl = prepared(tmp_path, "{{ name|attr(field) }}")
    assert refused_by_render(tpl) == "模板「外单位模板.docx」的正文中的标签 {{ name|attr(field) }} 使用了「__class__」" + REFUSED
    tpl = prepared(tmp_path, "{{ name[('_' * 2) ~ 'class' ~ ('_' * 2)] }}")
    assert "使用了「__class__」" in refused_by_render(tpl)


def test_templates_cannot_change_the_catalogue_data(tmp_path):
    tpl = prepared(tmp_path, "{{ items.append('丙') }}")
    assert refused_by_render(tpl) == ("模板「外单位模板.docx」的正文中的标签 {{ items.append('丙') }} 调用了「append」，"
                                      "它会修改目录数据，模板里不允许。请在 Word 里删除这个标签。本模板的文档未生成。")
    assert CONTEXT["items"] == ["甲", "乙"]


# ---------------------------------------------------------------- running for ever


def test_huge_range_is_refused(tmp_path):
    tpl = prepared(tmp_path, "{% for i in range(10**9) %}{{ i }}{% endfor %}")
    assert refused_by_render(tpl) == ("模板「外单位模板.docx」的正文中的标签 {% for i in range(10**9) %} 里 range() 的数"
                                      "超过上限（最多 100000 个），请改小范围。本模板的文档未生成。")


def test_nested_loops_with_empty_bodies_stop_at_the_iteration_budget(tmp_path):
    tpl = prepared(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    assert refused_by_render(tpl) == ("模板「外单位模板.docx」的正文中循环次数超过上限（5000000 次），可能是无限循环或 range() 过大，"
                                      "请检查标签 {% for j in range(100000) %}。本模板的文档未生成。")


def test_a_slow_template_stops_at_the_deadline(tmp_path):
    tpl = prepared(tmp_path, "{% for i in range(100000) %}{{ i }}{% endfor %}")
    with mock.patch.object(render, "MAX_SECONDS", 0.01):
        assert refused_by_render(tpl) == ("模板「外单位模板.docx」的正文生成超过 0.01 秒仍未完成，可能是循环或运算过多，"
                                          "请检查标签 {% for i in range(100000) %}。本模板的文档未生成。")


def test_self_recursive_macro_is_stopped(tmp_path):
    tpl = prepared(tmp_path, "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}")
    assert refused_by_render(tpl) == ("模板「外单位模板.docx」的正文中宏（macro）或递归循环的调用层次过深，可能是宏调用了自己"
                                      "而没有结束条件，请检查标签 {{ m(n + 1) }}。本模板的文档未生成。")


# ---------------------------------------------------------------- growing without bound


@pytest.mark.parametrize(("tag", "what"), [
    ("{{ 'x' * 10**9 }}", "乘法（*）"),
    ("{{ '%999999999s' % 1 }}", "格式化（%）"),
    ("{{ '{:999999999}'.format(1) }}", "「format()」"),
    ("{{ '{:{w}}'.format(1, w=10**9) }}", "「format()」"),
    ("{{ 'a'.center(10**9) }}", "「center()」"),
    ("{{ 'a'|center(10**9) }}", "过滤器「center」"),
    ("{{ ('x' * 1000)|replace('x', 'y' * 100000) }}", "过滤器「replace」"),
    ("{{ ('x' * 1000).replace('x', 'y' * 100000) }}", "「replace()」"),
    ("{{ ('a\\n' * 100000)|indent(1000) }}", "过滤器「indent」"),
    ("{{ range(100000)|join('x' * 1000) }}", "过滤器「join」"),
    ("{{ [1]|batch(10**6, 'x' * 10)|list }}", "过滤器「batch」"),
    ("{{ ('x' * 1000000) ~ ('y' * 1000001) }}", "拼接（~）"),
    ("{% set x = 'x' * 1000000 %}{{ [x, x, x] }}", "列表"),
])
def test_growth_is_refused_before_it_is_made(tmp_path, tag, what):
    tpl = prepared(tmp_path, tag)
    shown = tag if not tag.startswith("{% set") else "{{ [x, x, x] }}"
    assert refused_by_render(tpl) == f"模板「外单位模板.docx」的正文中的标签 {shown} 里的{what}" + TOO_LONG


def test_namespace_doubling_in_a_loop_is_refused(tmp_path):
    tpl = prepared(tmp_path, "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
                             "{% endfor %}{{ ns.s }}")
    assert refused_by_render(tpl) == "模板「外单位模板.docx」的正文中的标签 {% set ns.s = ns.s ~ ns.s %} 里的拼接（~）" + TOO_LONG


def test_huge_integers_are_refused(tmp_path):
    tpl = prepared(tmp_path, "{{ 2 ** (10 ** 9) }}")
    assert refused_by_render(tpl) == ("模板「外单位模板.docx」的正文中的标签 {{ 2 ** (10 ** 9) }} 里的乘方（**）结果过大"
                                      "（超过 100000 位二进制数），请改小其中的数字。本模板的文档未生成。")


def test_what_a_document_makes_in_all_is_limited(tmp_path):
    tpl = prepared(tmp_path, "{% for i in range(1000) %}{% set x = 'x' * 1500000 %}{% endfor %}")
    assert refused_by_render(tpl) == ("模板「外单位模板.docx」的正文生成的文字累计超过上限（200000000 个字符），可能是在循环里"
                                      "反复生成长文字，请检查标签 {% set x = 'x' * 1500000 %}。本模板的文档未生成。")


@pytest.mark.parametrize("body", [
    "{% set x = 'x' * 1000000 %}{% for i in range(100) %}{{ x }}{% endfor %}",
    "{% macro m() %}{% set x = 'x' * 1000000 %}{% for i in range(100) %}{{ x }}{% endfor %}{% endmacro %}{{ m() }}",
])
def test_output_of_a_part_is_limited(tmp_path, body):
    assert "的正文生成的内容超过上限（50 MB），可能是循环或重复过多，请检查" in refused_by_render(prepared(tmp_path, body))


def test_tabs_that_docxtpl_would_multiply_are_limited(tmp_path):
    # docxtpl turns each tab into runs after Jinja: a part within 50 MB would become gigabytes
    tpl = prepared(tmp_path, "{{ '\\t' * 1000000 }}")
    assert "的正文生成的内容超过上限（50 MB）" in refused_by_render(tpl)


def test_the_docxtpl_fallback_and_headers_are_guarded_too(tmp_path):
    tpl = prepared(tmp_path, "正文", header="{{ 'x' * 10**9 }}", picture=True)
    assert tpl.fallback
    message = "模板「外单位模板.docx」的页眉中的标签 {{ 'x' * 10**9 }} 里的乘法（*）" + TOO_LONG
    assert refused_by_render(tpl) == message
    with pytest.raises(ProblemsError) as info:
        render_docxtpl(tpl.path, CONTEXT, LABEL)
    assert [(p.key, p.message) for p in info.value.problems] == [("页眉", message)]


def test_tags_in_the_document_properties_are_checked_too(tmp_path):
    doc = Document()
    doc.add_paragraph("正文")
    doc.core_properties.title = "{{ name.__class__ }}"
    doc.save(tmp_path / LABEL)
    (problem,) = refused_by_prepare_path(tmp_path / LABEL)
    assert (problem.key, problem.message) == (
        "文档属性", "模板「外单位模板.docx」的文档属性中的标签 {{ name.__class__ }} 使用了「__class__」" + REFUSED)
    doc.core_properties.title = "{{ 'x' * 10**9 }}"
    doc.save(tmp_path / LABEL)
    tpl, problems = prepare(tmp_path / LABEL, label=LABEL)
    assert problems == [] and tpl.fallback == "文档属性中的标签"
    assert refused_by_render(tpl) == "模板「外单位模板.docx」的文档属性中的标签 {{ 'x' * 10**9 }} 里的乘法（*）" + TOO_LONG


# ---------------------------------------------------------------- mistakes, not attacks


@pytest.mark.parametrize(("body", "error"), [("{{ n / 0 }}", "ZeroDivisionError"), ("{{ '{0}'.format() }}", "IndexError"),
                                             ("{{ 10 ** 5000 }}", "ValueError")])
def test_ordinary_template_errors_are_problems_too(tmp_path, body, error):
    assert refused_by_render(prepared(tmp_path, body)) == (f"模板无法渲染：标签 {body} 的用法与数据不符（{error}）。"
                                                           "请检查循环和条件标签的写法。")


def test_deeply_nested_tags_are_a_problem_not_a_crash(tmp_path):
    (problem,) = refused_by_prepare(tmp_path, "{{ " + "(" * 300 + "1" + ")" * 300 + " }}")
    assert problem.message.startswith("模板中有标签嵌套过深或过长")


def test_ordinary_templates_still_work(tmp_path):
    tpl = prepared(tmp_path, "{% for x in items %}{{ loop.index }}.{{ x }}{% endfor %}",
                   "{% macro m(a) %}[{{ a|upper }}]{% endmacro %}{{ m(name) }} {{ '%s-%d'|format(name, n) }}",
                   "{{ '{}年'.format(2026) }} {{ name ~ '同志' }} {{ '-' * 3 }} {{ text }}")
    text = [p.text for p in Document(io.BytesIO(tpl.render(CONTEXT))).paragraphs]
    assert text == ["1.甲2.乙", "[张三] 张三-3", "2026年 张三同志 --- 第一行\n第二行"]


# ---------------------------------------------------------------- random templates


def shipped_templates() -> list[Path]:
    """Every template we ship (whatever names the build gives them)."""
    paths = sorted(templates_dir().glob("*.docx"))
    assert paths
    return paths


class Blank(str):
    """Stands in for any catalogue field the shipped templates use: prints as nothing, loops
    zero times, and any field or item of it is blank too."""

    def __getattr__(self, name: str) -> Blank:
        if name.startswith("_"):
            raise AttributeError(name)
        return BLANK

    def __getitem__(self, key: object) -> Blank:
        return BLANK

    def __iter__(self):
        return iter(())


BLANK = Blank("")
NAMES = ["name", "n", "items", "text", "loop", "ns", "range", "cycler", "x"]
ATTRS = ["__class__", "__init__", "__globals__", "mro", "_x", "upper", "center", "format", "append", "items",
         "keys", "real", "s", "index", "cycle"]
# Not `safe` or `urlize`: they put markup into the XML on purpose, so a template using them can
# break its own document; that is the template's choice, not something the sandbox can judge.
FILTERS = ["center", "replace", "join", "indent", "wordwrap", "batch", "slice", "list", "string", "length", "upper",
           "format", "sum", "attr", "map", "default", "first", "e", "truncate", "tojson", "int", "round", "reverse",
           "sort", "unique", "trim", "title", "wordcount", "striptags", "pprint", "dictsort", "xmlattr", "count"]
OPS = ["*", "**", "%", "+", "~", "-", "/", "//", "==", "<", "and", "or", "in"]


def expressions() -> st.SearchStrategy[str]:
    atoms = st.one_of(
        st.sampled_from(NAMES),
        st.sampled_from(["0", "1", "3", "-2", "10**9", "1000000", "2.5", "''", "'a'", "'x y'", "'%s'", "'{}'",
                         "'{:9}'", "'\\n'", "'\\t'", "'甲'", "[]", "[1, 'a']", "{'k': 'v'}", "none", "true"]),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        args = st.lists(inner, max_size=3).map(", ".join)
        return st.one_of(
            st.tuples(inner, st.sampled_from(ATTRS)).map(lambda t: f"{t[0]}.{t[1]}"),
            st.tuples(inner, st.sampled_from(ATTRS), args).map(lambda t: f"{t[0]}.{t[1]}({t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
            st.tuples(inner, st.sampled_from(FILTERS)).map(lambda t: f"{t[0]}|{t[1]}"),
            st.tuples(inner, st.sampled_from(FILTERS), args).map(lambda t: f"{t[0]}|{t[1]}({t[2]})"),
            st.tuples(inner, st.sampled_from(OPS), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(["range", "cycler", "namespace", "dict", "m"]), args).map(lambda t: f"{t[0]}({t[1]})"),
            args.map(lambda a: f"[{a}]"),
        )

    return st.recursive(atoms, extend, max_leaves=8)


def statements() -> st.SearchStrategy[str]:
    expr = expressions()

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        body = st.lists(inner, max_size=3).map("".join)
        return st.one_of(
            st.tuples(expr, body).map(lambda t: f"{{% for x in {t[0]} %}}{t[1]}{{% endfor %}}"),
            st.tuples(expr, body).map(lambda t: f"{{% if {t[0]} %}}{t[1]}{{% else %}}否{{% endif %}}"),
            body.map(lambda b: f"{{% macro m(a=1) %}}{b}{{% endmacro %}}{{{{ m() }}}}"),
            st.tuples(expr, body).map(lambda t: f"{{% set ns = namespace(s={t[0]}) %}}{t[1]}{{{{ ns.s }}}}"),
            body.map(lambda b: f"{{% for x in items recursive %}}{b}{{% endfor %}}"),
            body.map(lambda b: f"{{% macro m() %}}[{{{{ caller() }}}}]{{% endmacro %}}{{% call m() %}}{b}{{% endcall %}}"),
            st.tuples(st.sampled_from(FILTERS), body).map(lambda t: f"{{% filter {t[0]} %}}{t[1]}{{% endfilter %}}"),
            st.tuples(expr, body).map(lambda t: f"{{% with x = {t[0]} %}}{t[1]}{{% endwith %}}"),
            body.map(lambda b: f"{{% set x %}}{b}{{% endset %}}{{{{ x }}}}"),
            body.map(lambda b: f"{{% block b %}}{b}{{% endblock %}}"),
        )

    simple = st.one_of(expr.map(lambda e: f"{{{{ {e} }}}}"), expr.map(lambda e: f"{{% set x = {e} %}}"),
                       st.sampled_from(["文字", "{{ loop.index }}", "{{ loop(items) }}", "{% set ns.s = ns.s ~ ns.s %}",
                                        "{% include 'x.docx' %}", "{% raw %}{{ x }}{% endraw %}", "{{ self.b() }}",
                                        "{{ loop.cycle('a', 'b') }}", "{{ caller() }}", "{% import 'x' as y %}"]))
    return st.recursive(simple, extend, max_leaves=6)


@functools.cache
def shipped() -> list[tuple[str, dict[str, bytes]]]:
    """(file name, zip entries) of every shipped template, read once."""
    out = []
    for path in shipped_templates():
        with zipfile.ZipFile(path) as zf:
            out.append((path.name, {name: zf.read(name) for name in zf.namelist()}))
    return out


def with_paragraph(entries: dict[str, bytes], text: str, target: Path) -> Path:
    """The template with `text` as its first paragraph (what a clerk typing it into Word gives)."""
    body = entries["word/document.xml"].decode("utf-8")
    paragraph = f'<w:p><w:r><w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r></w:p>'
    body = re.sub(r"(<w:body[^>]*>)", lambda m: m.group(1) + paragraph, body, count=1)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, body.encode("utf-8") if name == "word/document.xml" else data)
    return target


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(jinja=statements())
def test_random_jinja_in_shipped_templates_is_a_problem_or_a_document(tmp_path, jinja):
    with mock.patch.object(render, "MAX_ITERATIONS", 20_000), mock.patch.object(render, "MAX_SECONDS", 2.0):
        for name, entries in shipped():
            tpl, problems = prepare(with_paragraph(entries, jinja, tmp_path / name))
            if tpl is None:
                assert_clean(problems, name)
                continue
            context = {variable: BLANK for variable in tpl.variables} | CONTEXT
            assert_clean(dry_run(tpl, context, set(context)), name)
            try:
                data = tpl.render(context)
            except ProblemsError as exc:
                assert_clean(exc.problems, name)
            else:
                Document(io.BytesIO(data))  # opens: the XML is whole


def assert_clean(problems: list[Problem], label: str) -> None:
    """Located problems a clerk can read: the template named, Chinese, no Python traceback."""
    for p in problems:
        assert isinstance(p, Problem) and p.file == label
        assert re.search(r"[\u4e00-\u9fff]", p.message) and "Traceback" not in p.message
