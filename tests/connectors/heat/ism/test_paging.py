"""The pager: pages until a short page, never forever."""

from __future__ import annotations

import pytest

from config.errors import FatalError
from connectors.heat.ism.paging import Pager


def _source(total: int, calls: list[tuple[int, int]]):
    rows = [{"RecId": f"{n:032X}"} for n in range(total)]

    def fetch(skip: int, top: int) -> list[dict]:
        calls.append((skip, top))
        return rows[skip: skip + top]
    return fetch


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (5, 1), (10, 2), (25, 3), (30, 4)])
def test_pages_until_a_short_page(total: int, pages: int) -> None:
    calls: list[tuple[int, int]] = []
    rows = list(Pager(_source(total, calls), page_size=10))
    assert len(rows) == total
    assert len(calls) == pages
    assert calls[0] == (0, 10)


def test_server_ignoring_skip_is_refused() -> None:
    page = [{"RecId": f"{n:032X}"} for n in range(10)]
    with pytest.raises(FatalError, match="ignores"):
        list(Pager(lambda skip, top: page, page_size=10))


def test_never_more_than_max_pages() -> None:
    counter = iter(range(10**6))

    def endless(skip: int, top: int) -> list[dict]:
        return [{"RecId": f"{next(counter):032X}"} for _ in range(top)]
    pager = Pager(endless, page_size=5, max_pages=3)
    with pytest.raises(FatalError, match="3 pages"):
        list(pager)
    assert pager.pages == 3


@pytest.mark.parametrize("size", [0, 101])
def test_page_size_within_isms_top_limit(size: int) -> None:
    with pytest.raises(ValueError):
        Pager(lambda s, t: [], page_size=size)
