"""The policy: loading and checking the instrument's files, compiling its rules, editions and versions."""

from engine.policy.load import Policy, load_policy, read_policy

__all__ = ["Policy", "load_policy", "read_policy"]
