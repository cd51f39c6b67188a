"""One module per kind of record: entities, places, quotes, amounts, events, framing."""
