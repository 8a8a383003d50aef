"""Reading a response's Content-Security-Policy, for the web and API tests."""

from __future__ import annotations

# Sources a policy of ours never allows for scripts.
UNSAFE = ("'unsafe-eval'", "'unsafe-inline'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "data:", "*")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives
