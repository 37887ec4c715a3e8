"""Keeping patient values out of the server log.

An exception's message can quote what it choked on: a cell value, a patient code, a column
name. The server prints tracebacks of unexpected errors; this filter keeps their type and
where they happened (file and line of each frame), and drops every message and argument.
"""
from __future__ import annotations

import logging
import traceback
from pathlib import Path


class WithoutValues(logging.Filter):
    """A handler filter that rewrites a record carrying an exception to its type and frames.

    ``ValueError: could not convert 'Jane Doe' ...`` becomes ``ValueError at cleaning.py:88 <-
    cohort.py:140 (message withheld: it may hold patient data)``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            kind, _, trace = record.exc_info
            frames = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(traceback.extract_tb(trace)))
            record.msg = (f"{record.msg if isinstance(record.msg, str) else ''} {kind.__name__} at {frames} "
                          "(message withheld: it may hold patient data)")
            record.args, record.exc_info, record.exc_text, record.stack_info = (), None, None, None
        return True


def withhold_exception_messages() -> None:
    """Put :class:`WithoutValues` on every handler of every logger that exists now (idempotent;
    call it at each script run, since libraries create loggers as they go)."""
    loggers = [logging.getLogger()] + [log for log in logging.Logger.manager.loggerDict.values()
                                       if isinstance(log, logging.Logger)]
    # a logger without handlers that does not propagate (uvicorn.error under Streamlit) prints through
    # logging.lastResort
    handlers = [h for logger in loggers for h in logger.handlers] + [logging.lastResort]
    for handler in handlers:
        if handler is not None and not any(isinstance(f, WithoutValues) for f in handler.filters):
            handler.addFilter(WithoutValues())
