"""The `ccpa` command: parse, call the domain code, print.

Bad input: one line, exit status 2. A bug: one line naming the command and the log file that holds
the traceback (see `pipelines.crash_log`), exit status 70. Each command's module imports what it
needs when it runs, so `ccpa stores` or `ccpa --help` never loads the analyzer.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, cast

from connectors import EstateError, StoreError
from mappings import MappingError
from pipelines import console
from pipelines.commands import access, coverage, delete, demo, request, scan, stores
from pipelines.errors import InputError
from pipelines.output import OutputError

USER_ERRORS = (EstateError, StoreError, OutputError, MappingError, InputError)
EXIT_INPUT, EXIT_BUG, EXIT_INTERRUPTED = 2, 70, 130
# An OSError with one of these, on a file the command names, is the machine's state, not a bug.
_ENVIRONMENT = {
    errno.EACCES,
    errno.EPERM,
    errno.EROFS,
    errno.ENOSPC,
    errno.EDQUOT,
    errno.ENOTDIR,
    errno.EISDIR,
}


class CommandParser(argparse.ArgumentParser):
    """Usage errors as one line (`ccpa: error: ccpa scan: argument --sample: ...`), exit status 2."""

    def error(self, message: str) -> NoReturn:
        console.fail(f"{self.prog}: {message} (see `{self.prog} --help`)")
        sys.exit(EXIT_INPUT)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as done:  # --help (0) or a usage error (2, its line already printed)
        return done.code if isinstance(done.code, int) else EXIT_INPUT
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
    except USER_ERRORS as err:
        console.fail(str(err))
        return EXIT_INPUT
    except KeyboardInterrupt:
        console.fail("interrupted; nothing was committed")
        return EXIT_INTERRUPTED
    except OSError as err:
        if err.errno not in _ENVIRONMENT or not err.filename:
            return _bug(args.command_name, err)
        console.fail(f"{err.filename}: {err.strerror}")
        return EXIT_INPUT
    except Exception as err:
        return _bug(args.command_name, err)


def _bug(command: str, err: BaseException) -> int:
    from pipelines.crash_log import write_crash_log

    try:
        where = f"the traceback is in {write_crash_log(command, err)}"
    except OSError as failed:
        where = f"no log could be written ({failed.strerror})"
    console.fail(f"`ccpa {command}` failed on an unexpected error ({type(err).__name__}), a bug; {where}")
    return EXIT_BUG


def _parser() -> CommandParser:
    parser = CommandParser(prog="ccpa", description="CCPA/CPRA data discovery and requests.")
    # Each sub-command's parser is a CommandParser too (argparse makes them of the parent's class).
    commands = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(required=True, metavar="COMMAND"),
    )
    stores.add_parser(commands)
    demo.add_parser(commands)
    scan.add_parser(commands)
    coverage.add_parser(commands)
    access.add_parser(commands)
    delete.add_parser(commands)
    delete.add_correct_parser(commands)
    request.add_parser(commands)
    for name, subparser in commands.choices.items():
        subparser.set_defaults(command_name=name)
    return parser


if __name__ == "__main__":
    sys.exit(main())
