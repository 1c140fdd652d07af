"""Shared page fragments: built once per cache generation, never served after their generation ends."""

import pytest

from sampan.core import fragments, pagecache

pytestmark = pytest.mark.django_db


def test_a_fragment_is_built_once_per_generation():
    builds = []
    for _ in range(3):
        fragments.for_generation("greeting", lambda: builds.append(1) or "hello")
    assert builds == [1]


def test_invalidation_makes_every_fragment_rebuild():
    fragments.for_generation("greeting", lambda: "old")
    pagecache.invalidate()
    assert fragments.for_generation("greeting", lambda: "new") == "new"


def test_a_fragment_built_by_another_process_is_used():
    # Another process is simulated by forgetting this process's own copies: the shared cache still has it.
    fragments.for_generation("greeting", lambda: "shared")
    fragments._local.clear()
    assert fragments.for_generation("greeting", lambda: "rebuilt") == "shared"
