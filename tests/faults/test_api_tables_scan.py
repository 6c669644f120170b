"""The API's own tables leave no byte of a new number or a name in any file of PostgreSQL's data directory.

tests/integration/test_privacy_api_tables.py reads every row; this runs the same flows on a PostgreSQL server
of its own (tests/faults/cluster.py), as tests/faults/test_erasure_scan.py does for the ledger: a sign-in code
to a number not enrolled yet (its code row, its rate-limit counters, its outbox row, sent by the dispatcher),
the unbound session and the enrolment form, the enrolment with a name, and shop outcomes quoting the number
and the name with and without a member. Then CHECKPOINT and a WAL switch, and every file under the data
directory (heap pages, WAL, the server log) is read as bytes: no needle, with no erasure at all, because
nothing was ever written in plaintext. A positive control (a shop's reference, stored plain on purpose)
shows the scan sees row contents in those files.
"""

from __future__ import annotations

import psycopg
import pytest

from adapters.store import IntegrationStore
from api.main import create_app
from loyalty_core import commands as c
from tests.e2e.conftest import _with_demo_program, api_settings
from tests.faults.cluster import postgres_bin
from tests.faults.test_erasure_scan import cluster, data_files  # noqa: F401 - the fixture, by name
from tests.integration.test_privacy import NAME, PHONE_E164, PHONE_NATIONAL, needles, scan
from tests.integration.test_privacy_api_tables import TestClient, sign_in

pytestmark = [pytest.mark.postgres]

CONTROL = "ORDER-CONTROL-5521"


def test_no_byte_of_a_new_number_or_a_name_is_in_any_file_of_the_data_directory(cluster):  # noqa: F811
    assert postgres_bin() is not None
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute('CREATE SCHEMA "apitables"')
    url = f"{cluster.url}?schema=apitables"
    app = _with_demo_program(create_app(api_settings(url)))
    try:
        api = app.state.api
        with TestClient(app, raise_server_exceptions=False) as browser:
            code = sign_in(browser, api, api.runtime.settings)
            assert browser.post("/app/sign-in/code", data={"phone": PHONE_NATIONAL, "code": code},
                                follow_redirects=False).headers["location"] == "/app/enrol"
            assert PHONE_E164 in browser.get("/app/enrol").text
            assert browser.post("/app/enrol", data={"name": NAME}, follow_redirects=False).status_code == 303
        assert api.service.resolve(c.MemberRef(phone=PHONE_NATIONAL)).name == NAME  # enrolled through the app
        shops = IntegrationStore(api.tables)
        shops.record("shopify", "shop-1", f"order:{CONTROL}", CONTROL, "unclaimed", 202,
                     {"status": "unclaimed", "buyer": {"phone": PHONE_E164, "name": NAME}})
        assert shops.outcome("shopify", "shop-1", f"order:{CONTROL}")["body"]["buyer"]["name"] == NAME
    finally:
        app.state.api.close()
    assert scan(url) == {}
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        conn.execute("SELECT pg_switch_wal()")
    files = data_files(cluster.data)
    assert any(p.startswith("pg_wal/") for p in files)
    assert any(CONTROL.encode() in blob for blob in files.values()), "the scan must see row contents"
    found = {what: [p for p, blob in files.items() if needle in blob]
             for what, needle in needles().items() if any(needle in blob for blob in files.values())}
    assert found == {}
