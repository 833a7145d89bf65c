"""Redis for both hosts, with key prefixes so two sites or two test runs never collide.

Frappe host: `frappe.cache` (already prefixed with the site's database name by Frappe).
Standalone: redis-py on RETAIL_SUITE_REDIS, every key prefixed `retail_suite:<database>:`.
"""

from __future__ import annotations

import sys
from typing import Any

import redis

from retail_suite.config import redis_url
from retail_suite.errors import ServiceUnavailable


class StandaloneCache:
	"""A thin wrapper over redis-py that prefixes every key."""

	def __init__(self, url: str | None = None, namespace: str = "retail_suite") -> None:
		self.url = redis_url(url)
		self.prefix = f"retail_suite:{namespace}:"
		self.client = redis.Redis.from_url(self.url, socket_connect_timeout=3, socket_timeout=10)

	def key(self, name: str) -> str:
		return self.prefix + name

	def ping(self) -> None:
		try:
			self.client.ping()
		except redis.exceptions.AuthenticationError as error:
			raise ServiceUnavailable(f"Redis at {self.url} refused our password ({error})", "fix RETAIL_SUITE_REDIS")
		except redis.exceptions.RedisError as error:
			raise ServiceUnavailable(
				f"cannot reach Redis at {self.url} ({error})",
				"start Redis or point RETAIL_SUITE_REDIS at a running server",
			)

	def get(self, name: str) -> bytes | None:
		return self.client.get(self.key(name))

	def set(self, name: str, value: Any, expires_in_sec: int | None = None) -> None:
		self.client.set(self.key(name), value, ex=expires_in_sec)

	def set_once(self, name: str, value: Any, expires_in_sec: int) -> bool:
		"""Set only if absent (a once-per-period guard); True when this call set it."""
		return bool(self.client.set(self.key(name), value, ex=expires_in_sec, nx=True))

	def incr(self, name: str, amount: int = 1) -> int:
		return int(self.client.incrby(self.key(name), amount))

	def delete(self, *names: str) -> int:
		return int(self.client.delete(*(self.key(name) for name in names))) if names else 0

	def clear_namespace(self) -> int:
		"""Delete every key of this namespace (a test run's, or a demo database's)."""
		deleted = 0
		for key in self.client.scan_iter(match=self.prefix + "*", count=1000):
			deleted += self.client.delete(key)
		return deleted


class FrappeCache:
	"""The same calls on `frappe.cache`, which prefixes keys with the site."""

	def __init__(self) -> None:
		import frappe

		self.client = frappe.cache
		self.prefix = "retail_suite:"

	def key(self, name: str) -> str:
		return self.prefix + name

	def ping(self) -> None:
		self.client.ping()

	def get(self, name: str) -> bytes | None:
		return self.client.get(self.client.make_key(self.key(name)))

	def set(self, name: str, value: Any, expires_in_sec: int | None = None) -> None:
		self.client.set(self.client.make_key(self.key(name)), value, ex=expires_in_sec)

	def set_once(self, name: str, value: Any, expires_in_sec: int) -> bool:
		return bool(self.client.set(self.client.make_key(self.key(name)), value, ex=expires_in_sec, nx=True))

	def incr(self, name: str, amount: int = 1) -> int:
		return int(self.client.incrby(self.client.make_key(self.key(name)), amount))

	def delete(self, *names: str) -> int:
		keys = [self.client.make_key(self.key(name)) for name in names]
		return int(self.client.delete(*keys)) if keys else 0


def in_frappe_site() -> bool:
	"""True when running inside a Frappe site (request, job or bench command) — never imports Frappe."""
	frappe = sys.modules.get("frappe")
	return bool(frappe and getattr(getattr(frappe, "local", None), "site", None))


def get_cache(namespace: str | None = None) -> StandaloneCache | FrappeCache:
	"""The cache of the current host."""
	if in_frappe_site():
		return FrappeCache()
	return StandaloneCache(namespace=namespace or "retail_suite")
