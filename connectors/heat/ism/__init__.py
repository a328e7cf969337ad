"""HEAT Service Management / Ivanti Service Manager over REST/OData (reference/heat.md §2-3).

Pure parts: `names` (the tenant's names, as data), `odata` (paths and query options), `errors`
(classifying answers), `paging`. I/O: `session` only. Intent-level methods: `backend.IsmBackend`.
"""
