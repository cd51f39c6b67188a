"""The `serve` sub-command: the local web app over a corpus database."""

from __future__ import annotations

import argparse
import os

from presslens.corpus.store import open_store
from presslens.errors import PresslensError
from presslens.web.auth import TOKEN_ENV


def add_web_commands(subparsers) -> None:
    """Register the web sub-commands on the CLI's sub-parsers."""
    serve = subparsers.add_parser("serve", help="browse a corpus in a local web app with a JSON API")
    serve.add_argument("--db", required=True, metavar="DB",
                       help="the corpus database, a SQLite file or a postgresql:// URL, opened read-only")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--token", default=None, metavar="TOKEN",
                       help=f"access token every request must carry (default: ${TOKEN_ENV}); required on any "
                            "address but loopback; browsers open the address once with ?token=TOKEN")
    serve.add_argument("--threads", type=int, default=None, metavar="N",
                       help="requests worked on at once, each with its own database connection (default 8)")
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Return 0 once the server has been stopped."""
    from presslens.web.auth import check_token

    # The variable keeps the token out of the process list, where --token shows it.
    token = check_token(args.host, args.token or os.environ.get(TOKEN_ENV))
    if args.threads is not None and args.threads < 1:
        raise PresslensError("--threads must be at least 1.")
    name = check_db(args.db)  # before importing the web stack: a wrong path or URL answers at once
    import uvicorn

    from presslens.web.app import DEFAULT_THREADS, create_app

    app = create_app(args.db, token=token, threads=args.threads or DEFAULT_THREADS)
    access = "; requests must carry the access token" if token else ""
    print(f"presslens: serving {name} on http://{args.host}:{args.port}/{access} (Ctrl-C stops)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def check_db(location: str) -> str:
    """Return the corpus's name as messages show it (a path, or a URL without its password), after
    checking that it can be served; raise a one-sentence error when it cannot: no database file,
    an unreachable server, no presslens corpus there, or one an ingest must upgrade first."""
    with open_store(str(location), read_only=True, create=False) as store:
        return store.name
