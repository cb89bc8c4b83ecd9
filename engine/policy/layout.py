"""Which file of a policy folder holds what: one file per kind, one file per article."""

from __future__ import annotations

# file kind → file name inside the policy folder (articles are found through instrument.yaml)
SINGLE_FILES = {
    "instrument": "instrument.yaml",
    "vocabulary": "vocabulary.yaml",
    "parameters": "parameters.yaml",
    "normalisation": "normalisation.yaml",
    "presentation": "presentation.yaml",
}


def article_file(eid: str) -> str:
    """Article N → ``articles/art_NN.yaml``, zero-padded so that files sort in legal order."""
    return f"articles/art_{int(eid.split('_')[1]):02d}.yaml"
