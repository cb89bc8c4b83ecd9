"""The case generator: minimal case files that make a rule fire, or one of its conditions fail."""
