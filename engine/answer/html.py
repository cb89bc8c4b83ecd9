"""The answer as one self-contained HTML page: no script, no external resource, reasons collapsible,
every citation linked to the article's anchor on the documentation site."""

from __future__ import annotations

from html import escape

from engine.answer.report import Line, Report
from engine.policy.citation import EID_PATTERN

STYLE = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","Songti SC",serif;max-width:52rem;
margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1f2937}
h1{font-size:1.4rem}h2{font-size:1.15rem;border-bottom:1px solid #d1d5db;margin-top:1.6rem}
h3{font-size:1rem;margin:.8rem 0 .2rem}.basis{color:#4b5563;font-size:.9rem}
.finding{margin:.15rem 0}.d1{margin-left:1.5rem;color:#374151}.d2{margin-left:3rem;color:#4b5563}
.d3,.d4,.d5,.d6{margin-left:4.5rem;color:#6b7280}details{margin:.2rem 0 .2rem 1.5rem}
summary{cursor:pointer;color:#4b5563}a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}
.notes{font-size:.95rem}.none{color:#6b7280}
"""


def render_html(report: Report, policy) -> str:
    site = policy_site(policy)
    lang_attr = "zh-CN" if report.lang == "zh" else "en"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang_attr}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        *(f'<p class="basis">{escape(line)}</p>' for line in report.basis),
    ]
    for section in report.sections:
        out.append(f'<section id="{section.key}"><h2>{escape(section.title)}</h2>')
        if section.note:
            out.append(f'<p class="basis">{escape(section.note)}</p>')
        if not section.blocks:
            out.append(f'<p class="none">{"无" if report.lang == "zh" else "none"}</p>')
        for block in section.blocks:
            out.append('<div class="block">')
            if block.heading:
                out.append(f"<h3>{escape(block.heading)}</h3>")
            out += _lines(block.lines, site)
            out.append("</div>")
        out.append("</section>")
    for key, title, lines in (
        (
            "notes",
            "决定结论的解释" if report.lang == "zh" else "Readings that decided a finding",
            report.notes,
        ),
        (
            "other-readings",
            "所依据的其他解释" if report.lang == "zh" else "Other readings relied on",
            report.other_readings,
        ),
    ):
        if lines:
            out.append(f'<section id="{key}" class="notes"><h2>{escape(title)}</h2>')
            out += [f"<p>{_linked(line, site)}</p>" for line in lines]
            out.append("</section>")
    if report.what_if:
        title = "何种改变会改变结论" if report.lang == "zh" else "What would change a finding"
        out.append(f'<section id="what-if"><h2>{escape(title)}</h2>')
        for block in report.what_if:
            out.append(f"<h3>{escape(block.heading or '')}</h3>")
            out += [f'<p class="d1">{_linked(line, site)}</p>' for line in block.lines]
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _lines(lines: list[Line], site: str) -> list[str]:
    """Findings as paragraphs; their facts and reasons folded under them (open on request)."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            label = "理由与事实 · reasons and facts"
            out.append(f"<details><summary>{label}</summary>{''.join(pending)}</details>")
            pending.clear()

    for line in lines:
        html = f'<p class="finding d{line.depth}">{_linked(line, site)}</p>'
        if line.depth == 0:
            flush()
            out.append(html)
        else:
            pending.append(html)
    flush()
    return out


def _linked(line: Line, site: str) -> str:
    """The line's text, followed by a link to each provision it cites."""
    links = " ".join(
        f'<a href="{escape(article_url(site, eid))}" class="cite" data-eid="{eid}">§</a>'
        for eid in line.cites
        if EID_PATTERN.match(eid)
    )
    return escape(line.text) + (f" {links}" if links else "")


def policy_site(policy) -> str:
    """The documentation site the links point to (the published one; mkdocs.yml site_url)."""
    return policy.instrument.get("site", "https://wenshui-accountability.readthedocs.io/")


def article_url(site: str, eid: str) -> str:
    article = eid.split("__")[0]
    return f"{site}articles/{article}/#{eid}"
