"""What is encoded, in numbers a reviewer can check against the source at a glance."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from engine.files.project import display_path

if TYPE_CHECKING:
    from engine.policy.model import Policy


def summary(policy: Policy) -> dict:
    """What is encoded, in numbers a reviewer can check against the source at a glance."""
    elements = [e for a in policy.articles for e in a["elements"]]
    vocabulary = policy.vocabulary["predicates"]
    edition = policy.instrument["editions"][-1]
    return {
        "instrument": policy.id,
        "title": policy.instrument["title"],
        "document_number": policy.instrument["document_number"],
        "issuer": policy.instrument["issuer"],
        "edition": {
            "id": edition["id"],
            "effective_from": edition["effective_from"],
            "status": edition["status"],
            # the status in words, as the vocabulary names it (the raw value where it has no name)
            "status_label": policy.labels.get(
                edition["status"], {"zh": edition["status"], "en": edition["status"]}
            ),
        },
        "encoding_version": policy.version,
        "policy_dir": display_path(policy.root),
        "fingerprint": policy.fingerprint,
        "articles": len(policy.articles),
        "articles_by_kind": dict(sorted(Counter(a["kind"] for a in policy.articles).items())),
        "computed_articles": sum(1 for a in policy.articles if a["computed"]),
        "elements_by_kind": dict(sorted(Counter(e["kind"] for e in elements).items())),
        "rules": len(policy.rules),
        "anomalies": sum(len(a["anomalies"]) for a in policy.articles)
        + len(policy.instrument["anomalies"]),
        "normalisations": len(policy.normalisation["entries"]),
        "parameters": len(policy.parameters["parameters"]),
        "predicates": dict(sorted(Counter(p["kind"] for p in vocabulary).items())),
        "review": dict(sorted(Counter(a["review"]["status"] for a in policy.articles).items())),
        "warnings": len(policy.warnings),
    }


def render_summary(s: dict) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in s["articles_by_kind"].items())
    elements = ", ".join(f"{k} {v}" for k, v in s["elements_by_kind"].items())
    predicates = ", ".join(f"{k} {v}" for k, v in s["predicates"].items())
    review = ", ".join(f"{k} {v}" for k, v in s["review"].items())
    edition = s["edition"]
    effective = edition["effective_from"] or "未知 unknown"
    lines = [
        f"✓ 政策有效 / policy valid: {s['title']['zh']} ({s['document_number']})",
        f"  {s['title']['en']}",
        f"  发文机关 issuer: {s['issuer']['zh']} / {s['issuer']['en']}",
        f"  政策目录 policy folder: {s['policy_dir']} (fingerprint {s['fingerprint'][:12]}…)",
        f"  版本 edition {edition['id']} ({edition['status_label']['zh']} / "
        f"{edition['status_label']['en']}, effective from {effective}); "
        f"编码版本 encoding v{s['encoding_version']}",
        f"  条 articles: {s['articles']} ({kinds}); computed: {s['computed_articles']}",
        f"  要素 elements: {elements}",
        f"  规则 rules: {s['rules']}; 谓词 predicates: {predicates}",
        f"  解释参数 interpretation parameters: {s['parameters']}; 起草异常 anomalies flagged: {s['anomalies']}",
        f"  规范化记录 normalisations logged: {s['normalisations']} (source round trip OK)",
        f"  复核 review: {review}; 警告 warnings: {s['warnings']}",
    ]
    return "\n".join(lines)
