"""Answering a case: evaluation under the policy, the answer's sections, its text."""
