"""Room on CPython's frame stack for a hot loop (`with_headroom`).

CPython 3.11 keeps the frames of Python calls in chunks of 16 KB and frees a chunk as soon as the call that
opened it returns. A loop whose calls end just across a chunk's end maps and unmaps that chunk on every call:
the body of a 25-row queue page, rendered from deep inside the page's template, took 28–44 ms there against
6–11 ms with room (bench/README.md). Where the chunk ends depends on how deep the loop is called, so it
cannot be avoided by moving the call; `with_headroom` runs a function in a frame too big for any chunk's
rest, which opens a chunk of its own, so that the calls under it have some 15 KB to themselves (a hundred
frames or more). It costs one chunk per call of the function, not one per call in its loop."""

import functools

_LOCALS = 2100  # 8 bytes each: a frame of 16.8 KB, larger than what is left of any 16 KB chunk

_SOURCE = f"""
def _call(fn, args, kwargs):
    {" = ".join(f"_{i}" for i in range(_LOCALS))} = None
    return fn(*args, **kwargs)
"""
_namespace: dict = {}
exec(compile(_SOURCE, __file__, "exec"), _namespace)
_call = _namespace["_call"]


def with_headroom(fn):
    """Decorate a function whose loop makes many short Python calls (a table body, say)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return _call(fn, args, kwargs)

    return wrapper
