"""Random input at the loader and the renderer: only clean problems or valid documents come out."""

from __future__ import annotations

import copy
import io
import tempfile
from pathlib import Path

import yaml
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL
from dutydocs import ProblemsError, load_catalog
from dutydocs.contexts import KINDS, clean, context_for, kind_of, plan
from dutydocs.render import prepare
from dutydocs.resources import templates_dir

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RENDER_SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30), st.dates())
keys = st.one_of(st.sampled_from(["organ", "name", "tiers", "people", "year", "duties", "text", "holders",
                                  "posts", "signing", "rules", "level", "include", "kind", "id"]), st.text(max_size=8))
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(keys, inner, max_size=5)), max_leaves=25)


def load_text(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        try:
            load_catalog(path)
        except ProblemsError as exc:
            assert exc.problems
            for p in exc.problems:
                assert p.message and p.file and p.file.endswith("catalog.yaml")
                assert "Traceback" not in p.message


@SETTINGS
@given(documents)
def test_random_yaml_structures_give_problems_or_a_catalogue(data):
    load_text(yaml.safe_dump(data, allow_unicode=True))


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_gives_problems_or_a_catalogue(text):
    load_text(text)


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes_give_problems(data):
    load_text(data)


BASE = yaml.safe_load(MINIMAL)


def paths(data, prefix=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield prefix + (k,)
            yield from paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield prefix + (i,)
            yield from paths(v, prefix + (i,))


ALL_PATHS = list(paths(BASE))


@SETTINGS
@given(st.sampled_from(ALL_PATHS), documents)
def test_any_value_replaced_by_junk_gives_problems_or_a_catalogue(path, junk):
    data = copy.deepcopy(BASE)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = junk
    load_text(yaml.safe_dump(data, allow_unicode=True))


def _minimal_catalog():
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "catalog.yaml").write_text(MINIMAL, "utf-8")
        return load_catalog(Path(tmp)).catalog


TEMPLATES = {kind: prepare(templates_dir() / kind_of(kind).template_for(_minimal_catalog()))[0] for kind in KINDS
             if kind_of(kind).make is None}
hostile = st.text(min_size=1, max_size=60).filter(lambda s: clean(s).strip())


@RENDER_SETTINGS
@given(hostile, hostile, hostile)
def test_random_names_and_duties_render_to_valid_documents_that_print_them(name, duty, title):
    data = copy.deepcopy(BASE)
    data["people"][2]["name"] = name
    data["people"][2]["title"] = title
    data["divisions"][0]["head"] = name
    data["tiers"][2]["duties"][0]["text"] = duty
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        try:
            loaded = load_catalog(path)
        except ProblemsError:
            return  # e.g. the name collides with another person: a clean refusal is fine
    # compare with what the YAML means (YAML folds some characters, e.g. U+0085 is a line break)
    name = loaded.catalog.people[2].name
    duty = loaded.catalog.tiers[2].duties[0].text
    for kind in TEMPLATES:
        for spec in plan(loaded.org, (kind,)):
            doc = Document(io.BytesIO(TEMPLATES[kind].render(context_for(loaded.org, spec))))
            text = "\n".join([p.text for p in doc.paragraphs] +
                             [c.text for t in doc.tables for row in t.rows for c in row.cells])
            if name in spec.names:
                shown = clean(name.strip())
                assert all(line in text for line in shown.split("\n") if line.strip())
            if kind == KINDS[0]:
                for line in clean(duty.strip()).split("\n"):
                    if line.strip():
                        assert line in text
