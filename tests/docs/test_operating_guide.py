"""The maintainer's guide lists every setting the project sets, and only real ones."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path

from socialhub.collect.settings import CollectSettings
from socialhub.comments.config import CommentsConfig

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "operating.md"


def assigned_settings(path: Path) -> set[str]:
    """Upper-case names a settings file assigns."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()}
    return names


def documented_settings() -> set[str]:
    """Setting names in the first column of the guide's settings table."""
    table = GUIDE.read_text(encoding="utf-8").split("## Settings", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            first_column = line.split("|")[1]
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_column))
    return names


def test_every_setting_the_project_sets_is_documented() -> None:
    """pelicanconf.py and publishconf.py set nothing the guide does not explain."""
    assigned = assigned_settings(ROOT / "pelicanconf.py") | assigned_settings(
        ROOT / "publishconf.py"
    )
    assert sorted(assigned - documented_settings()) == []


def test_every_documented_setting_exists() -> None:
    """The guide documents no setting that the settings files or the code do not know."""
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("src", "plugins")
        for path in (ROOT / folder).rglob("*.py")
    )
    code += (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    code += (ROOT / "publishconf.py").read_text(encoding="utf-8")
    by_prefix = {
        "COMMENTS_": {f.name for f in fields(CommentsConfig)},
        "COLLECT_": {f.name for f in fields(CollectSettings)},
    }
    missing = [
        name
        for name in documented_settings()
        if name not in code
        and not any(
            name.startswith(prefix) and name.removeprefix(prefix).lower() in known
            for prefix, known in by_prefix.items()
        )
    ]
    assert missing == []
