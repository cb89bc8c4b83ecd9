"""The answer as plain text, for a terminal: the report of engine.answer.report, line by line."""

from __future__ import annotations

from engine.answer.report import Report

INDENT = "  "


def render_text(report: Report) -> str:
    out = [report.title, *report.basis]
    empty = [s.title for s in report.sections if not s.blocks]
    if empty:  # the sections with nothing to report, named once under the header
        out.append(
            ("以下各部分无内容：" if report.lang == "zh" else "Nothing to report under: ")
            + ("；" if report.lang == "zh" else "; ").join(empty)
        )
    for section in report.sections:
        if not section.blocks:
            continue
        out.append("")
        sep = "：" if report.lang == "zh" else ": "
        out.append(section.title + (f"{sep}{section.note}" if section.note else ""))
        for block in section.blocks:
            depth = 1
            if block.heading:
                out.append(INDENT + block.heading)
                depth = 2
            for line in block.lines:
                out.append(INDENT * (depth + line.depth) + line.text)
    if report.notes:
        out.append("")
        out.append("决定结论的解释" if report.lang == "zh" else "Readings that decided a finding")
        out += [INDENT + line.text for line in report.notes]
    if report.what_if:
        out.append("")
        out.append("何种改变会改变结论" if report.lang == "zh" else "What would change a finding")
        for block in report.what_if:
            out.append(INDENT + (block.heading or ""))
            out += [INDENT * (1 + line.depth) + line.text for line in block.lines]
    if report.other_readings:
        out.append("")
        title = "所依据的其他解释：" if report.lang == "zh" else "Other readings relied on: "
        out.append(title + " ".join(line.text for line in report.other_readings))
    return "\n".join(out) + "\n"
