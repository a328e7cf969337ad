"""Bulk-loading the sample into a GoldMine schema over pyodbc, fast enough for a million rows.

Measured through the real drivers (tests/bench/bench_sample.py; this machine is shared, so only
same-run ratios count): multi-row `INSERT ... VALUES (...), (...)` batches beat plain
`executemany` (a round trip per row) on PostgreSQL and MariaDB several times over and SQLite
modestly (it is in-process). `fast_executemany` (ODBC parameter arrays) is about 2x plain on
psqlODBC but behind VALUES, fails on MariaDB Connector/ODBC and crashes the SQLite ODBC driver, so
it is the choice only for SQL Server, whose driver is built for it and whose 2,100-parameter
limit makes wide VALUES batches small. Batches of a few hundred rows did best; a transaction
holds ~10,000 rows, so memory and locks stay bounded. Dropping a table's non-unique indexes for
the load and building them after roughly doubles PostgreSQL's insert rate. Rows stream from
generators and the next batch is built in a helper thread while the driver sends this one.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from contextlib import contextmanager
from itertools import islice
from queue import Full, Queue
from typing import Any

from config.settings import Dialect
from connectors.goldmine.schema import TABLES, SqlType, drop_index_ddl, index_ddl


class LoadMethod(str, enum.Enum):
    VALUES = "values"  # one multi-row INSERT per batch
    FAST = "fast_executemany"  # ODBC parameter arrays, one call per batch
    EXECUTEMANY = "executemany"  # pyodbc's plain executemany: a round trip per row (the baseline)


DEFAULT_METHOD = {Dialect.MSSQL: LoadMethod.FAST, Dialect.POSTGRESQL: LoadMethod.VALUES,
                  Dialect.MARIADB: LoadMethod.VALUES, Dialect.SQLITE: LoadMethod.VALUES}
# Parameters per statement stay well under every driver's limit (SQL Server 2,100; SQLite 32,766).
MAX_PARAMETERS = {Dialect.MSSQL: 2000}
DEFAULT_MAX_PARAMETERS = 20_000
MAX_ROWS_PER_BATCH = 300
# Rows per transaction: bounded, yet few enough commits that their flushes do not dominate.
DEFAULT_COMMIT_ROWS = 10_000


@dataclass
class LoadStats:
    rows: dict[str, int] = field(default_factory=dict)
    round_trips: int = 0  # statements executed (a plain executemany counts one per row) + commits

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def batch_rows(dialect: Dialect, columns: int, method: LoadMethod) -> int:
    if method is not LoadMethod.VALUES:
        return MAX_ROWS_PER_BATCH
    limit = MAX_PARAMETERS.get(dialect, DEFAULT_MAX_PARAMETERS)
    return max(1, min(MAX_ROWS_PER_BATCH, limit // columns))


def as_tuples(table: str, rows: Iterable[dict[str, Any] | tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Rows in the table's column order; a missing NOT NULL varchar becomes '' (GoldMine's blank)."""
    spec = TABLES[table]
    defaults = [("" if c.not_null and c.type is SqlType.VARCHAR else None) for c in spec.columns]
    names = spec.column_names
    for row in rows:
        if isinstance(row, tuple):
            yield row
        else:
            yield tuple(row.get(name, default) for name, default in zip(names, defaults))


def insert_rows(conn: Any, dialect: Dialect, table: str,
                rows: Iterable[dict[str, Any] | tuple[Any, ...]], *,
                method: LoadMethod | None = None, rows_per_batch: int | None = None,
                stats: LoadStats | None = None, commit_rows: int | None = None,
                on_batch: Callable[[int], None] | None = None) -> LoadStats:
    """Insert rows (dicts by column, or tuples in column order) in batches.

    A transaction holds about `commit_rows` rows (whole batches); a failure rolls back the
    transaction in progress and re-raises, leaving the rows committed before it.
    """
    method = method or DEFAULT_METHOD[dialect]
    stats = stats if stats is not None else LoadStats()
    columns = TABLES[table].column_names
    size = rows_per_batch or batch_rows(dialect, len(columns), method)
    column_list = ", ".join(columns)
    one = "(" + ", ".join("?" * len(columns)) + ")"
    single = f"INSERT INTO {table} ({column_list}) VALUES {one}"
    cursor = conn.cursor()
    if method is LoadMethod.FAST:
        cursor.fast_executemany = True
    full_batch_sql = f"INSERT INTO {table} ({column_list}) VALUES " + ", ".join([one] * size)
    stream = as_tuples(table, rows)
    batches = iter(lambda: list(islice(stream, size)), [])
    uncommitted = 0
    try:
        for batch in prefetched(batches):
            if method is LoadMethod.VALUES:
                sql = full_batch_sql if len(batch) == size else (
                    f"INSERT INTO {table} ({column_list}) VALUES " + ", ".join([one] * len(batch)))
                cursor.execute(sql, [value for row in batch for value in row])
                stats.round_trips += 1
            else:
                cursor.executemany(single, batch)
                stats.round_trips += 1 if method is LoadMethod.FAST else len(batch)
            uncommitted += len(batch)
            if uncommitted >= (commit_rows or DEFAULT_COMMIT_ROWS):
                conn.commit()
                stats.round_trips += 1
                uncommitted = 0
            stats.rows[table] = stats.rows.get(table, 0) + len(batch)
            if on_batch:
                on_batch(len(batch))
        if uncommitted:
            conn.commit()
            stats.round_trips += 1
    except Exception:
        conn.rollback()
        raise
    finally:
        cursor.close()
    stats.rows.setdefault(table, 0)
    return stats


def prefetched(batches: Iterator[list[Any]], depth: int = 3) -> Iterator[list[Any]]:
    """The batches, built by a helper thread while the driver sends the previous ones.

    pyodbc releases the GIL while the database works, so generating the next batch overlaps the
    insert of this one. An error in the generator is raised here, in the caller's thread.
    """
    done = object()
    queue: Queue[Any] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(done)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            put(exc)

    worker = threading.Thread(target=produce, name="sample-batches", daemon=True)
    worker.start()
    try:
        while (item := queue.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


def load_sample(conn: Any, dialect: Dialect, sample: Any, *, progress: bool = False,
                method: LoadMethod | None = None, defer_indexes: bool = True) -> LoadStats:
    """Insert every table of a `Sample` (see sample.py) in load order; a rich bar when asked.

    The tables should be empty. With `defer_indexes`, each table's non-unique indexes are dropped
    before its rows go in and built again after, which halves the load time on PostgreSQL; the
    unique RECID/ACCOUNTNO indexes stay, so a duplicate still fails at once.
    """
    stats = LoadStats()
    bar = _progress_bar() if progress else None
    try:
        for table, rows in sample.tables():
            task = bar.add_task(table, total=sample.history if table == "CONTHIST" else None) if bar else None
            on_batch = (lambda n, task=task: bar.advance(task, n)) if bar else None
            with indexes_deferred(conn, dialect, table, defer_indexes, stats):
                insert_rows(conn, dialect, table, rows, method=method, stats=stats, on_batch=on_batch)
            if bar:
                bar.update(task, total=stats.rows[table], completed=stats.rows[table])
    finally:
        if bar:
            bar.stop()
    return stats


def _progress_bar() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True))
    bar.start()
    return bar


@contextmanager
def indexes_deferred(conn: Any, dialect: Dialect, table: str, defer: bool,
                      stats: LoadStats) -> Iterator[None]:
    spec = TABLES[table]
    secondary = [ix for ix in spec.indexes if not ix.unique] if defer else []
    cursor = conn.cursor()
    try:
        for index in secondary:
            cursor.execute(drop_index_ddl(spec, index, dialect))
        conn.commit()
        yield
        for index in secondary:
            cursor.execute(index_ddl(spec, index, dialect))
        conn.commit()
        stats.round_trips += 2 * len(secondary) + 2
    finally:
        cursor.close()
