"""The registry of kinds: plan order, one context per document, text made safe for XML."""

from __future__ import annotations

from dutydocs.contexts import KINDS, clean, context_for, kind_of, plan
from dutydocs.kinds import REGISTRY


def test_kinds_are_walked_in_registry_order(sample):
    assert KINDS == tuple(k.name for k in REGISTRY) == ("清单", "责任书", "纪实本", "建议书", "销号台账", "谈话台账",
                                                        "信息表", "四张清单")
    specs = list(plan(sample.org))
    order = [s.kind for s in specs]
    assert order == sorted(order, key=KINDS.index)
    assert order.count("清单") == 1
    assert order.count("责任书") == len(sample.org.pairs)
    assert order.count("纪实本") == len(sample.org.book_holders())
    assert [s.kind for s in plan(sample.org, ("纪实本",))] == ["纪实本"] * len(sample.org.book_holders())


def test_every_kind_names_its_folder_template_and_aliases(sample):
    for kind in REGISTRY:
        assert kind_of(kind.name) is kind
        assert kind.name in kind.aliases
        template = kind.template_for(sample.catalog)
        assert template.endswith(".docx") if kind.make is None else (template is None and kind.suffix == ".xlsx")


def test_clean_removes_only_what_xml_cannot_hold():
    assert clean("A&B <c> \"q\" {{ x }} 😀 \u202e") == "A&B <c> \"q\" {{ x }} 😀 \u202e"
    assert clean("a\x00b\x07c\x0cd\x1fe") == "abcde"
    assert clean("第一行\r\n第二行\n") == "第一行\n第二行"
    assert clean({"k": ["\x01x"]}) == {"k": ["x"]}


def test_contexts_hold_only_plain_text_lists_and_dicts(sample):
    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert isinstance(value, (str, bool)) or value is None, repr(value)

    for kind in KINDS:
        spec = next(plan(sample.org, (kind,)), None)
        if spec is not None:
            walk(context_for(sample.org, spec))
