"""The answer's sections, one module per group: each a function of the AnswerContext."""
