"""Rate-limit counts in a SQLite file (``incidents.security.counters``): fixed windows that
every process and thread sharing the file count together."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from incidents.security import counters
from incidents.security.counters import SqliteCounters


@pytest.fixture
def storage(tmp_path: Path) -> SqliteCounters:
    found = storage_from_string(f"sqlite:///{tmp_path / 'counts.db'}")
    assert isinstance(found, SqliteCounters)
    return found


def test_a_window_counts_to_its_limit_and_starts_again_when_it_ends(
    storage: SqliteCounters,
) -> None:
    limiter = FixedWindowRateLimiter(storage)
    three = parse("3 per second")
    assert [limiter.hit(three, "login", "ada") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(three, "login", "bob")  # another key, another count
    stats = limiter.get_window_stats(three, "login", "ada")
    assert stats.remaining == 0
    assert time.time() < stats.reset_time <= time.time() + 1
    time.sleep(1.05)
    assert limiter.hit(three, "login", "ada")
    assert limiter.get_window_stats(three, "login", "ada").remaining == 2


def test_an_unknown_or_ended_key_counts_nothing(storage: SqliteCounters) -> None:
    before = time.time()
    assert storage.get("nobody") == 0
    assert before <= storage.get_expiry("nobody") <= time.time()
    assert storage.incr("brief", expiry=0) == 1
    assert storage.get("brief") == 0  # a window of no length has ended already


def test_processes_and_threads_sharing_the_file_count_together(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    first = SqliteCounters(f"sqlite:///{path}")
    second = SqliteCounters(f"sqlite:///{path}")  # as another worker process would open it
    first.incr("key", 60)
    second.incr("key", 60, amount=2)
    threads = [threading.Thread(target=first.incr, args=("key", 60)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert first.get("key") == second.get("key") == 11


def test_a_forked_process_opens_its_own_connection(storage: SqliteCounters) -> None:
    storage.incr("key", 60)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        os.write(write, str(storage.incr("key", 60)).encode())
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 16) == b"2"
    assert storage.get("key") == 2


def test_clear_reset_and_the_purge_of_ended_windows(
    storage: SqliteCounters, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(counters, "PURGE_EVERY", 3)
    storage.incr("ended", expiry=0)
    storage.incr("kept", expiry=60)
    storage.clear("kept")
    assert storage.get("kept") == 0
    storage.incr("kept", expiry=60)  # the third count purges the ended window
    assert storage.reset() == 1  # only "kept" was left
    assert storage.check()


def test_a_folder_removed_meanwhile_is_made_again(tmp_path: Path) -> None:
    storage = SqliteCounters(f"sqlite:///{tmp_path / 'gone' / 'counts.db'}")
    assert storage.incr("key", 60) == 1


def test_a_url_without_a_file_is_refused_and_a_broken_file_fails_the_check(
    tmp_path: Path,
) -> None:
    for url in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(ValueError, match="names no file"):
            SqliteCounters(url)
    (tmp_path / "not-a-database").write_bytes(b"\xff" * 4096)
    broken = SqliteCounters(f"sqlite:///{tmp_path / 'not-a-database'}")
    assert broken.base_exceptions is not None
    assert not broken.check()
