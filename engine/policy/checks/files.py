"""The article files on disk match the list in instrument.yaml, one to one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from engine.policy.layout import article_file
from engine.problems import Problem


def check_article_files(root: Path, article_eids: list[str], display: Callable) -> list[Problem]:
    """instrument.yaml's article list and the files in articles/ must match one to one."""
    problems = []
    instrument = display(root / "instrument.yaml")
    for eid, count in Counter(article_eids).items():
        if count > 1:
            problems.append(
                Problem(instrument, None, None, "$.articles", f"{eid} listed {count} times", "once")
            )
    listed = {article_file(eid) for eid in article_eids}
    for eid in article_eids:
        path = root / article_file(eid)
        if not path.exists() and not path.is_symlink():  # anything else is read, and refused there
            problems.append(
                Problem(
                    instrument,
                    None,
                    None,
                    "$.articles",
                    f"{eid} is listed but {article_file(eid)} does not exist",
                    "one file per listed article",
                )
            )
    for path in sorted((root / "articles").glob("*")):
        rel = f"articles/{path.name}"
        if rel not in listed:
            problems.append(
                Problem(
                    display(path),
                    None,
                    None,
                    "",
                    "file is not listed in instrument.yaml articles",
                    "articles/art_NN.yaml for each listed article, nothing else",
                )
            )
    return problems
