"""`python -m directory.cli`: the directory's operator commands (entrypoints/cli.py), by the shorter name."""
from directory.entrypoints.cli import main

if __name__ == "__main__":
    main()
