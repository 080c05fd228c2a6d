"""The repository explains itself: every document it names is in it, and every numbered section
it points to exists."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
SECTION = re.compile(r"((?:[\w.-]+/)*[\w.-]+\.md)`*,? §(\d+)")


def tracked_texts() -> dict[Path, str]:
    """Every text file git tracks (images and fonts left out)."""
    names = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    texts = {}
    for name in names:
        path = ROOT / name
        if path.suffix in (".png", ".ttf") or not path.is_file():
            continue
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
    return texts


TEXTS = tracked_texts()


def resolve(name: str, where: Path) -> Path | None:
    """The file ``name`` stands for, from the file that names it or from the top."""
    for base in (where.parent, ROOT, ROOT / "docs", ROOT / "firmware"):
        if (base / name).is_file():
            return base / name
    return None


def test_every_document_named_is_in_the_repository():
    missing = [
        f"{path.relative_to(ROOT)} names {name}"
        for path, text in TEXTS.items()
        for name in DOCUMENT.findall(text)
        if resolve(name, path) is None
    ]
    assert missing == []


def test_every_numbered_section_pointed_to_exists():
    missing = []
    for path, text in TEXTS.items():
        for name, number in SECTION.findall(text):
            target = resolve(name, path)
            if target is None or not re.search(rf"^## {number}\. ", TEXTS[target], re.M):
                missing.append(f"{path.relative_to(ROOT)} points to {name} §{number}")
    assert missing == []
