"""User-facing errors: printed as one line naming the file, never a traceback."""

from __future__ import annotations


class SitegenError(Exception):
    """An error the user can fix; ``str(err)`` is the whole message."""


class ConfigError(SitegenError):
    """A bad configuration file or option."""


class LetterError(SitegenError):
    """A letter file that cannot be read at all."""


class BuildError(SitegenError):
    """The build failed (template error, write error, strict mode)."""
