"""How things are named to people: eIds as legal citations, people by name, values in both languages.

Rules and facts use stable ids (an eId, a person id such as ``wang_jianguo``); a legal officer reads
"第十一条第（三）项" and "王建国". Every piece of text the answer shows goes through here, so the two
stay consistent across the CLI, the JSON and the documentation site. The names of values (承办人,
回避 …) are the policy's (vocabulary labels), never the engine's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from engine.policy.citation import EID_PATTERN, eid_label

PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")


@functools.lru_cache(maxsize=4096)
def _template_pieces(template: str) -> tuple[str, ...]:
    """A template split once into text and placeholder names, alternating (text first): an answer
    fills the same few hundred readings thousands of times."""
    return tuple(PLACEHOLDER.split(template))


def fill_template(template: str, word: Callable[[str], str | None]) -> str:
    """``template`` with each ``{Name}`` replaced by ``word(Name)``, kept as written where that is
    None."""
    pieces = _template_pieces(template)
    out = [pieces[0]]
    for k in range(1, len(pieces), 2):
        name = pieces[k]
        text = word(name)
        out.append(f"{{{name}}}" if text is None else text)
        out.append(pieces[k + 1])
    return "".join(out)


class Namer:
    """Display names for one case: people by name, acts by description, eIds as citations, values by
    label — never a raw id where a person reads."""

    def __init__(
        self,
        case: dict,
        labels: dict[str, dict[str, str]],
        whole_article: frozenset[str] = frozenset(),
    ):
        self.people = {p["id"]: p["name"] for p in case.get("people", [])}
        self.posts = {p["id"]: p["name"] for p in case.get("posts", [])}
        self.acts = {a["id"]: a.get("description") or {} for a in case.get("acts", [])}
        self.decisions = {
            a["collective_decision"]["id"]: a["id"]
            for a in case.get("acts", [])
            if isinstance(a.get("collective_decision"), dict)
        }
        self.earlier = {
            f.get("id", f"earlier_fault_{n}"): f
            for n, f in enumerate(case.get("earlier_faults", []), start=1)
            if isinstance(f, dict)
        }
        self.labels = labels
        self.whole_article = whole_article
        self.focus: str | None = None  # the act a block of text is about, named "the act" in it
        # (value, language) → its name, for the values whose name does not depend on ``focus``:
        # an answer names the same people and clauses hundreds of times
        self._named: dict[tuple[str, str], str] = {}

    @classmethod
    def for_policy(cls, case: dict, policy) -> Namer:
        return cls(case, policy.labels, policy.whole_article_paragraphs)

    def value(self, value: object, lang: str) -> str:
        if isinstance(value, bool):
            return self.label("yes" if value else "no", lang)
        if isinstance(value, int):
            return str(value)
        text = str(value)
        named = self._named.get((text, lang))
        if named is not None:
            return named
        if text in self.people:
            named = self.people[text]
        elif text in self.posts:
            named = self.posts[text]
        elif text in self.acts:
            return self.act(text, lang)  # reads "the act" in a block about it: not remembered
        elif text in self.decisions:
            return self.decision(text, lang)  # names its act: the same
        elif text in self.earlier:
            named = self.earlier_fault(text, lang)
        elif EID_PATTERN.match(text):
            named = self.cite(text, lang)
        else:
            named = self.label(text, lang)
        self._named[(text, lang)] = named
        return named

    def cite(self, eid: str, lang: str) -> str:
        return eid_label(eid, lang, whole_article=eid in self.whole_article)

    def act(self, aid: str, lang: str) -> str:
        """An act by its description, in quotation marks (its id when it has none); the act a
        block is about reads "该行为" / "the act"."""
        if aid == self.focus:
            return "该行为" if lang == "zh" else "the act"
        description = self.acts.get(aid) or {}
        if isinstance(description, str):  # a case may describe an act in one language only
            description = {"zh": description, "en": description}
        text = description.get(lang) or aid
        return f"“{text}”"

    def decision(self, did: str, lang: str) -> str:
        """A collective decision by the act it decided."""
        act = self.decisions.get(did)
        if act is None:
            return did
        return (
            f"就{self.act(act, 'zh')}的集体讨论"
            if lang == "zh"
            else (f"the collective discussion on {self.act(act, 'en')}")
        )

    def earlier_fault(self, fid: str, lang: str) -> str:
        """An earlier fault of the record by its person and date (the record gives it no name)."""
        fault = self.earlier[fid]
        if isinstance(fault.get("basis"), str):  # the decision that established it, 文民处[2022]7号
            return fault["basis"]
        number = list(self.earlier).index(fid) + 1
        return (
            f"记录的此前第{number}项过错"
            if lang == "zh"
            else f"earlier fault no. {number} on record"
        )

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
            return self.act(str(value), lang)
        if domain == "person" and str(value) in self.people:
            return self.person(str(value))
        if domain == "eid":
            return self.cite(str(value), lang)
        return self.value(value, lang)

    def fill(self, template: str, bindings: dict, lang: str) -> str:
        """A rule's reading with its variables replaced by display names."""

        return fill_template(
            template, lambda name: self.value(bindings[name], lang) if name in bindings else None
        )

    def fill_arguments(
        self, template: str, bindings: dict, domains: dict[str, str | None], lang: str
    ) -> str:
        """A text with its {Name}s replaced by arguments named by their domains."""

        return fill_template(
            template,
            lambda name: (
                self.argument(bindings[name], domains.get(name), lang) if name in bindings else None
            ),
        )


def parameter_value_words(param: dict, value: object, lang: str, namer: Namer) -> str:
    """A parameter's value in words: its option's label, yes or no, a list of named members."""
    for option in param.get("options", []):
        if option["value"] == value:
            return option["label"][lang]
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, list):
        members = [namer.value(v, lang) for v in value]
        return ("、" if lang == "zh" else ", ").join(members) or ("无" if lang == "zh" else "none")
    if value is None:
        return "无" if lang == "zh" else "none"
    return str(value)


def fact_text(policy, namer: Namer, predicate: str, args: tuple, lang: str) -> str:
    """One fact of the record in words: the vocabulary's reading of its predicate with the arguments
    named by their domains (its description and the arguments when it has no reading)."""
    declared = policy.predicate_index.get(predicate)
    if declared is None:
        return f"{predicate}({', '.join(map(str, args))})"
    names, domains = policy.argument_names[predicate]
    bindings = dict(zip(names, args, strict=False))
    if "reads" in declared:
        return namer.fill_arguments(declared["reads"][lang], bindings, domains, lang)
    shown = ("、" if lang == "zh" else ", ").join(
        namer.argument(v, domains.get(n), lang) for n, v in bindings.items()
    )
    sep = "：" if lang == "zh" else ": "
    return f"{declared['description'][lang]}{sep}{shown}"
