"""with_headroom runs a function unchanged, in a frame that CPython cannot fit in what is left of a chunk."""

import pytest

from orgs import frames
from orgs.frames import with_headroom


def test_a_function_with_headroom_returns_and_raises_as_it_would():
    @with_headroom
    def build(name, *, count):
        if count < 0:
            raise ValueError("count")
        return [name] * count

    assert build("协会", count=2) == ["协会", "协会"] and build.__name__ == "build"
    with pytest.raises(ValueError, match="count"):
        build("协会", count=-1)


def test_its_frame_is_larger_than_a_chunk_of_cpythons_frame_stack():
    # CPython 3.11's chunks are 16 KB (DATA_STACK_CHUNK_SIZE); a frame holds 8 bytes per local variable.
    assert frames._call.__code__.co_nlocals * 8 > 16 * 1024
