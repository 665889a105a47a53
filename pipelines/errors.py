"""Bad input from the person running a command: reported as one line, exit status 2."""


class InputError(ValueError):
    """An argument, a file or an identifier given to a command is not usable; the message says why."""
