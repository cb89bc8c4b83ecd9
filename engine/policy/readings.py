"""Values in the policy files that depend on an interpretation parameter.

The article files say, for instance, that the investigation period is a normal limit when
``art15_investigation_limit_nature`` is ``soft_target``, or which forms are referrals under
``art13_point5_nature``. They write it as ``{parameter: ID}`` (the parameter's own value) or
``{parameter: ID, values: {VALUE: RESULT, …}, otherwise: RESULT}``; anything else is a literal.
Keeping these in the policy lets a legal officer read every such choice where the law is encoded.
"""

from __future__ import annotations

from typing import Any


def is_reading(spec: Any) -> bool:
    return isinstance(spec, dict) and isinstance(spec.get("parameter"), str)


def reading(spec: Any, values: dict[str, Any]) -> Any:
    """The value ``spec`` gives under the parameter values ``values``."""
    if not is_reading(spec):
        return spec
    value = values[spec["parameter"]]
    if "values" not in spec:
        return value
    options = spec["values"]
    if value in options:
        return options[value]
    return options.get(str(value), spec.get("otherwise"))


def parameters_named(spec: Any) -> list[str]:
    """The parameter a value depends on, if any (as a list, to extend lists of readings with)."""
    return [spec["parameter"]] if is_reading(spec) else []


def parameters_mentioned(value: Any) -> set[str]:
    """Every parameter a policy structure reads: in readings, ``relies_on`` lists, ``when`` tests
    and the instrument's named parameters (periods, windows, answer sections, open points …)."""
    found: set[str] = set()
    if isinstance(value, dict):
        if is_reading(value):
            found.add(value["parameter"])
        for key, item in value.items():
            if key in ("relies_on", "late_relies_on") and isinstance(item, list):
                found.update(str(x) for x in item)
            elif key == "parameter" and isinstance(item, dict):  # when: {parameter: {id: value}}
                found.update(item)
            elif key.endswith("_parameter") and isinstance(item, str):
                found.add(item)
            else:
                found |= parameters_mentioned(item)
    elif isinstance(value, list):
        for item in value:
            found |= parameters_mentioned(item)
    return found
