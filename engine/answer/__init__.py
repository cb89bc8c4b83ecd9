"""Answering a case: evaluation under the policy, the answer's sections, its text."""

from engine.answer.build import Answer, answer_case

__all__ = ["Answer", "answer_case"]
