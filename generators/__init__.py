"""Everything produced from the one loaded Policy: the documentation site (``generators.docs``) and
the test fixtures (``generators.fixtures``). Generators read the Policy object only, never the YAML
files, so that what the site and the fixtures say is exactly what the engine evaluates."""
