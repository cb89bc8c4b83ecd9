"""A case file: reading and checking it, and turning it into the input facts of the rules."""
