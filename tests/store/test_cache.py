"""Redis with key prefixes: two namespaces (sites, test runs) never collide."""

from __future__ import annotations

import pytest

from retail_suite.db.cache import StandaloneCache
from retail_suite.errors import ServiceUnavailable


def test_namespaces_do_not_collide(cache: StandaloneCache) -> None:
	neighbour = StandaloneCache(namespace=cache.prefix.split(":")[1] + "_other")
	try:
		cache.set("last_sale", "A")
		neighbour.set("last_sale", "B")
		assert cache.get("last_sale") == b"A"
		assert neighbour.get("last_sale") == b"B"
		assert cache.client.get("last_sale") is None  # nothing unprefixed
		assert cache.clear_namespace() == 1
		assert neighbour.get("last_sale") == b"B"
	finally:
		neighbour.clear_namespace()


def test_set_once_guards_a_period(cache: StandaloneCache) -> None:
	assert cache.set_once("alert:S001:ITEM-1:2026-11-02", 1, expires_in_sec=60) is True
	assert cache.set_once("alert:S001:ITEM-1:2026-11-02", 1, expires_in_sec=60) is False
	assert 0 < cache.client.ttl(cache.key("alert:S001:ITEM-1:2026-11-02")) <= 60


def test_counter(cache: StandaloneCache) -> None:
	assert cache.incr("seq") == 1
	assert cache.incr("seq", 5) == 6


def test_unreachable_redis_is_one_line() -> None:
	with pytest.raises(ServiceUnavailable, match="cannot reach Redis at redis://127.0.0.1:6399/0") as error:
		StandaloneCache("redis://127.0.0.1:6399/0").ping()
	assert "\n" not in str(error.value)
