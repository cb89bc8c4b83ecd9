"""How things are named to people: eIds as legal citations, people by name, values in both languages.

Rules and facts use stable ids (``art_11__point_3``, ``wang_jianguo``); a legal officer reads
"第十一条第（三）项" and "王建国". Every piece of text the answer shows goes through here, so the two
stay consistent across the CLI, the JSON and the documentation site.
"""

from __future__ import annotations

import re

from engine.policy.citation import EID_PATTERN, eid_label

VALUE_LABELS: dict[str, tuple[str, str]] = {
    "handler": ("承办人", "handler"),
    "reviewer": ("审核人", "reviewer"),
    "approver": ("批准人", "approver"),
    "intent": ("故意", "intent"),
    "gross_negligence": ("重大过失", "gross negligence"),
    "negligence": ("一般过失", "negligence"),
    "for": ("赞成", "for"),
    "against": ("反对", "against"),
    "abstain": ("弃权", "abstained"),
    "absent": ("缺席", "absent"),
    "responsible": ("行政过错责任人", "the person responsible"),
    "graded": ("按责任和过错大小承担相应责任", "responsible, graded by fault"),
    "direct": ("直接责任", "direct responsibility"),
    "primary": ("主要责任人", "primary responsibility"),
    "secondary": ("次要责任人", "secondary responsibility"),
    "by_post": ("按岗位责任确定的责任人", "responsible by post"),
    "lesser": ("较轻责任（替代解释）", "lesser responsibility (alternative reading)"),
    "lighter": ("从轻", "lighter treatment"),
    "mitigated": ("减轻", "mitigation below the range"),
    "exempted": ("免于追究", "exemption from sanction"),
    "judicial": ("提请司法机关追究刑事责任", "referral to the judicial organs"),
    "compensation_recovery": ("行政赔偿追偿", "recovery of administrative compensation"),
    "discipline": (
        "按有关规定办理党纪政纪处分",
        "Party or government discipline under the relevant rules",
    ),
    "initial_review": ("初步审查（第十五条，5日）", "initial review (Art. 15, 5 days)"),
    "investigation": ("调查（第十五条，30日）", "investigation (Art. 15, 30 days)"),
    "appeal": ("申诉（第十九条，30日）", "appeal (Art. 19, 30 days)"),
    "met": ("按期完成", "met"),
    "overdue": ("超期", "overdue"),
    "running": ("期限未届满", "running"),
    "exceeded_normal_limit": ("超出一般期限", "exceeded the normal limit"),
    "expired": ("期限届满未申诉", "expired without an appeal"),
    "party": ("当事人本人", "the party themself"),
    "spouse": ("配偶", "spouse"),
    "parent": ("父母", "parent"),
    "child": ("子女", "child"),
    "sibling": ("兄弟姐妹", "sibling"),
    "grandparent": ("祖父母、外祖父母", "grandparent"),
    "grandchild": ("孙子女、外孙子女", "grandchild"),
    "lineal": ("直系血亲", "lineal blood relative"),
    "collateral_within_three_generations": (
        "三代以内旁系血亲",
        "collateral blood relative within three generations",
    ),
    "spouse_parent": ("配偶的父母", "spouse's parent"),
    "spouse_sibling": ("配偶的兄弟姐妹", "spouse's sibling"),
    "spouse_sibling_spouse": ("配偶的兄弟姐妹的配偶", "spouse of a spouse's sibling"),
    "child_spouse": ("子女的配偶", "child's spouse"),
    "child_spouse_parent": ("子女配偶的父母", "parent of a child's spouse"),
    "collateral_relative_spouse": (
        "三代以内旁系血亲的配偶",
        "spouse of a collateral relative within three generations",
    ),
    "reverse_relative": (
        "当事人在其亲属范围内（反向）",
        "the party is within their relatives (reverse direction)",
    ),
    "distant_relative": ("公务员法范围外的血亲", "blood relative beyond the Art. 74 set"),
    "complainant": ("举报人、控告人", "complainant"),
    "witness": ("证人", "witness"),
    "same_chain": ("同一办案链条", "same handling chain"),
    "superior": ("直接上级", "direct superior"),
    "subordinate": ("直接下级", "direct subordinate"),
    "money_tie": ("经济往来", "money ties"),
    "business_tie": ("业务或经营往来", "business ties"),
    "former_spouse": ("前配偶", "former spouse"),
    "enmity": ("公开的仇怨", "declared enmity"),
    "close_friendship": ("密切的私人友谊", "close friendship"),
    "refused_to_correct": ("拒不改正", "refused to correct"),
    "obstructed_investigation": ("阻挠行政过错追究", "obstructed the investigation"),
    "retaliation": ("打击报复", "retaliation"),
    "abuse_of_power": ("滥用职权", "abuse of power"),
    "dereliction_of_duty": ("玩忽职守", "dereliction of duty"),
    "favoritism": ("徇私舞弊", "favouritism"),
    "bribery": ("受贿", "bribery"),
    "serious_harm": ("给他人造成严重损害", "serious harm to others"),
    "bad_influence_on_unit": ("给本单位造成不良影响", "bad influence on the bureau"),
    "admitted_and_corrected": ("主动承认并及时纠正", "admitted and corrected in time"),
    "minor": ("情节轻微", "minor"),
    "promptly_corrected_and_remedied": ("迅速主动纠正、补救", "promptly corrected and remedied"),
    "discovered": ("及时发现", "discovered in time"),
    "post_holder": ("岗位责任人", "holder of the post"),
    "instructing_leader": ("作出指令的领导", "instructing leader"),
    "instructed_subordinate": ("执行指令的下属", "instructed subordinate"),
    "decision_maker": ("决策人", "decision maker"),
    "vote_for": ("赞成", "voted for"),
    "vote_against": ("反对", "voted against"),
    "vote_abstain": ("弃权", "abstained"),
    "vote_absent": ("缺席", "absent"),
    "involved": ("经办人员", "involved"),
    "support": ("有扶养关系的人", "person with a support relation"),
    "stopped": ("及时制止", "stopped in time"),
    "corrected": ("及时纠正", "corrected in time"),
}


class Namer:
    """Display names for one case: people by name, acts by description, eIds and values by label."""

    def __init__(self, case: dict):
        self.people = {p["id"]: p["name"] for p in case.get("people", [])}
        self.posts = {p["id"]: p["name"] for p in case.get("posts", [])}
        self.acts = {a["id"]: a.get("description") for a in case.get("acts", [])}

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
        if text in VALUE_LABELS:
            return VALUE_LABELS[text][0 if lang == "zh" else 1]
        return text

    def person(self, pid: str) -> str:
        return self.people.get(pid, pid)

    def fill(self, template: str, bindings: dict, lang: str) -> str:
        """A rule's reading with its variables replaced by display names."""

        def sub(m: re.Match) -> str:
            name = m.group(1)
            return self.value(bindings[name], lang) if name in bindings else m.group(0)

        return re.sub(r"\{([A-Z][A-Za-z0-9_]*)\}", sub, template)
