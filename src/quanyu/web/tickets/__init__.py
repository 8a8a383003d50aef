"""The e呼应 loop's pages: ``forms``, ``urls`` and ``views/`` (one module per page group)."""
