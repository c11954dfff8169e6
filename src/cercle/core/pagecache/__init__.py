"""The page cache and the table versions behind its invalidation (decision 0016)."""

from cercle.core.pagecache.registry import cached_operation, cached_page

__all__ = ["cached_operation", "cached_page"]
