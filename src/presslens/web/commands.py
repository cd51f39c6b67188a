"""The `serve` sub-command: the local web app over a corpus database."""

from __future__ import annotations

import argparse


def add_web_commands(subparsers) -> None:
    """Register the web sub-commands on the CLI's sub-parsers."""
    serve = subparsers.add_parser("serve", help="browse a corpus in a local web app with a JSON API")
    serve.add_argument("--db", required=True, metavar="DB",
                       help="the corpus database, a SQLite file or a postgresql:// URL, opened read-only")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Return 0 once the server has been stopped."""
    from presslens.web.app import check_db

    name = check_db(args.db)  # before importing the web stack: a wrong path or URL answers at once
    import uvicorn

    from presslens.web.app import create_app

    app = create_app(args.db)
    print(f"presslens: serving {name} on http://{args.host}:{args.port}/ (Ctrl-C stops)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
