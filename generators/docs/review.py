"""Review status on the site: the review section of each article page, and the home page's progress.

Self-contained on purpose: each function takes the review status (engine.review.status) and returns
Markdown lines, so that any page layout can place them. A stale review is shown as such, with what
changed since, so that nobody reads a sign-off as covering an encoding it never saw.
"""

from __future__ import annotations

from typing import Any

from engine.review.status import STATE_LABELS, ArticleReview, progress
from generators.docs.markdown import both, code, esc, rel, table

PROGRESS_SNIPPET = "_snippets/review-progress.md"  # included by docs/index.md
COVERS = (
    "复核涵盖本条的全部编码：正式文本与译文，规则（Datalog、读法、说明、依据、排除关系），期限、计算事实、"
    "待认定事项与答案读法，影响本条的解释参数（选项、默认值、理由、问题），起草异常和示例。其中任何一项在复核后"
    "改动，复核即失效，`accountability validate` 报错，直至重新签署。"
    " A review covers the article's whole encoding: the official text and translation; the rules "
    "(Datalog, readings, notes, citations, displacements); the periods, computed facts, open points "
    "and answer readings; the interpretation parameters bearing on it (options, default, rationale, "
    "question); its anomalies and worked examples. Any change to these after the review makes it "
    "stale, and `accountability validate` fails until the article is signed again."
)


def state_label(status: ArticleReview) -> str:
    """The state in both languages (escaped Markdown)."""
    zh, en = STATE_LABELS[status.state]
    return both(zh, en, " ")


def changed_words(status: ArticleReview) -> str:
    """What changed since the record, in both languages (escaped Markdown), or an empty string."""
    return ", ".join(
        both(zh, en, " ")
        for zh, en in zip(status.changed_names("zh"), status.changed_names("en"), strict=True)
    )


def review_section_lines(status: ArticleReview, fingerprint_now: dict[str, Any]) -> list[str]:
    """The body of an article page's review section (the caller writes the heading)."""
    lines: list[str] = []
    if status.state == "stale":
        lines += [
            '!!! warning "复核已失效 · The review is stale"',
            "",
            f"    复核后改动了 / Changed since the review: {changed_words(status)}。"
            f" `accountability review diff {status.eid}` 显示改动及其对结论的影响 / shows the "
            "changes and what they do to outcomes.",
            "",
        ]
    signature = (
        "已签名（`accountability review verify` 核验）· signed (checked by "
        "`accountability review verify`)"
        if status.signed
        else "未签名 · not signed"
    )
    rows = [
        ["状态 Status", state_label(status)],
        ["复核人 Reviewer", esc(status.reviewer or "—")],
        ["日期 Date", esc(status.date or "—")],
        ["修订 Revision", code(status.revision[:12]) if status.revision else "—"],
        ["签名 Signature", signature if status.state != "draft" else "—"],
        ["当前指纹 Fingerprint now", code(fingerprint_now["sha256"][:16] + "…")],
    ]
    if status.changed:
        label = (
            "复核后改动 Changed since"
            if status.state == "stale"
            else "记录后改动 Changed since the record"
        )
        rows.append([label, changed_words(status)])
    lines += table(["项目 Field", "内容 Value"], rows)
    lines += ["", COVERS]
    return lines


def review_progress_markdown(statuses: list[ArticleReview], page: str, article_page) -> str:
    """The home page's review progress: n of N reviewed, and every stale article linked.

    ``page`` is the docs path of the page that includes it and ``article_page`` maps an eId to its
    page (links are relative to the including page).
    """
    p = progress(statuses)
    lines = [
        f"已复核 **{p['reviewed']} / {p['total']}** 条（其中已签名 {p['signed']} 条），"
        f"草稿 {p['draft']} 条，复核后已改动 {len(p['stale'])} 条。"
        f" **{p['reviewed']} of {p['total']}** articles reviewed ({p['signed']} signed), "
        f"{p['draft']} draft, {len(p['stale'])} stale.",
        "",
    ]
    by_eid = {s.eid: s for s in statuses}
    if p["stale"]:
        lines.append("复核后已改动，须重新签署 · Stale, to be signed again:")
        lines.append("")
        for eid in p["stale"]:
            s = by_eid[eid]
            link = rel(page, article_page(eid), "review")
            lines.append(
                f"- [{esc(s.heading['zh'])} {esc(s.title['zh'])}]({link}) — "
                f"{esc(s.reviewer or '')} {esc(s.date or '')}: {changed_words(s)}"
            )
        lines.append("")
    lines.append(
        "每条的复核记录见其页面末尾；`accountability review status` 给出同样的信息。"
        " Each article page ends with its review record; `accountability review status` prints "
        "the same."
    )
    return "\n".join(lines) + "\n"
