"""The case generator: for every rule a minimal case file that makes it fire, and for every
condition of its body a variant where that condition fails.

Modules, in the order data flows: ``domain`` (the values tried), ``solver`` (abduction over the
rules), ``realise`` (a solution as a checked case file), ``per_rule`` (the cases of one rule and
their variants), ``naming`` (ids and sentences), ``from_facts`` (facts → case file).

Why: an authored example shows one reading of a provision; these show, rule by rule, that each
condition of the encoding matters (without it the conclusion is lost) or that it does not (the
conclusion still follows through another rule, and the sentence says so). A rule that no case
file can make fire is a finding about the rules.

How (abduction). The rule's body is solved goal by goal, most constrained goal first:
* a condition on a fact of the case becomes a fact, its unknowns filled with fresh constants
  (people p1, p2, acts a1 ...) or values from the case schema's enumerations and a short ladder
  of dates, in a fixed order (so generation is deterministic);
* a condition on a conclusion is reused when already established, else derived through the rules
  concluding it (depth-bounded; each rule offers back only its first few solutions, which keeps
  the search from exploding);
* an interpretation parameter is read, or overridden when the rule needs another reading;
* a negated condition must not already follow (a small memoised top-down prover over the facts
  chosen so far) and bars the facts that would make it true.
Each candidate is written as a real case file (``generators.cases.from_facts``), with procedure dates,
``fault_date`` and ``as_of`` chosen so that the facts the engine computes (``due``, ``done``,
``today``, the start of a look-back window) are the ones wanted; it is checked as any case file is
(``engine.case.load``) and evaluated as ``engine.answer.query`` evaluates; only a candidate under
which every condition is verified in the engine's own model is kept. A blocked condition is
repaired where that is possible without touching what the others need (another reading of a
parameter nothing relied on, a default fact left out, a blocking negated conclusion made true).

Variants re-solve the rule with its variables pinned to the fires case's values and with that
case's parameter readings: a positive condition is left out (its fact barred), a comparison is
reversed (one of its variables re-chosen), a negated condition is made true by abduction. A
variant where other conditions had to fail too is kept only when no cleaner one is found, and its
sentence says so.
"""
