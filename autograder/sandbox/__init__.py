"""Running student code: the worker process, its launcher, and the wire between them.

The modules `wire`, `drivers` and `worker` run inside the sandboxed worker (and in the
student kit), so they import nothing but the standard library and numpy.
"""
