"""The one pager: `$skip` pages of `$top` rows until a short page (reference/heat.md §2.2).

`@odata.count` has been seen smaller than its own page, so it is never trusted to end the loop.
A server that ignores `$skip` would hand back the same page forever; the pager notices a page
with no new RecIds and stops with an error, and it never walks more than `max_pages` pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from config.errors import FatalError
from connectors.heat.ism.odata import MAX_TOP, RECORD_KEY

Row = dict[str, Any]
DEFAULT_MAX_PAGES = 1000


class Pager:
    """Iterates the rows of `fetch(skip, top)` page by page; each page is fetched lazily."""

    def __init__(self, fetch: Callable[[int, int], list[Row]], *, page_size: int = MAX_TOP,
                 max_pages: int = DEFAULT_MAX_PAGES, operation: str = "page") -> None:
        if not 1 <= page_size <= MAX_TOP:
            raise ValueError(f"page_size must be 1..{MAX_TOP}")
        if max_pages < 1:
            raise ValueError("max_pages must be at least 1")
        self._fetch = fetch
        self.page_size = page_size
        self.max_pages = max_pages
        self.operation = operation
        self.pages = 0

    def __iter__(self) -> Iterator[Row]:
        seen: set[str] = set()
        skip = 0
        while True:
            if self.pages >= self.max_pages:
                raise FatalError(f"stopped paging after {self.max_pages} pages of {self.page_size}",
                                 system="heat", operation=self.operation)
            page = self._fetch(skip, self.page_size)
            self.pages += 1
            keys = {str(row.get(RECORD_KEY)) for row in page if row.get(RECORD_KEY)}
            if page and keys and keys <= seen:
                raise FatalError("HEAT returned a page seen before: it ignores $skip",
                                 system="heat", operation=self.operation)
            seen |= keys
            yield from page
            if len(page) < self.page_size:
                return
            skip += len(page)
