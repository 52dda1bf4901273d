//! All 26 operations over HTTP against the simulator, with state carried between calls.

mod common;
use common::*;

use futures_util::StreamExt;
use webex_emergency::*;

#[tokio::test]
async fn ecbn_operations_of_people_workspaces_virtual_lines_and_hunt_groups() {
    let sim = sim(200);
    let c = client(&sim);
    let d = dir(&sim);

    // people: read, point at a workspace's number, read back, dependencies move.
    let person = &d.people[3];
    let before = c.people().get_ecbn(person).await.unwrap();
    assert!(before.selected.is_some());
    assert!(before.direct_line_info.as_ref().unwrap().quality.is_some());
    let target = &d.workspaces[0];
    let deps_before = c.workspaces().ecbn_dependencies(target).await.unwrap();
    c.people()
        .update_ecbn(
            person,
            &PersonEcbnUpdate {
                selected: Some(CallbackSelection::LocationMemberNumber),
                location_member_id: Some(target.clone()),
                elin_enabled: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let after = c.people().get_ecbn(person).await.unwrap();
    assert_eq!(after.selected, Some(EcbnSelection::LocationMemberNumber));
    assert_eq!(after.elin_enabled, Some(true));
    let info = after.location_member_info.unwrap();
    assert_eq!(info.member_id.as_deref(), Some(target.as_str()));
    assert_eq!(info.member_type, Some(MemberType::Place));
    let deps_after = c.workspaces().ecbn_dependencies(target).await.unwrap();
    assert_eq!(
        deps_after.dependent_member_count.unwrap(),
        deps_before.dependent_member_count.unwrap() + 1
    );

    // workspaces
    let ws = &d.workspaces[1];
    c.workspaces()
        .update_ecbn(ws, &WorkspaceEcbnUpdate { selected: Some(CallbackSelection::LocationEcbn), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(c.workspaces().get_ecbn(ws).await.unwrap().selected, Some(EcbnSelection::LocationEcbn));
    c.people().ecbn_dependencies(&d.people[0]).await.unwrap();

    // virtual lines
    let vl = &d.virtual_lines[0];
    c.virtual_lines()
        .update_ecbn(vl, &VirtualLineEcbnUpdate { selected: Some(CallbackSelection::DirectLine), location_member_id: None })
        .await
        .unwrap();
    let got = c.virtual_lines().get_ecbn(vl).await.unwrap();
    assert_eq!(got.selected, Some(EcbnSelection::DirectLine));
    assert_eq!(got.elin_enabled, None, "virtual lines have no ELIN setting");
    let deps = c.virtual_lines().ecbn_dependencies(vl).await.unwrap();
    assert_eq!(deps.is_self_ecbn_default, Some(true));

    // hunt groups
    let hg = c.hunt_groups().ecbn_dependencies(&d.hunt_groups[0]).await.unwrap();
    assert!(hg.dependent_member_count.is_some());
}

#[tokio::test]
async fn notification_operations_persist() {
    let sim = sim(200);
    let c = client(&sim);
    let d = dir(&sim);
    c.notifications()
        .update_org(&OrgNotificationUpdate {
            emergency_call_notification_enabled: Some(true),
            allow_email_notification_all_location_enabled: Some(true),
            email_address: Some("soc@example.org".into()),
        })
        .await
        .unwrap();
    let org = c.notifications().get_org().await.unwrap();
    assert_eq!(org.email_address.as_deref(), Some("soc@example.org"));
    assert_eq!(org.allow_email_notification_all_location_enabled, Some(true));

    let loc = &d.locations[0];
    c.notifications()
        .update_location(loc, &LocationNotificationUpdate { emergency_call_notification_enabled: Some(true), email_address: Some("site@example.org".into()) })
        .await
        .unwrap();
    let got = c.notifications().get_location(loc).await.unwrap();
    assert_eq!(got.email_address.as_deref(), Some("site@example.org"));
    assert_eq!(got.organization.unwrap().email_address.as_deref(), Some("soc@example.org"));
}

#[tokio::test]
async fn redsky_flow_end_to_end_with_orgid() {
    let sim = sim(2000); // 8 locations
    let d = dir(&sim);
    let c = Client::builder()
        .token(DEFAULT_TOKEN)
        .base_url(&sim.base_url)
        .org_id(&d.org_id)
        .build()
        .unwrap();
    let rs = c.redsky();
    assert_eq!(rs.get_account().await.unwrap().enabled, Some(false));
    rs.create_account(&AccountCreate {
        org_prefix: Some(OrgPrefix::Wxc),
        email: Some("admin@example.org".into()),
        partner_redsky_org_id: None,
    })
    .await
    .unwrap();
    let dup = rs
        .create_account(&AccountCreate { email: Some("admin@example.org".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(dup.status(), Some(409));
    let login = rs
        .login(&Login { email: Some("admin@example.org".into()), password: Some("S3cret!pass".into()), red_sky_org_id: None })
        .await
        .unwrap();
    assert_eq!(login.account_match, Some(true));
    let company = login.company_id.clone().unwrap();
    rs.update_service_settings(&ServiceSettingsUpdate {
        enabled: Some(true),
        company_id: Some(company.clone()),
        secret: Some("k3y".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let acct = rs.get_account().await.unwrap();
    assert_eq!(acct.enabled, Some(true));
    assert_eq!(acct.company_id.as_deref(), Some(company.as_str()));

    // Stages must go in order.
    let skip = rs
        .update_status(&ComplianceStatusUpdate { compliance_status: Some(ComplianceStage::Alerts) })
        .await
        .unwrap_err();
    assert_eq!(skip.status(), Some(400));
    for stage in [ComplianceStage::LocationSetup, ComplianceStage::Alerts, ComplianceStage::NetworkElements, ComplianceStage::RoutingEnabled] {
        rs.update_status(&ComplianceStatusUpdate { compliance_status: Some(stage) }).await.unwrap();
    }
    let status = rs.get_status().await.unwrap();
    assert_eq!(status.org_status, Some(OrgStatus::Enabled));
    assert_eq!(status.compliance_status, Some(ComplianceStatusValue::Compliant));

    // A location: building first, then its stages.
    let loc = &d.locations[1];
    let early = rs
        .update_location_status(loc, &ComplianceStatusUpdate { compliance_status: Some(ComplianceStage::LocationSetup) })
        .await
        .unwrap_err();
    assert_eq!(early.status(), Some(409));
    let address = Address {
        address_line1: Some("1 Main St".into()),
        city: Some("Austin".into()),
        state_or_province: Some("TX".into()),
        zip_or_postal_code: Some("73301".into()),
        country: Some("US".into()),
        ..Default::default()
    };
    rs.create_building(loc, &BuildingCreate { alerting_email: Some("alerts@example.org".into()), address: Some(address.clone()) })
        .await
        .unwrap();
    rs.update_building(loc, &BuildingUpdate { address: Some(Address { address_line2: Some("Floor 2".into()), ..address }) })
        .await
        .unwrap();
    let upd = rs
        .update_location_status(loc, &ComplianceStatusUpdate { compliance_status: Some(ComplianceStage::LocationSetup) })
        .await
        .unwrap();
    assert_eq!(upd.locations_status.unwrap().state, Some(LocationState::Alerts));
    let ls = rs.location_status(loc).await.unwrap();
    assert_eq!(ls.locations_status.unwrap().locations.unwrap()[0].id.as_deref(), Some(loc.as_str()));
    let params = rs.location_parameters(loc).await.unwrap();
    assert_eq!(params.routing_enabled, Some(false));

    // Paging: one page, then all pages as a stream.
    let page = rs.compliance_status_page(Some(0), Some(3), Some("locationName-asc")).await.unwrap();
    let page_status = page.locations_status.unwrap();
    assert_eq!(page_status.locations.unwrap().len(), 3);
    assert_eq!(page_status.count, Some(8));
    let all: Vec<_> = rs.compliance_statuses(Some(3), Some("locationName-desc"), None).collect().await;
    let names: Vec<String> = all.into_iter().map(|r| r.unwrap().name.unwrap()).collect();
    assert_eq!(names.len(), 8, "every location exactly once");
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names, sorted);

    // orgId was sent on every call.
    assert!(sim.journal().iter().all(|e| e.query.get("orgId") == Some(&d.org_id)));
}

#[tokio::test]
async fn every_operation_of_the_table_was_exercised() {
    // Run each operation once through the JSON entry point the bindings use.
    let sim = sim(200);
    let c = client(&sim);
    let d = dir(&sim);
    let loc = d.locations[0].clone();
    let args = |id: Option<&String>, body: Option<serde_json::Value>| bindings_api::Args {
        id: id.cloned(),
        body,
        ..Default::default()
    };

    let plan: Vec<(&str, bindings_api::Args)> = vec![
        ("redsky.get_account", args(None, None)),
        ("redsky.create_account", args(None, Some(serde_json::json!({"email": "a@example.org"})))),
        ("redsky.login", args(None, Some(serde_json::json!({"email": "a@example.org", "password": "pw"})))),
        ("redsky.update_service_settings", args(None, Some(serde_json::json!({"enabled": true})))),
        ("redsky.get_status", args(None, None)),
        ("redsky.update_status", args(None, Some(serde_json::json!({"complianceStatus": "LOCATION_SETUP"})))),
        ("redsky.compliance_status_page", bindings_api::Args { max: Some(10), ..Default::default() }),
        ("redsky.location_parameters", args(Some(&loc), None)),
        ("redsky.location_status", args(Some(&loc), None)),
        ("redsky.create_building", args(Some(&loc), Some(serde_json::json!({"alertingEmail": "b@example.org"})))),
        ("redsky.update_building", args(Some(&loc), Some(serde_json::json!({"address": {"city": "Paris"}})))),
        ("redsky.update_location_status", args(Some(&loc), Some(serde_json::json!({"complianceStatus": "LOCATION_SETUP"})))),
        ("notifications.get_org", args(None, None)),
        ("notifications.update_org", args(None, Some(serde_json::json!({"emailAddress": "c@example.org"})))),
        ("notifications.get_location", args(Some(&loc), None)),
        ("notifications.update_location", args(Some(&loc), Some(serde_json::json!({"emergencyCallNotificationEnabled": false})))),
        ("hunt_groups.ecbn_dependencies", args(Some(&d.hunt_groups[0]), None)),
        ("people.get_ecbn", args(Some(&d.people[0]), None)),
        ("people.update_ecbn", args(Some(&d.people[0]), Some(serde_json::json!({"selected": "DIRECT_LINE"})))),
        ("people.ecbn_dependencies", args(Some(&d.people[0]), None)),
        ("workspaces.get_ecbn", args(Some(&d.workspaces[0]), None)),
        ("workspaces.update_ecbn", args(Some(&d.workspaces[0]), Some(serde_json::json!({"elinEnabled": true})))),
        ("workspaces.ecbn_dependencies", args(Some(&d.workspaces[0]), None)),
        ("virtual_lines.get_ecbn", args(Some(&d.virtual_lines[0]), None)),
        ("virtual_lines.update_ecbn", args(Some(&d.virtual_lines[0]), Some(serde_json::json!({"selected": "LOCATION_ECBN"})))),
        ("virtual_lines.ecbn_dependencies", args(Some(&d.virtual_lines[0]), None)),
        ("locations.list_page", args(None, None)),
        ("people.list_page", args(None, None)),
        ("workspaces.list_page", args(None, None)),
        ("virtual_lines.list_page", args(None, None)),
        ("locations.get_ecbn", args(Some(&loc), None)),
        ("locations.update_ecbn", args(Some(&loc), Some(serde_json::json!({"selected": "LOCATION_NUMBER", "elinExpiryTimeMinutes": 30})))),
    ];
    let names: Vec<&str> = plan.iter().map(|(n, _)| *n).collect();
    for op in api::operations() {
        assert!(names.contains(&op.name), "{} not exercised", op.name);
    }
    assert_eq!(names.len(), api::operations().count());
    for (name, a) in plan {
        let r = bindings_api::send(bindings_api::call(&c, name, a).unwrap()).await;
        assert!(r.is_ok(), "{name}: {r:?}");
    }
    let journal = sim.journal();
    assert_eq!(journal.len(), 32);
    assert!(journal.iter().all(|e| e.status < 300), "{journal:?}");
    for (entry, name) in journal.iter().zip(names) {
        let op = api::find(name).unwrap();
        assert_eq!(entry.method, op.method.as_str(), "{name}");
        let template = op.path.split('{').next().unwrap();
        assert!(entry.path.starts_with(&format!("/v1{template}")), "{name}: {}", entry.path);
    }
}
