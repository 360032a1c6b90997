"""Board data and the pure parts of the Pin model: name tables, board specs, argument rules."""
