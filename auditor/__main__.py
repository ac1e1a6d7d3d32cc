"""`python -m auditor` runs the command-line interface."""

from auditor.cli import main

if __name__ == "__main__":
    main()
