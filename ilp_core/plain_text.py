"""User text (headers, category values, sheet and file names) made safe to show through Markdown.

A value shown by a Markdown renderer (Streamlit's ``st.markdown``, captions, alerts, widget labels,
tooltips) is read as Markdown: ``![x](http://host/x.png)`` in a column header made the browser fetch
an image from any origin, and ``[Session expired](http://host)`` became a link. :func:`plain` turns
such a value into Markdown that shows exactly the characters typed. No Streamlit here: message
builders in ``ilp_core`` can use it as well.
"""
from __future__ import annotations

import re
import string

WORD_JOINER = "\u2060"  # invisible, and neither a space nor a line break: it only breaks a pattern
_PUNCTUATION = re.compile(f"([{re.escape(string.punctuation)}])")
_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# GitHub's bare-URL autolinks are found in the text after escapes are read: 'http://', 'www.' and
# 'name@host' become links even when every punctuation character is escaped, so each is split.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=@)|(?<=w)(?=ww\.)", re.IGNORECASE)


def plain(text: object) -> str:
    r"""Markdown that a Markdown renderer shows as exactly ``text``, on one line.

    Every ASCII punctuation character is backslash-escaped (CommonMark lets each be escaped, and
    the escape shows as the character alone), so no link, image, emphasis, code, heading, list,
    table, HTML, ``$...$`` formula, ``:red[...]`` directive, ``:material/...:`` icon or emoji
    shortcode can start. Bare-URL autolinks (``http://``, ``https://``, ``www.``, e-mail
    addresses) are broken with an invisible word joiner (U+2060) after ``:`` in ``://``, after
    ``@`` and inside ``www``. Line breaks become spaces, so a value cannot start a new block.

    Parameters
    ----------
    text : object
        The user's value (a header, a category value, a sheet or file name, a message quoting
        them); anything else than a string is shown as ``str(text)``.

    Returns
    -------
    str
        Markdown for the value: put it in a Markdown string as is, never escape it twice.

    Examples
    --------
    >>> plain("[sign in](http://evil)")
    '\\[sign in\\]\\(http\\:\u2060\\/\\/evil\\)'
    >>> plain("a\nb")
    'a b'
    """
    one_line = _LINE_BREAK.sub(" ", str(text))
    return _PUNCTUATION.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, one_line))
