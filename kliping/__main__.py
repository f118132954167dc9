"""``python -m kliping``: the same as the ``kliping`` command."""

from kliping.cli import run

if __name__ == "__main__":
    run()
