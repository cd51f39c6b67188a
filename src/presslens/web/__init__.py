"""The local web app and JSON API over a corpus store: `presslens serve --db FILE`."""
