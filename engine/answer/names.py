"""How things are named to people: eIds as legal citations, people by name, values in both languages.

Rules and facts use stable ids (an eId, a person id such as ``wang_jianguo``); a legal officer reads
"第十一条第（三）项" and "王建国". Every piece of text the answer shows goes through here, so the two
stay consistent across the CLI, the JSON and the documentation site. The names of values (承办人,
回避 …) are the policy's (vocabulary labels), never the engine's.
"""

from __future__ import annotations

import re

from engine.policy.citation import EID_PATTERN, eid_label

PLACEHOLDER = re.compile(r"\{([A-Z][A-Za-z0-9_]*)\}")


class Namer:
    """Display names for one case: people by name, acts by description, eIds and values by label."""

    def __init__(self, case: dict, labels: dict[str, dict[str, str]]):
        self.people = {p["id"]: p["name"] for p in case.get("people", [])}
        self.posts = {p["id"]: p["name"] for p in case.get("posts", [])}
        self.acts = {a["id"]: a.get("description") for a in case.get("acts", [])}
        self.labels = labels

    def value(self, value: object, lang: str) -> str:
        if isinstance(value, int):
            return str(value)
        text = str(value)
        if text in self.people:
            return self.people[text]
        if text in self.posts:
            return self.posts[text]
        if EID_PATTERN.match(text):
            return eid_label(text, lang)
        return self.label(text, lang)

    def label(self, value: str, lang: str) -> str:
        """A value of a vocabulary domain by its label (as written when it has none)."""
        names = self.labels.get(value)
        return names[lang] if names else value

    def person(self, pid: str) -> str:
        return self.people.get(pid, pid)

    def argument(self, value: object, domain: str | None, lang: str) -> str:
        """A predicate argument named by its domain: an act by its id, a person by name, an eId as a
        citation, a value by its label."""
        if domain == "act":
            return str(value)
        if domain == "person":
            return self.person(str(value))
        if domain == "eid":
            return eid_label(str(value), lang)
        return self.value(value, lang)

    def fill(self, template: str, bindings: dict, lang: str) -> str:
        """A rule's reading with its variables replaced by display names."""

        def sub(m: re.Match) -> str:
            name = m.group(1)
            return self.value(bindings[name], lang) if name in bindings else m.group(0)

        return PLACEHOLDER.sub(sub, template)

    def fill_arguments(
        self, template: str, bindings: dict, domains: dict[str, str | None], lang: str
    ) -> str:
        """A text with its {Name}s replaced by arguments named by their domains."""

        def sub(m: re.Match) -> str:
            name = m.group(1)
            if name not in bindings:
                return m.group(0)
            return self.argument(bindings[name], domains.get(name), lang)

        return PLACEHOLDER.sub(sub, template)
