"""Sorting Chinese names as readers expect: by pinyin, not by code point.

GB 2312's first level (the 3,755 common hanzi, which nearly every unit, street and person name is
written in) is ordered by pinyin, and GB 18030 keeps that order; encoding a name to GB 18030
therefore gives a pinyin-order key with no dictionary to ship. Rarer characters (GB 2312's second
level, ordered by radical) sort after the common ones, which is what printed lists do too.
"""

from __future__ import annotations


def pinyin_key(text: str) -> bytes:
    """A sort key putting ``text`` in pinyin order (Latin letters and digits first, as in GB order)."""
    return (text or "").encode("gb18030", errors="replace")


def pinyin_column_key(text: str) -> str:
    """``pinyin_key`` as text for a sort-key column: the GB 18030 bytes in upper-case hex, whose
    order is the bytes' order under every collation (0–9 before A–F, no case or accent folding to
    apply), so ``ORDER BY`` on the column gives pinyin order on SQLite and PostgreSQL alike."""
    return pinyin_key(text).hex().upper()
