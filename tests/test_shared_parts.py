"""Parts of the contexts made once per organisation: the same contexts, whatever the order, and the
organisation's own answers; the inputs' fingerprint is by value; output paths are still confined."""

from __future__ import annotations

import copy
import glob
from pathlib import Path

import pytest

from dutydocs import load_catalog
from dutydocs.build import fingerprint
from dutydocs.contexts import context_for, kind_of, plan
from dutydocs.kinds.base import _store, book_tasks, clean, horizontal_duties, unit_duties
from dutydocs.kinds.book import book_schedules
from dutydocs.output import inside
from dutydocs.resources import sample_catalog

ROOT = Path(__file__).resolve().parent
CATALOGUES = [sample_catalog(), *sorted(Path(p) for p in glob.glob(str(ROOT / "fixtures" / "*")))]


@pytest.fixture(scope="module", params=CATALOGUES, ids=lambda p: p.name)
def loaded(request):
    loaded = load_catalog(request.param)
    loaded.path = request.param
    return loaded


def contexts(org, specs) -> list[dict]:
    return [context_for(org, spec) for spec in specs if kind_of(spec.kind).make is None]


def test_lookups_made_once_agree_with_the_organisation(loaded):
    org = loaded.org
    for person in org.catalog.people:
        assert book_schedules(org, person) == org.book_schedules(person), person.name
        assert book_tasks(org, person) == org.book_tasks(person), person.name
    for division in org.catalog.divisions:
        assert horizontal_duties(org, division) == org.horizontal_duties(division), division.name
        assert unit_duties(org, division) == org.unit_duties(division), division.name


def test_contexts_do_not_depend_on_the_order_they_are_made_in(loaded):
    specs = list(plan(loaded.org))
    forward = contexts(loaded.org, specs)
    fresh = load_catalog(loaded.path)
    backward = contexts(fresh.org, specs[::-1])[::-1]
    assert forward == backward


def test_shared_parts_are_clean_and_never_changed_by_a_context(loaded):
    org = loaded.org
    specs = list(plan(org))
    first = contexts(org, specs)
    store = _store(org)
    before = copy.deepcopy({k: v for k, v in store.items() if k != "known"})
    again = contexts(org, specs)
    assert again == first
    assert {k: v for k, v in store.items() if k != "known"} == before
    for ctx in first:
        assert clean(ctx) == ctx == clean(ctx, org)


def test_fingerprint_is_by_value():
    ctx = {"a": "x", "rows": [{"k": ""}] * 3, "n": 1}
    twin = {"a": "".join(["x"]), "rows": [{"k": ""}, {"k": ""}, {"k": ""}], "n": 1}
    assert fingerprint(ctx, "t") == fingerprint(twin, "t")
    assert fingerprint(ctx, "t") != fingerprint({**ctx, "a": "y"}, "t") != fingerprint(ctx, "u")


def test_a_file_that_is_a_link_out_of_the_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    (out / "责任书").mkdir(parents=True)
    (tmp_path / "elsewhere.docx").write_bytes(b"x")
    (out / "责任书" / "1-01-甲-乙.docx").symlink_to(tmp_path / "elsewhere.docx")
    folders: dict[str, Path] = {}
    assert inside(out, "责任书/1-02-甲-丙.docx", folders) == (out / "责任书" / "1-02-甲-丙.docx").resolve()
    with pytest.raises(ValueError):
        inside(out, "责任书/1-01-甲-乙.docx", folders)
