import pytest

from retail_suite.config import parse_db_url, redis_url
from retail_suite.errors import ConfigError


def test_default_url(monkeypatch: pytest.MonkeyPatch) -> None:
	monkeypatch.delenv("RETAIL_SUITE_DB", raising=False)
	settings = parse_db_url()
	assert (settings.host, settings.port, settings.user, settings.password, settings.database) == (
		"127.0.0.1",
		3306,
		"root",
		"",
		"retail_suite",
	)
	assert settings.address == "127.0.0.1:3306"


def test_url_with_password_and_escapes() -> None:
	settings = parse_db_url("mariadb://shop:p%40ss@db.local:3307/chain_1")
	assert (settings.user, settings.password, settings.host, settings.port, settings.database) == (
		"shop",
		"p@ss",
		"db.local",
		3307,
		"chain_1",
	)


@pytest.mark.parametrize(
	("url", "message"),
	[
		("postgres://root@127.0.0.1/x", "must start with mariadb://"),
		("mariadb://root@127.0.0.1:3306/bad-name", "not allowed"),
		("mariadb://root@127.0.0.1:port/x", "not a number"),
	],
)
def test_bad_urls_are_refused_with_a_fix(url: str, message: str) -> None:
	with pytest.raises(ConfigError, match=message) as error:
		parse_db_url(url)
	assert "RETAIL_SUITE_DB" in str(error.value) or "use" in str(error.value)


def test_redis_url_must_be_redis() -> None:
	assert redis_url("redis://127.0.0.1:6379/2") == "redis://127.0.0.1:6379/2"
	with pytest.raises(ConfigError, match="redis://"):
		redis_url("http://127.0.0.1:6379")
