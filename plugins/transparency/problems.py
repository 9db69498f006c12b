"""Problems found in data or narrative, reported all at once with file, line and field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def shown_path(path: Path | str, root: Path | None) -> Path:
    """`path` relative to `root` where it is inside it (as messages show files), else as is."""
    file = Path(path)
    if root is not None:
        try:
            return file.resolve().relative_to(root.resolve())
        except ValueError:
            pass
    return file


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, and how to fix it."""

    file: Path | str
    message: str
    hint: str = ""
    line: int | None = None
    field: str | None = None
    row_label: str = "line"
    # A place that is not a line number, e.g. "sheet legal_status, cell B4" in a workbook.
    cell: str | None = None

    def format(self, root: Path | None = None) -> str:
        where = str(shown_path(self.file, root))
        if self.line is not None:
            where += f", {self.row_label} {self.line}"
        if self.cell:
            where += f", {self.cell}"
        if self.field:
            where += f", field '{self.field}'"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n    How to fix: {self.hint}"
        return text


@dataclass
class Problems:
    """A collector: every check adds to it; nothing stops at the first problem."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: Path | str, message: str, hint: str = "", *, line: int | None = None,
            field: str | None = None, row_label: str = "line", cell: str | None = None) -> None:
        self.items.append(Problem(file, message, hint, line, field, row_label, cell))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def report(self, root: Path | None = None) -> str:
        lines = [p.format(root) for p in self.items]
        count = len(lines)
        head = f"{count} problem{'s' if count != 1 else ''} found:"
        return "\n".join([head, *lines, *guides_note(lines, root)])

    def raise_if_any(self, root: Path | None = None) -> None:
        if self.items:
            raise DataError(self, root)


def read_text(path: Path, problems: Problems, *, save_as: str, empty_hint: str) -> str | None:
    """A UTF-8 text file's contents, or None with a problem if unreadable or empty."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(path, f"the file cannot be read ({exc.strerror})",
                     "check the file exists and is readable")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.add(path, _not_utf8(raw, exc), f"save it as {save_as}",
                     line=raw[:exc.start].count(b"\n") + 1)
        return None
    if not text.strip():
        problems.add(path, "the file is empty", empty_hint)
        return None
    return text


def _not_utf8(raw: bytes, exc: UnicodeDecodeError) -> str:
    """Why `raw` is not UTF-8, naming the character as Windows-1252 (what Excel's plain
    'CSV (Comma delimited)' and older Word save) would read it, when it reads so."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("the file is UTF-16 text (what Excel's 'Unicode Text' saves, with tabs between "
                "columns), not UTF-8")
    line_start = raw.rfind(b"\n", 0, exc.start) + 1
    column = exc.start - line_start + 1
    byte = raw[exc.start]
    message = f"the file is not valid UTF-8 text (byte 0x{byte:02X} at character {column} "
    try:
        guess = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return message + "cannot be read)"
    return (message + f"reads as {guess!r} in Windows-1252, the encoding of Excel's plain "
            "'CSV (Comma delimited)')")


class DataError(Exception):
    """Raised when inputs are invalid; carries every problem found."""

    def __init__(self, problems: Problems, root: Path | None = None) -> None:
        self.problems = problems
        super().__init__(problems.report(root))


def guides_note(lines: list[str], root: Path | None) -> list[str]:
    """A line saying where the guides the `lines` name (docs/NAME.md) are, for a site that
    has no docs/ of its own (a council's site: they travel with the engine); [] otherwise."""
    folder = (root or Path.cwd()) / "docs"
    if folder.is_dir() or not any("docs/" in line for line in lines):
        return []
    return ["(docs/NAME.md is one of the engine's guides: `transparency docs NAME` prints it, "
            "and `transparency docs` lists them.)"]
