"""Plain helpers the test suites import (`pythonpath = ["tests"]` in pyproject.toml)."""
