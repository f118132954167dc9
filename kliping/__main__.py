"""``python -m kliping``: the same as the ``kliping`` command."""

from kliping.cli import main

if __name__ == "__main__":
    main()
