"""YAML -> validated Scenario: schema, loading with positions, `extends:`, `--set`, estimative words."""
