"""Reading input files safely: YAML without surprises, JSON Schema validation, located problems."""
