"""``python -m webex_emergency``: the ``webex-emergency`` command."""
from ._cli import run

if __name__ == "__main__":
    run()
