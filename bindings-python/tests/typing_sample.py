"""Uses every operation of both clients; checked with `mypy --strict` (not run by pytest)."""
from __future__ import annotations

import asyncio
from typing import List, Optional

import webex_emergency as we


def blocking(c: we.Client, person: str, ws: str, vl: str, hg: str, loc: str) -> List[Optional[str]]:
    e: we.Ecbn = c.people.get_ecbn(person)
    info: Optional[we.EcbnInfo] = e.direct_line_info
    quality: Optional[str] = info.quality if info else None
    c.people.update_ecbn(person, selected="LOCATION_MEMBER_NUMBER", location_member_id=ws)
    c.people.update_ecbn(person, {"selected": "DIRECT_LINE", "elinEnabled": True}, org_id=None)
    deps: we.EcbnDependencies = c.people.ecbn_dependencies(person)
    count: Optional[int] = deps.dependent_member_count
    c.workspaces.get_ecbn(ws)
    c.workspaces.update_ecbn(ws, elin_enabled=True)
    c.workspaces.ecbn_dependencies(ws)
    c.virtual_lines.get_ecbn(vl)
    c.virtual_lines.update_ecbn(vl, selected="LOCATION_ECBN")
    c.virtual_lines.ecbn_dependencies(vl)
    c.hunt_groups.ecbn_dependencies(hg)
    org: we.OrgNotification = c.notifications.get_org()
    c.notifications.update_org(email_address="a@example.org", emergency_call_notification_enabled=True)
    ln: we.LocationNotification = c.notifications.get_location(loc)
    c.notifications.update_location(loc, email_address="b@example.org")
    acct: we.Account = c.redsky.get_account()
    c.redsky.create_account(email="a@example.org", org_prefix="wxc")
    login: we.LoginResult = c.redsky.login(email="a@example.org", password="pw")
    c.redsky.update_service_settings(enabled=True, company_id=login.company_id)
    st: we.ComplianceStatus = c.redsky.get_status()
    c.redsky.update_status(compliance_status="LOCATION_SETUP")
    page = c.redsky.compliance_status_page(0, 100, "locationName-asc")
    names = [loc_.name for loc_ in c.redsky.compliance_statuses(page_size=50)]
    params: we.LocationParameters = c.redsky.location_parameters(loc)
    c.redsky.location_status(loc)
    c.redsky.create_building(loc, alerting_email="c@example.org", address={"city": "Austin", "country": "US"})
    c.redsky.update_building(loc, address={"city": "Dallas"})
    upd: we.LocationStatusUpdate = c.redsky.update_location_status(loc, compliance_status="LOCATION_SETUP")
    shown: we.PreparedRequest = c.people.update_ecbn(person, selected="DIRECT_LINE", dry_run=True)
    results: we.BulkResults = c.people.bulk_update_ecbn([(person, {"selected": "DIRECT_LINE"})], concurrency=4)
    failed: List[we.BulkResult] = results.failed
    return [quality, str(count), org.email_address, ln.email_address, str(acct.enabled), str(st.org_status),
            str(page.locations_status), str(names), str(params.routing_enabled), str(upd.locations_status),
            shown.url, str(len(failed))]


async def concurrent(c: we.AsyncClient, people: List[str], loc: str) -> int:
    got = await asyncio.gather(*(c.people.get_ecbn(p) for p in people))
    await c.notifications.update_location(loc, emergency_call_notification_enabled=False)
    await c.redsky.get_account()
    n = 0
    async for _ in c.redsky.compliance_statuses():
        n += 1
    bulk = await c.workspaces.bulk_update_ecbn([{"workspace_id": p, "elin_enabled": True} for p in people])
    sheet: we.SheetResults = await c.bulk_csv("ecbn", "kind,id,selected,locationMemberId\n", dry_run=True)
    return len(got) + n + len(bulk) + len(sheet)


def main() -> None:
    with we.Simulator(size=300) as sim:
        d = sim.directory(10)
        with sim.client() as c:
            try:
                blocking(c, d["people"][0], d["workspaces"][0], d["virtualLines"][0], d["huntGroups"][0],
                         d["locations"][0]["id"])
            except we.APIError as e:
                print(e.status, e.tracking_id, e.retry_after)
            except we.ValidationError as e:
                print(e.errors)

        async def run() -> int:
            async with sim.async_client() as ac:
                return await concurrent(ac, d["people"], d["locations"][0]["id"])

        print(asyncio.run(run()))


if __name__ == "__main__":
    main()
