"""Audit of the built site: no count of children from 1 to the threshold in any output.

Independent of the code that rendered the pages: it re-reads the files. Every place that
shows a count of children or their records is marked `data-disclosure="count"` by our
templates and renderers; CSV downloads are checked through their data package.
"""

from __future__ import annotations

import csv
import json
import re
from html.parser import HTMLParser
from pathlib import Path

# A published number, optionally marked revised ("1,448 [r]").
NUMBER_RE = re.compile(r"^\s*([0-9][0-9,]*(?:\.[0-9]+)?)(?:\s*\[r\])?\s*$")
SYMBOL_RE = re.compile(r"^\s*\[[cxz]\]\s*$")
ANY_NUMBER_RE = re.compile(r"(?<![\w.])([0-9][0-9,]*(?:\.[0-9]+)?)(?![\w.])")


class _CountFinder(HTMLParser):
    """Collects the text of every element marked data-disclosure="count"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[tuple[int, str]] = []
        self._buffer: list[list[str]] = []
        self.attribute_numbers: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        marked = dict(attrs).get("data-disclosure") == "count"
        if marked or self._buffer:
            # Attributes inside a count (aria-label, title, data-*) must not carry numbers.
            for name, value in attrs:
                if name != "data-disclosure" and value:
                    self.attribute_numbers.extend(
                        (self.getpos()[0], f"{name}={value!r}", m) for m in ANY_NUMBER_RE.findall(value))
        if tag in ("br", "img", "meta", "link", "input", "hr"):
            return
        self.stack.append((tag, marked))
        if marked:
            self._buffer.append([])

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, marked = self.stack.pop()
            if marked:
                self.texts.append((self.getpos()[0], "".join(self._buffer.pop())))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for buffer in self._buffer:
            buffer.append(data)


def _small(text: str, threshold: int) -> bool:
    match = NUMBER_RE.match(text.replace("\u00a0", " "))
    if not match:
        return False
    value = float(match.group(1).replace(",", ""))
    return 1 <= value <= threshold


def audit_html(path: Path, threshold: int) -> list[str]:
    """A marked count must read as a plain number above the threshold, 0, or a symbol."""
    text = path.read_text(encoding="utf-8")
    finder = _CountFinder()
    finder.feed(text)
    findings = audit_charts(path, text, threshold)
    for line, text in finder.texts:
        if _small(text, threshold):
            findings.append(f"{path}: line {line}: a count of {text.strip()} is shown")
        elif not (NUMBER_RE.match(text) or SYMBOL_RE.match(text)):
            findings.append(f"{path}: line {line}: a count reads {text.strip()!r}, which is "
                            "neither a number nor a symbol")
    for line, attribute, number in finder.attribute_numbers:
        if _small(number, threshold):
            findings.append(f"{path}: line {line}: an attribute of a count holds {number} "
                            f"({attribute})")
    return findings


CHART_DIV_RE = re.compile(r'<div class="app-chart__graphic" data-disclosure="count-chart">(.*?)</div>', re.S)
MARK_TEXT_RE = re.compile(r'<g class="mark-text role-mark[^"]*"[^>]*>(.*?)</g>', re.S)
SPEC_RE = re.compile(r'<script type="application/json" class="app-chart__spec" '
                     r'data-disclosure="count-spec">(.*?)</script>', re.S)


def audit_charts(path: Path, text: str, threshold: int) -> list[str]:
    """Data labels in chart SVGs and values in embedded chart specs of count tables."""
    findings = []
    for chart in CHART_DIV_RE.findall(text):
        for group in MARK_TEXT_RE.findall(chart):
            for label in re.findall(r"<text[^>]*>([^<]*)</text>", group):
                if _small(label, threshold):
                    findings.append(f"{path}: a chart labels a count of {label}")
    for raw in SPEC_RE.findall(text):
        spec = json.loads(raw.replace("<\\/", "</"))
        for dataset in spec.get("datasets", {}).values():
            for row in dataset:
                value = row.get("value")
                if isinstance(value, (int, float)) and 1 <= value <= threshold:
                    findings.append(f"{path}: a chart's data holds a count of {value:g}")
    return findings


def audit_downloads(data_dir: Path, threshold: int) -> list[str]:
    package_path = data_dir / "datapackage.json"
    if not package_path.is_file():
        return [f"{package_path}: missing"]
    package = json.loads(package_path.read_text(encoding="utf-8"))
    findings = []
    for resource in package["resources"]:
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        count_fields = [n for n, f in fields.items() if f.get("disclosure") == "count"]
        if not count_fields:
            continue
        path = data_dir / resource["path"]
        with path.open(encoding="utf-8", newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle), start=2):
                for name in count_fields:
                    if _small(row[name], threshold):
                        findings.append(f"{path}: row {row_number}: a count of {row[name]} is "
                                        "published")
    return findings


def audit_output(output: Path, threshold: int) -> list[str]:
    """Every HTML page and every download of a built site."""
    findings: list[str] = []
    for path in sorted(output.rglob("*.html")):
        findings.extend(audit_html(path, threshold))
    findings.extend(audit_downloads(output / "data", threshold))
    return findings
