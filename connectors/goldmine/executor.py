"""The one place the GoldMine connector does I/O: statements inside a retried transaction.

Every intent-level method hands `Executor.run` a function of a `Tx`; the function issues its
statements through the Tx and the executor commits once at the end. A transient ODBC error
(08S01, 40001, HYT00, ...) rolls the transaction back, drops the connection and re-runs the WHOLE
function under the one retry policy, so a write is never half applied. Other errors are classified
into goldheat's tree (`IntegrityViolation` for unique-index hits) and roll back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import pyodbc
import structlog

from config.errors import GoldheatError, RetriableError
from config.retry import call_with_retry
from config.settings import RetrySettings
from connectors.goldmine.dialect import SqlDialect
from connectors.odbc import ConnectionFactory, DBConnection, classify_odbc_error

T = TypeVar("T")
Row = dict[str, Any]
log = structlog.get_logger("goldheat.goldmine")


class Tx:
    """Statements of one transaction. Rows come back as dicts keyed by upper-case column name."""

    def __init__(self, executor: Executor, conn: DBConnection) -> None:
        self._executor = executor
        self._conn = conn
        self.dialect = executor.dialect

    def _cursor(self, params: Sequence[Any]) -> Any:
        cursor = self._conn.cursor()
        sizes = self.dialect.input_sizes(params)
        if sizes:
            cursor.setinputsizes(sizes)
        return cursor

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        params = list(params)
        cursor = self._cursor(params)
        try:
            self._executor.round_trips += 1
            cursor.execute(sql, params)
            names = self.dialect.column_names(cursor.description)
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the driver's rowcount (never used as an existence test)."""
        params = list(params)
        cursor = self._cursor(params)
        try:
            self._executor.round_trips += 1
            cursor.execute(sql, params)
            return cursor.rowcount
        finally:
            cursor.close()

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Bulk insert (fast_executemany where the driver supports it)."""
        batch = [list(r) for r in rows]
        if not batch:
            return
        cursor = self._conn.cursor()
        try:
            cursor.fast_executemany = self.dialect.fast_executemany
            self._executor.round_trips += 1
            cursor.executemany(sql, batch)
        finally:
            cursor.close()


class Executor:
    """Owns the connection, counts statements (`round_trips`) and runs work in retried transactions."""

    def __init__(self, connect: ConnectionFactory, dialect: SqlDialect, retry: RetrySettings, *,
                 sleep: Callable[[float], None] | None = None) -> None:
        self._connect = connect
        self.dialect = dialect
        self._retry = retry
        self._sleep = sleep
        self._conn: DBConnection | None = None
        self.round_trips = 0

    def run(self, operation: str, work: Callable[[Tx], T], *, key: str | None = None) -> T:
        return call_with_retry(self._retry, lambda: self._attempt(operation, work, key), sleep=self._sleep)

    def _attempt(self, operation: str, work: Callable[[Tx], T], key: str | None) -> T:
        conn = self._connection()
        try:
            result = work(Tx(self, conn))
            conn.commit()
            return result
        except pyodbc.Error as exc:
            error = classify_odbc_error(exc, system="goldmine", operation=operation, key=key)
            self._abandon(conn, drop=isinstance(error, RetriableError))
            raise error from None
        except BaseException as exc:
            self._abandon(conn, drop=isinstance(exc, RetriableError) or not isinstance(exc, GoldheatError))
            raise

    def _connection(self) -> DBConnection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _abandon(self, conn: DBConnection, *, drop: bool) -> None:
        """Roll back; on a broken link, also close so the next attempt reconnects."""
        try:
            conn.rollback()
        except pyodbc.Error:
            drop = True
        if drop:
            self.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except pyodbc.Error as exc:
                log.debug("goldmine_close_failed", error=type(exc).__name__)
