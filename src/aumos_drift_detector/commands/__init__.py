"""The offline commands of ``aumos-drift``: ``check`` and ``backtest`` over files, no server needed.

Both decide through the service's own decision path (``core/decisions``); the modules here only read
files, build the monitor a file describes, and print or write what was decided.
"""
