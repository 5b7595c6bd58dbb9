"""Persistence: the SQLite session store, exports and imports."""
