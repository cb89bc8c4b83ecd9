"""What each variable of a rule's reading stands for, written once for the whole site.

A reading marks its variables with the domain they range over (``<var data-domain=person>P</var>``);
this module writes ``javascripts/variables.js`` with each domain's description from the vocabulary,
and ``site.js`` shows it as the variable's tooltip in the language of the reading around it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.policy.model import Policy

SCRIPT = "javascripts/variables.js"


def variables_script(policy: Policy) -> str:
    """The domains' descriptions, Chinese and English, as a script that defines them."""
    described = {}
    for domain in sorted(policy.domain_index):
        text = policy.domain_description(domain)
        if text:
            described[domain] = {lang: text[lang] for lang in sorted(text)}
    data = json.dumps(described, ensure_ascii=False, indent=1, sort_keys=True)
    return (
        "/* Generated from the vocabulary's domains (generators/docs/variables.py): what a variable\n"
        "   of a rule's reading stands for, by the domain it ranges over. */\n"
        f"window.VARIABLE_DOMAINS = {data};\n"
    )


__all__ = ["SCRIPT", "variables_script"]
