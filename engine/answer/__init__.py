"""Answering a case: evaluation under the policy, the answer's sections, its text."""

from engine.answer.build import Answer, answer_case, answer_cases

__all__ = ["Answer", "answer_case", "answer_cases"]
