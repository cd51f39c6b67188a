"""The `serve` sub-command: the local web app over a corpus database."""

from __future__ import annotations

import argparse


def add_web_commands(subparsers) -> None:
    """Register the web sub-commands on the CLI's sub-parsers."""
    serve = subparsers.add_parser("serve", help="browse a corpus in a local web app with a JSON API")
    serve.add_argument("--db", required=True, metavar="FILE", help="the corpus database (a SQLite file), opened read-only")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Return 0 once the server has been stopped."""
    from presslens.corpus.store import POSTGRES_SCHEMES
    from presslens.errors import PresslensError
    from presslens.web.app import check_db

    if args.db.startswith(POSTGRES_SCHEMES):
        # Its pages run SQLite's SQL on the store's connection.
        raise PresslensError("the web app reads SQLite corpus stores only, not PostgreSQL; give a SQLite file with --db.")
    check_db(args.db)  # before importing the web stack: a wrong path answers at once
    import uvicorn

    from presslens.web.app import create_app

    app = create_app(args.db)
    print(f"presslens: serving {args.db} on http://{args.host}:{args.port}/ (Ctrl-C stops)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
