"""The ``course`` command: ``course init``, ``course content check``, ``course users …``.

It is Flask's command line on an application built for commands: one that starts without a
secret key (``init`` writes it) and without loading the course files (``content check``
reports on them, broken or not). ``flask --app course`` offers the same commands on the
application a server would build, and so refuses to start where a server would.
"""

from __future__ import annotations

import gc
from typing import Any

from flask import Flask
from flask.cli import FlaskGroup, routes_command, shell_command

from . import create_app


def create_command_app() -> Flask:
    """The application the ``course`` command works on."""
    return create_app(load_content=False, require_secret_key=False)


class CommandGroup(FlaskGroup):
    """Flask's command group, run as a process of its own that exits when the command ends."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Everything imported so far (thousands of classes and functions, ~150,000 objects)
        # lives until the process exits: the collector need not go through it again in each
        # full collection, nor take it apart at exit, which took a third of a second.
        gc.freeze()
        return super().main(*args, **kwargs)


main = CommandGroup(
    name="course",
    create_app=create_command_app,
    help="Prepare and look after an installation of the course server.",
    # No `run`: a development server is `flask --app course run --debug`, which checks
    # everything a server must.
    add_default_commands=False,
)
main.add_command(shell_command)
main.add_command(routes_command)


if __name__ == "__main__":
    main()
