"""Pages of the e呼应 loop: intake, each tier's work page, the ticket page with its actions, the
supervision board and the rating page. Thin: parse, call a selector or one service, render."""
