"""The throwaway PostgreSQL of tests/pgserver.py: it starts, isolates each test's database and leaves nothing."""

from __future__ import annotations

import socket

import pytest

pytestmark = pytest.mark.postgres


def _psql_tables(pg_server, url: str) -> set[str]:
    name = url.rsplit("/", 1)[1]
    rows = pg_server.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", database=name)
    return set(rows.split())


def test_each_test_gets_an_empty_database_of_its_own(pg_server, pg_db):
    name = pg_db.rsplit("/", 1)[1]
    assert _psql_tables(pg_server, pg_db) == set()
    pg_server.psql("CREATE TABLE kvar (x int); INSERT INTO kvar VALUES (1)", database=name)
    other = pg_server.create_database("annan_databas")
    try:
        assert _psql_tables(pg_server, other) == set()
        assert _psql_tables(pg_server, pg_server.url()) == set()  # nor in the session's `sammanhallen`
    finally:
        pg_server.drop_database("annan_databas")
    assert "annan_databas" not in pg_server.psql("SELECT datname FROM pg_database", database="postgres").split()


def test_the_url_and_the_socket_reach_the_same_server(pg_server, pg_url):
    psycopg = pytest.importorskip("psycopg")
    with psycopg.connect(pg_url) as tcp, psycopg.connect(pg_server.socket_url()) as local:
        assert tcp.execute("SELECT current_database()").fetchone() == ("sammanhallen",)
        assert local.execute("SELECT inet_server_port()").fetchone() == (None,)  # a Unix socket, no TCP port
        assert tcp.execute("SELECT inet_server_port()").fetchone() == (pg_server.port,)


def test_a_database_name_is_checked_before_it_reaches_sql(pg_server):
    with pytest.raises(ValueError, match="ogiltigt databasnamn"):
        pg_server.create_database('x"; DROP DATABASE sammanhallen; --')


def test_stop_removes_the_cluster_and_frees_the_port(pg_server):
    from tests.pgserver import PgServer

    server = PgServer(bin_dir=pg_server.bin_dir).start()
    base, port = server.base, server.port
    assert (base / "data" / "PG_VERSION").exists()
    server.stop()
    server.stop()  # twice is harmless
    assert not base.exists()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
