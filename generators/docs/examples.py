"""Worked examples and engine transcripts, produced by running the engine at build time.

Nothing here is pasted: every answer shown on the site is computed from ``examples/*.yaml`` by the
same calls the ``accountability query`` command makes (``Policy.evaluate`` then ``Answer.render`` or
the JSON dump of ``Answer.to_dict``), so the guide cannot drift from what the engine really prints.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.answer import answer_case
from engine.answer.build import build_answer
from engine.case.load import load_case
from engine.policy.summary import render_summary, summary
from generators.docs.context import EXAMPLES_INDEX, SiteContext, article_page, example_page
from generators.docs.markdown import Page, code, esc, rel, url

if TYPE_CHECKING:
    from engine.policy.model import Policy

SNIPPETS = (
    "_snippets"  # inside the staging docs dir; excluded from the site, read by pymdownx.snippets
)
FALLBACK_AS_OF = "2024-12-01"  # only for a case that records no date at all
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
JSON_EXCERPT_LINES = 40


@dataclass(frozen=True)
class ExampleRun:
    stem: str  # file name without .yaml: the page name
    path: str  # relative to the repository root, as typed on the command line
    as_of: str
    title: dict[str, str]
    summary: dict[str, str] | None
    source: str  # the case file as written
    text: dict[str, str]  # lang → `accountability query --explain --lang …` output (first only)
    html: dict[str, str]  # lang → the answer as a page (``Answer.render(format="html")``)
    json: str  # `accountability query --format json` output
    cited: frozenset[str]  # every eId the answer cites

    def command(self, *options: str) -> str:
        return " ".join(["accountability", "query", self.path, "--as-of", self.as_of, *options])


def example_as_of(case: dict[str, Any]) -> str:
    """The day of the last event the case records: the answer then shows the case as it stands.

    Examples do not carry a query date of their own, and "today" would make the site change every
    day; the last recorded date is fixed by the file and shows every recorded step as done.
    """
    dates: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and _DATE.match(value):
            dates.append(value)

    walk(case)
    return max(dates) if dates else FALLBACK_AS_OF


def inputs_digest(policy: Policy) -> str:
    """A digest of everything an answer depends on besides its case: the policy files and the
    engine's code. An example whose case and this digest are unchanged has the same answer."""
    digest = hashlib.sha256()
    engine_dir = Path(__file__).resolve().parents[2] / "engine"
    roots = [Path(policy.root), engine_dir]
    for root in roots:
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def example_cache_keys(policy: Policy, directory: Path) -> dict[Path, str]:
    """Each example file → its key in the build cache: the digest of the policy, the engine, its
    place in the order and its text (what its answers are made from)."""
    directory = Path(directory)
    if not directory.is_dir():
        return {}
    common = inputs_digest(policy)
    return {
        path: hashlib.sha256(
            f"{common}\0{number}\0{path.name}\0".encode() + path.read_bytes()
        ).hexdigest()
        for number, path in enumerate(sorted(directory.glob("*.yaml")))
    }


def examples_to_answer(keys: dict[Path, str], cache: dict[str, Any]) -> list[tuple[int, Path, str]]:
    """(place in the order, file, cache key) of every example (``example_cache_keys``) whose
    answers are not in ``cache``; ``cache`` is left holding these examples only, so that it does
    not grow with every change of the policy."""
    for key in [k for k in cache if k not in keys.values()]:
        del cache[key]
    return [
        (number, path, key) for number, (path, key) in enumerate(keys.items()) if key not in cache
    ]


def answer_examples(
    policy: Policy, todo: list[tuple[int, Path, str]], repo_root: Path
) -> dict[str, Any]:
    """Cache entries (key → the run as JSON) for these examples: each answered, with its reasons
    and the readings that decide it, in both languages. A broken example raises."""
    return {
        key: _run_to_json(_answer(policy, number, path, repo_root)) for number, path, key in todo
    }


def cached_runs(keys: dict[Path, str], cache: dict[str, Any]) -> list[ExampleRun]:
    """The runs of these examples (``example_cache_keys``), in order, all in ``cache``."""
    return [_run_from_json(cache[key]) for key in keys.values()]


def _answer(policy: Policy, number: int, path: Path, repo_root: Path) -> ExampleRun:
    try:
        shown = path.resolve().relative_to(Path(repo_root).resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    # the displayed file name goes into the answer ("case.file"): keep it relative and stable
    doc = dataclasses.replace(load_case(path), file=shown)
    as_of = example_as_of(doc.data)
    answer = answer_case(policy, doc, as_of=as_of)
    data = answer.to_dict()
    # one answer with its reasons for every rendering: the readings that decide a finding
    # are worked out once (they cost more than the query)
    full = build_answer(answer.evaluation, explain=True)
    return ExampleRun(
        stem=path.stem,
        path=shown,
        as_of=as_of,
        title=doc.data["case"]["title"],
        summary=doc.data["case"].get("summary"),
        source="\n".join(doc.lines),  # the text the checked case was read from
        # the terminal text only where the guide quotes it (the first example)
        text={
            lang: full.render(lang, explain=True) if number == 0 else "" for lang in ("zh", "en")
        },
        html={lang: full.render(lang, explain=True, format="html") for lang in ("zh", "en")},
        json=json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        cited=frozenset(_cites(data)),
    )


def _run_to_json(run: ExampleRun) -> dict[str, Any]:
    data = dataclasses.asdict(run)
    data["cited"] = sorted(run.cited)
    return data


def _run_from_json(data: dict[str, Any]) -> ExampleRun:
    return ExampleRun(**{**data, "cited": frozenset(data["cited"])})


def _cites(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "cites" and isinstance(item, list):
                found.update(str(e) for e in item)
            else:
                found |= _cites(item)
    elif isinstance(value, list):
        for item in value:
            found |= _cites(item)
    return found


def example_pages(ctx: SiteContext) -> dict[str, str]:
    pages: dict[str, str] = {EXAMPLES_INDEX: examples_index(ctx)}
    for run in ctx.examples:
        pages[example_page(run.stem)] = example_markdown(ctx, run)
    return pages


def examples_index(ctx: SiteContext) -> str:
    page = Page(EXAMPLES_INDEX, "示例案件 · Worked examples")
    page.heading(1, "示例案件 · Worked examples", "examples")
    page.para(
        "`examples/` 中的每个案件都在构建网站时由引擎实际回答；下面的答案就是 "
        "`accountability query CASE --as-of DATE --explain` 的输出。查询日期取案件记录的最后一"
        "个日期。"
    )
    page.para(
        "Every case in `examples/` is answered by the engine when the site is built; the "
        "answers below "
        "are the output of `accountability query CASE --as-of DATE --explain`. The query date "
        "is the "
        "last date the case records."
    )
    items = []
    for run in ctx.examples:
        items.append(
            f"- [{esc(run.title['zh'])} · {esc(run.title['en'])}]"
            f"({rel(EXAMPLES_INDEX, example_page(run.stem))}) — {code(run.path)}"
        )
    page.extend(items or ["目前没有示例。 No examples yet."])
    return page.text()


def example_markdown(ctx: SiteContext, run: ExampleRun) -> str:
    path = example_page(run.stem)
    title = f"{run.title['zh']} · {run.title['en']}"
    # the answers quote the regulation at length: rank them below the articles in search
    page = Page(path, title, search_boost=0.005, no_nav=True)
    page.heading(
        1,
        f'{esc(run.title["zh"])} <span class="subtitle" lang="en">{esc(run.title["en"])}</span>',
        "example",
    )
    page.para(
        f"案件文件 Case file: {code(run.path)} · 查询日期 As of: {code(run.as_of)}"
        "\n{: .case-facts }"
    )
    if run.summary:
        page.para(f"{esc(run.summary['zh'])}")
        page.para(f"{esc(run.summary['en'])}")
    cited_articles = sorted(
        {ctx.policy.article_of[e]["eid"] for e in run.cited if e in ctx.policy.article_of},
        key=lambda e: ctx.element_order[e],
    )
    if cited_articles:
        page.para(
            "答案引用的条文 Articles cited: "
            + ", ".join(
                f"[{esc(ctx.policy.article_of[e]['heading']['zh'])}]({rel(path, article_page(e))})"
                for e in cited_articles
            )
        )
    page.heading(2, '答案 <span class="subtitle" lang="en">Answer</span>', "answer-zh")
    page.para(
        f"即 `{esc(run.command('--explain', '--format', 'html'))}` 的输出；§ 链接到所引条款。"
        " What the command prints as HTML; each § links to the provision cited."
        '\n{: .answer-command data-search-exclude="true" }'
    )
    page.raw(answer_html(run.html["zh"], path, "zh-CN"))
    page.heading(2, '<span lang="en">Answer in English</span>', "answer-en")
    page.raw(answer_html(run.html["en"], path, "en"))
    page.heading(2, "JSON", "answer-json")
    lines = run.json.splitlines()
    page.para(
        f"`{esc(run.command('--format', 'json'))}` 给出同样的结论及完整的推导树（共 {len(lines)}"
        " 行），"
        f"供程序使用。 gives the same findings with their full derivation trees ({len(lines)} "
        "lines), "
        "for programs. Top-level keys 顶层字段: " + ", ".join(code(k) for k in json.loads(run.json))
    )
    page.heading(2, '案件文件 <span class="subtitle" lang="en">Case file</span>', "case-file")
    # the record itself is data, not prose: searching it found examples before the articles
    fence = "```"
    while fence in run.source:
        fence += "`"
    with page.unindexed("case-file"):
        page.extend([f'??? example "{run.path}"', ""])
        # as plain text: highlighting the record's YAML doubled the page for a block shown folded
        page.extend(["    " + line for line in [f"{fence}text", *run.source.split("\n"), fence]])
    return page.text()


_BODY = re.compile(r"<body>(.*)</body>", re.S)
_H1 = re.compile(r"<h1>.*?</h1>", re.S)
_HEADING = re.compile(r"<(/?)h([23])\b")


def answer_html(document: str, page: str, lang: str) -> str:
    """The body of the engine's HTML answer, fitted into a site page.

    The engine links each citation to the published site; here the same links point at the
    article anchors of this build, relative to the page. The answer's title repeats the page's,
    its headings move one level down, and it stays out of the search index, which should lead
    to the articles rather than to answers quoting them.
    """
    match = _BODY.search(document)
    body = match.group(1) if match else document
    body = _H1.sub("", body, count=1)
    body = _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", body)

    def local(m: re.Match) -> str:
        return f'href="{url(page, article_page(m.group(2)), m.group(3))}"'

    body = _CITE.sub(local, body)
    lines = [line for line in body.split("\n") if line.strip()]
    # <article>: the answer holds <div>s and <section>s, and the theme's search parser must see the
    # excluded element's tag nowhere inside it
    return (
        f'<article class="answer-html" lang="{lang}" data-search-exclude>'
        + "\n".join(lines)
        + "</article>"
    )


_CITE = re.compile(r'href="([^"]*?)articles/(art_\d+)/#([A-Za-z0-9_]+)"')


# ── transcripts for the hand-written engine guide (docs/guide/*.md includes them) ─────────────────


def snippet_files(ctx: SiteContext) -> dict[str, str]:
    """``_snippets/*.md``: real command output, included into the guide with ``--8<--``."""
    policy = ctx.policy
    files = {}
    validate = [w.format() for w in policy.warnings] + [render_summary(summary(policy))]
    files[f"{SNIPPETS}/validate.md"] = _console("accountability validate", "\n".join(validate))
    files[f"{SNIPPETS}/summary.md"] = _summary_table(summary(policy), policy.labels)
    files[f"{SNIPPETS}/help.md"] = _console("accountability --help", ctx.cli_help)
    if not ctx.examples:
        message = "（examples/ 中没有案件 · no case in examples/）"
        for name in ("query-zh", "query-en", "query-json", "python-api", "example-name"):
            files[f"{SNIPPETS}/{name}.md"] = message + "\n"
        return files
    run = ctx.examples[0]
    files[f"{SNIPPETS}/example-name.md"] = (
        f"[{code(run.path)}](../{example_page(run.stem)}) "
        f"({esc(run.title['zh'])} · {esc(run.title['en'])})\n"
    )
    files[f"{SNIPPETS}/query-zh.md"] = _console(run.command("--explain"), run.text["zh"])
    files[f"{SNIPPETS}/query-en.md"] = _console(
        run.command("--explain", "--lang", "en"), run.text["en"]
    )
    lines = run.json.splitlines()
    excerpt = "\n".join(lines[:JSON_EXCERPT_LINES])
    if len(lines) > JSON_EXCERPT_LINES:
        more = len(lines) - JSON_EXCERPT_LINES
        excerpt += f"\n…  ({more} more lines · 其余 {more} 行)"
    files[f"{SNIPPETS}/query-json.md"] = _console(run.command("--format", "json"), excerpt)
    files[f"{SNIPPETS}/python-api.md"] = _python_api(ctx, run)
    return files


def _console(command: str, output: str) -> str:
    body = f"$ {command}\n{output.rstrip()}"
    fence = "```"
    while fence in body:
        fence += "`"
    return f"{fence}console\n{body}\n{fence}\n"


def _python_api(ctx: SiteContext, run: ExampleRun) -> str:
    # The code shown and the calls made below are the same calls, written twice on purpose: the
    # project never executes text as code.
    source = (
        "from engine.answer import answer_case\nfrom engine.policy import load_policy\n"
        "\n"
        "policy = load_policy()  # every policy file, loaded and checked once\n"
        f'answer = answer_case(policy, "{run.path}", as_of="{run.as_of}")\n'
        'print(answer.render("en"))  # the findings; answer.explain("zh") adds the reasons\n'
        "data = answer.to_dict()  # what `accountability query --format json` "
        "prints\nprint(sorted(data))\n"
    )
    answer = answer_case(ctx.policy, ctx.project_root / run.path, as_of=run.as_of)
    output = answer.render("en") + "\n" + str(sorted(answer.to_dict())) + "\n"  # two print()s
    return f"```python\n{source}```\n\n输出 Output:\n\n```text\n{output}```\n"


def _summary_table(s: dict[str, Any], labels: dict[str, dict[str, str]]) -> str:
    edition = s["edition"]
    status = labels.get(edition["status"])
    status_words = f"{status['zh']} · {status['en']}" if status else edition["status"]
    rows = [
        ("文件 Document", f"{esc(s['title']['zh'])}（{esc(s['document_number'])}）"),
        ("发文机关 Issuer", f"{esc(s['issuer']['zh'])} · {esc(s['issuer']['en'])}"),
        (
            "版本 Edition",
            f"{esc(edition['id'])}（{esc(status_words)}；施行 effective from "
            f"{esc(edition['effective_from'] or '未知 unknown')}）",
        ),
        ("编码版本 Encoding version", code(s["encoding_version"])),
        ("条 Articles", f"{s['articles']}（计算 computed: {s['computed_articles']}）"),
        ("款项 Elements", ", ".join(f"{code(k)} {v}" for k, v in s["elements_by_kind"].items())),
        ("规则 Rules", str(s["rules"])),
        ("谓词 Predicates", ", ".join(f"{code(k)} {v}" for k, v in s["predicates"].items())),
        ("解释参数 Interpretation parameters", str(s["parameters"])),
        ("起草异常 Drafting anomalies", str(s["anomalies"])),
        ("规范化记录 Normalisations", str(s["normalisations"])),
        ("复核 Review", ", ".join(f"{code(k)} {v}" for k, v in s["review"].items())),
    ]
    out = ["| 项目 Item | 数量 Count |", "|---|---|"]
    out += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(out) + "\n"
