"""``python -m planner`` runs the command line."""

from planner.cli import app

if __name__ == "__main__":
    app(prog_name="planner")
