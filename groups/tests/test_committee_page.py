"""A committee's home lists its requests a page at a time, newest first."""

from __future__ import annotations

from groups.tests.test_views import _bulk_requests


def test_requests_are_paged(client, group, committee):
    _bulk_requests(group, committee, 30)  # "Request 0" is the newest, "Request 29" the oldest
    client.force_login(committee)
    first = client.get("/groups/g/kenya/committee/").content.decode()
    assert first.count('data-label="Submitted"') == 25
    assert ">Request 0</a>" in first and ">Request 29</a>" not in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = client.get("/groups/g/kenya/committee/", {"page": "2"}).content.decode()
    assert second.count('data-label="Submitted"') == 5
    assert ">Request 29</a>" in second and ">Request 0</a>" not in second
    assert client.get("/groups/g/kenya/committee/", {"page": "x"}).status_code == 200
