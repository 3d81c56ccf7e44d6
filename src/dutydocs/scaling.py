"""A catalogue scaled up N times, for the benchmark and the tests that need many documents.

Every person and division is copied N-1 times under a numbered name, except the holders of posts
that only one person holds (the party group secretary, the party committee secretary), so the
number of pairs and books grows linearly: the sample ×100 gives about 14 000 documents.
"""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from .catalog import load_raw
from .errors import ProblemsError


def _renamed(name: str, k: int) -> str:
    return f"{name}{k}"


def scale(source: Path, factor: int, target: Path) -> Path:
    """Write `source` ×`factor` as one YAML file into the folder `target`; returns that folder."""
    raw, problems = load_raw(source)
    if raw is None:
        raise ProblemsError(problems)
    data: dict[str, Any] = copy.deepcopy(raw.data)
    people = data.get("people", [])
    holders = Counter(post for p in people for post in p.get("posts", []))
    unique = {p["name"] for p in people if any(holders[post] == 1 for post in p.get("posts", []))}
    divisions = data.get("divisions", [])
    for k in range(2, factor + 1):
        def rn(name: str, k: int = k) -> str:
            return name if name in unique else _renamed(name, k)

        div_names = {d["name"] for d in divisions}
        for d in list(divisions[: len(raw.data.get("divisions", []))]):
            clone = copy.deepcopy(d)
            clone["name"] = _renamed(d["name"], k)
            if clone.get("head"):
                clone["head"] = rn(clone["head"])
            divisions.append(clone)
        for p in list(people[: len(raw.data.get("people", []))]):
            if p["name"] in unique:
                base = raw.data["people"][people.index(p)].get("supervises", [])
                p["supervises"] = list(p.get("supervises", [])) + [_renamed(x, k) for x in base]
                continue
            clone = copy.deepcopy(p)
            clone["name"] = rn(p["name"])
            if clone.get("division") in div_names:
                clone["division"] = _renamed(clone["division"], k)
            clone["supervises"] = [_renamed(x, k) for x in clone.get("supervises", [])]
            people.append(clone)
        for section, keys in (("tasks", ("person",)), ("records", ("person",)), ("checks", ("person",)),
                              ("rectifications", ("person",)), ("talks", ("target",))):
            for item in list(data.get(section, [])[: len(raw.data.get(section, []))]):
                if any(item.get(key) in unique for key in keys) or not any(item.get(key) for key in keys):
                    continue
                clone = copy.deepcopy(item)
                for key in keys:
                    clone[key] = rn(clone[key])
                if section == "talks" and clone.get("talker"):
                    clone["talker"] = rn(clone["talker"])
                data[section].append(clone)
    data["divisions"], data["people"] = divisions, people
    target.mkdir(parents=True, exist_ok=True)
    (target / "catalog.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return target
