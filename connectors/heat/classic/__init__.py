"""HEAT classic (FrontRange HEAT 6-9) over ODBC: its tables, the CallID allocator and the backend."""
