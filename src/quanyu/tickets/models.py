"""Models of this app are added with its issue."""
