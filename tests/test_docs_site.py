"""The docs stand alone and build: MkDocs (Material) with --strict, so a broken link fails the suite;
no doc points outside the repository or at the project's history."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md"))
USER_TEXTS = [ROOT / "README.md", *DOCS]


def _mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess:
    # no -q: MkDocs' quiet mode hides the warnings that --strict counts, and the build passes
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


def test_the_docs_site_builds_strictly(tmp_path):
    result = _mkdocs_build(ROOT, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "pin/index.html", "testing/index.html"):
        assert (tmp_path / "site" / page).is_file(), page


def test_a_broken_link_fails_the_strict_build(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    with (project / "docs" / "index.md").open("a") as page:
        page.write("\nSee [the missing page](missing.md).\n")
    result = _mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "missing.md" in result.stderr


def test_every_doc_is_in_the_site_navigation():
    nav = (ROOT / "mkdocs.yml").read_text()
    for doc in DOCS:
        assert f": {doc.name}" in nav, f"{doc.name} is not in mkdocs.yml's nav"


def test_no_doc_points_outside_the_repository_or_at_its_history():
    outside = re.compile(
        r"\.\./shared|SPEC\.md|\bSPEC\b"  # files outside the repository
        r"|(?i:\bissue\s*#?\d+|\bthe issue\b|\bissue text)"  # the project's history
        r"|(?i:\b(this|that|next|previous|earlier|later) (work )?session\b)"
    )
    for path in USER_TEXTS:
        text = path.read_text()
        for match in outside.finditer(text):
            before = text[: match.start()]
            if re.search(r"[\w.-]+/[\w.-]+\s+$", before):
                continue  # another project's tracker, cited: "micropython/micropython issue #5673"
            number = before.count("\n") + 1
            line = text.splitlines()[number - 1]
            raise AssertionError(f"{path.name}:{number}: {match.group(0)!r} in {line!r}")


def test_the_readmes_relative_links_resolve():
    text = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)#\s]+)\)", text)
    local = [link for link in links if "://" not in link]
    assert "docs/pin.md" in local
    for link in local:
        assert (ROOT / link).exists(), link
