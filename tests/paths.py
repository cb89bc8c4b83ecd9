"""Where the tests find the project's files: the checkout they belong to."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICY_DIR = ROOT / "policy" / "wenshui-mca-2023-25"
EXAMPLES_DIR = ROOT / "examples"
FIXTURES_DIR = ROOT / "tests" / "fixtures"
SCHEMA_DIR = ROOT / "schema"
