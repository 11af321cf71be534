"""The Nu HTML Checker (vnu.jar, from npm's vnu-jar) on a built site: its messages, summarised."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from socialhub.errors import SocialHubError

# Where `npm ci` puts the checker, relative to the project.
VNU_JAR = Path("node_modules") / "vnu-jar" / "build" / "dist" / "vnu.jar"


class CheckerMissingError(SocialHubError):
    """Java or vnu.jar is not installed."""


@dataclass(frozen=True)
class Message:
    """One finding of the checker."""

    path: str  # the page, relative to the checked folder
    line: int
    severity: str  # "error" or "warning" (vnu's "info" messages are dropped)
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.text}"


def _severity(raw: dict) -> str:
    kind = raw.get("type", "")
    if kind == "info":
        return "warning" if raw.get("subType") == "warning" else "info"
    return "error"  # "error" (fatal or not) and "non-document-error" (unreadable page)


def check_html(folder: Path, jar: Path, java: str = "java") -> list[Message]:
    """Run vnu on every HTML page under ``folder``; errors and warnings, by page and line."""
    if shutil.which(java) is None:
        raise CheckerMissingError(
            f"'{java}' was not found: install Java (apt-get install default-jre-headless)"
        )
    if not jar.is_file():
        raise CheckerMissingError(f"{jar} is missing: run npm ci")
    command = [java, "-jar", str(jar), "--format", "json", "--skip-non-html", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        report = json.loads(done.stderr or done.stdout)
    except ValueError:
        raise SocialHubError(f"vnu did not answer in JSON: {done.stderr[:300]}") from None
    base = folder.resolve()
    messages = []
    for raw in report.get("messages", []):
        severity = _severity(raw)
        if severity == "info":
            continue
        page = Path(unquote(urlsplit(raw.get("url", "")).path))
        shown = page.relative_to(base).as_posix() if page.is_relative_to(base) else str(page)
        messages.append(Message(shown, int(raw.get("lastLine", 0)), severity, raw["message"]))
    return sorted(messages, key=lambda m: (m.path, m.line, m.text))


def summary(messages: list[Message], pages: int) -> str:
    """One line with the counts, then each distinct message with how often it occurs."""
    counts = Counter(message.severity for message in messages)
    lines = [f"vnu checked {pages} pages: {counts['error']} errors, {counts['warning']} warnings."]
    for (severity, text), number in Counter((m.severity, m.text) for m in messages).most_common():
        lines.append(f"  {number} × {severity}: {text}")
    return "\n".join(lines)
