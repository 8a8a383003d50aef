"""Pages of co-governance: contracts (list, detail with the year cycle's steps, feedback letter,
xlsx export), joint meetings (bodies, sessions with agenda and resolutions) and resolution tasks
with the board of overdue ones. Thin: parse, call a selector or one service, render."""
