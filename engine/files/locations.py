"""Where the project's files are: the schemas and the policy folder the engine reads by default."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO_ROOT / "schema"
DEFAULT_POLICY_DIR = REPO_ROOT / "policy" / "wenshui-mca-2023-25"
