//! The simulated organization: seeded data, and the behaviour of the 26 operations on it.

use std::collections::HashMap;

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::schema::Spec;

/// Deterministic pseudo-random numbers (splitmix64).
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    /// A UUID-formatted text.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            (a >> 32) as u32,
            (a >> 16) as u16,
            a as u16 & 0xfff,
            0x8000 | (b >> 48) as u16 & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// Kinds of member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// PEOPLE
    Person,
    /// PLACE
    Workspace,
    /// VIRTUAL_LINE
    VirtualLine,
    /// HUNT_GROUP
    HuntGroup,
}

impl Kind {
    /// The kind inside a Webex ID.
    pub fn id_kind(self) -> &'static str {
        match self {
            Kind::Person => "PEOPLE",
            Kind::Workspace => "PLACE",
            Kind::VirtualLine => "VIRTUAL_LINE",
            Kind::HuntGroup => "HUNT_GROUP",
        }
    }
    pub(crate) fn accepts(self, kind: &str) -> bool {
        kind == self.id_kind() || (self == Kind::Workspace && kind == "PLACES")
    }
}

/// A person, workspace, virtual line or hunt group.
#[derive(Clone, Debug)]
pub struct Member {
    /// Kind.
    pub kind: Kind,
    /// Webex ID.
    pub id: String,
    /// First name.
    pub first: String,
    /// Last name.
    pub last: String,
    /// Own number, if any.
    pub number: Option<String>,
    /// Whether that number is active.
    pub active: bool,
    /// Index of the location.
    pub location: usize,
    /// Selected ECBN source.
    pub selected: &'static str,
    /// Member whose number is used with LOCATION_MEMBER_NUMBER.
    pub location_member: Option<usize>,
    /// ELIN flags.
    pub elin: bool,
    /// ELIN for the Webex App.
    pub elin_app: bool,
    /// People: has Webex Calling (a calling location in the people list); workspaces: its
    /// calling type is `webexCalling`.
    pub calling: bool,
}

/// A location.
#[derive(Clone, Debug)]
pub struct Location {
    /// Webex ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Main number.
    pub main_number: String,
    /// Member whose number is the location's ECBN (LOCATION_MEMBER_NUMBER), or none for the
    /// main number (LOCATION_NUMBER).
    pub ecbn_member: Option<usize>,
    /// Whether the main number is active.
    pub main_active: bool,
    /// ELIN expiry of the location ECBN, in minutes.
    pub elin_expiry: u64,
    /// Notification e-mail setting.
    pub notify_enabled: bool,
    /// Notification e-mail.
    pub notify_email: Option<String>,
    /// RedSky stage completed (0 none .. 4 routing enabled), or -1 for opted out.
    pub stage: i32,
    /// Building address and alert e-mail.
    pub building: Option<Value>,
}

/// The RedSky account.
#[derive(Clone, Debug)]
pub struct RedSky {
    email: String,
    password: Option<String>,
    company_id: String,
    red_sky_org_id: String,
    pub(crate) enabled: bool,
    external_tenant: bool,
    pub(crate) stage: i32,
}

/// A reply of the API.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// JSON body (none for 201/204 and for errors answered without body).
    pub body: Option<Value>,
}

pub(crate) fn ok(body: Value) -> Reply {
    Reply { status: 200, body: Some(body) }
}
pub(crate) fn empty(status: u16) -> Reply {
    Reply { status, body: None }
}
/// An error reply with the usual Webex body (the tracking ID is added by the server).
pub fn error(status: u16, code: u32, message: &str) -> Reply {
    Reply {
        status,
        body: Some(json!({"message": message, "errors": [{"description": message, "errorCode": code}]})),
    }
}

/// The whole organization.
pub struct Org {
    /// Organization Webex ID.
    pub org_id: String,
    org_uuid: String,
    /// Locations.
    pub locations: Vec<Location>,
    /// Members.
    pub members: Vec<Member>,
    pub(crate) by_inner: HashMap<String, usize>,
    loc_by_inner: HashMap<String, usize>,
    dependents: HashMap<usize, u64>,
    pub(crate) org_notify: (bool, bool, Option<String>),
    pub(crate) redsky: Option<RedSky>,
    rng: Rng,
    /// `http://host:port` of the request being answered (for absolute `Link` URLs).
    pub origin: String,
    /// Lists link back to their first page (a server that repeats a page).
    pub repeat_page: bool,
    /// References to locations are written in another form of the same ID (see `Faults`).
    pub respell_ids: bool,
}

/// Decodes a Webex ID into (kind, inner id).
pub fn decode_id(id: &str) -> Option<(String, String)> {
    let t = id.trim_end_matches('=');
    let bytes = STANDARD_NO_PAD.decode(t).or_else(|_| URL_SAFE_NO_PAD.decode(t)).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let rest = text.strip_prefix("ciscospark://")?;
    let mut parts = rest.splitn(3, '/');
    let _cluster = parts.next()?;
    let kind = parts.next()?.to_string();
    let inner = parts.next()?.to_string();
    Some((kind, inner))
}

/// The same ID in another of the API's forms: padded standard base64 with a `urn:TEAM:` cluster.
pub fn respell_id(id: &str) -> String {
    match decode_id(id) {
        Some((kind, inner)) => base64::engine::general_purpose::STANDARD.encode(format!("ciscospark://urn:TEAM:us-east-2_a/{kind}/{inner}")),
        None => id.to_string(),
    }
}

impl Org {
    /// How a reference to location `i` is written in answers.
    pub fn location_ref(&self, i: usize) -> String {
        let id = &self.locations[i].id;
        if self.respell_ids {
            respell_id(id)
        } else {
            id.clone()
        }
    }
}

fn encode_id(kind: &str, inner: &str) -> String {
    STANDARD_NO_PAD.encode(format!("ciscospark://us/{kind}/{inner}"))
}

const FIRST: [&str; 8] = ["Ana", "Ben", "Chloe", "Dev", "Emma", "Farid", "Grace", "Hiro"];
const LAST: [&str; 8] = ["Silva", "Okafor", "Novak", "Patel", "Berg", "Haddad", "Kim", "Tanaka"];

fn valid_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((l, d)) => !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !s.contains(' '),
        None => false,
    }
}

const STAGES: [&str; 4] = ["LOCATION_SETUP", "ALERTS", "NETWORK_ELEMENTS", "ROUTING_ENABLED"];

fn stage_of(s: &str) -> Option<i32> {
    if s == "OPTED_OUT" {
        return Some(-1);
    }
    STAGES.iter().position(|x| *x == s).map(|i| i as i32 + 1)
}

/// State of a location for compliance answers: the stage still pending.
pub(crate) fn location_state(stage: i32) -> &'static str {
    match stage {
        -1 => "OPTED_OUT",
        0 => "LOCATION_SETUP",
        1 => "ALERTS",
        2 => "NETWORK_ELEMENTS",
        3 => "ROUTING_ENABLE",
        _ => "COMPLIANT",
    }
}

impl Org {
    /// Seeds an organization of `size` members from `seed`, with an enabled RedSky account
    /// part way through its setup when `redsky` is set. At least 40 members give an entity for
    /// every audit rule (see [`Org::expected_findings`]).
    pub fn seed(seed: u64, size: usize, redsky: bool) -> Org {
        let mut rng = Rng(seed ^ 0x5EED);
        let org_uuid = rng.uuid();
        let n_loc = (size / 250).clamp(4, 2000);
        let mut locations = Vec::with_capacity(n_loc);
        let mut loc_by_inner = HashMap::with_capacity(n_loc);
        for i in 0..n_loc {
            let inner = rng.uuid();
            loc_by_inner.insert(inner.clone(), i);
            locations.push(Location {
                id: encode_id("LOCATION", &inner),
                name: format!("Site {:04} {}", i + 1, ["North", "South", "East", "West"][i % 4]),
                main_number: format!("+1972555{:04}", i % 10000),
                ecbn_member: None,
                // Location 2's main number is inactive (its ECBN is INVALID).
                main_active: i != 2,
                elin_expiry: 120,
                // Every third location has its own notification; the next one has it turned
                // on without an e-mail address (so it sends nothing).
                notify_enabled: i % 3 != 2,
                notify_email: (i % 3 == 0).then(|| format!("site{}@example.com", i + 1)),
                stage: if redsky { [0, 1, 2, 3, 4][i % 5] } else { 0 },
                building: None,
            });
        }
        let mut members = Vec::with_capacity(size);
        let mut by_inner = HashMap::with_capacity(size);
        for i in 0..size {
            let kind = match i % 20 {
                0..=13 => Kind::Person,
                14..=16 => Kind::Workspace,
                17..=18 => Kind::VirtualLine,
                _ => Kind::HuntGroup,
            };
            let inner = rng.uuid();
            by_inner.insert(inner.clone(), i);
            let has_number = rng.below(10) != 0;
            members.push(Member {
                kind,
                id: encode_id(kind.id_kind(), &inner),
                first: FIRST[i % 8].to_string(),
                last: format!("{} {}", LAST[(i / 8) % 8], i),
                number: has_number.then(|| format!("+1214{:07}", i % 10_000_000)),
                active: rng.below(20) != 0,
                // Not `i % n_loc`: kinds repeat every 20 members, and each location should
                // hold every kind.
                location: (i + i / 20) % n_loc,
                selected: if has_number { "DIRECT_LINE" } else { "LOCATION_ECBN" },
                location_member: None,
                elin: false,
                elin_app: false,
                // Some people have no calling, some workspaces another calling type.
                calling: i % 50 != 5 && i % 50 != 15,
            });
        }
        let mut org = Org {
            org_id: encode_id("ORGANIZATION", &org_uuid),
            org_uuid,
            locations,
            members,
            by_inner,
            loc_by_inner,
            dependents: HashMap::new(),
            org_notify: (true, false, Some("e911-alerts@example.com".into())),
            redsky: None,
            rng,
            origin: String::new(),
            repeat_page: false,
            respell_ids: false,
        };
        if redsky {
            let (company_id, red_sky_org_id) = (org.rng.uuid(), org.rng.uuid());
            org.redsky = Some(RedSky {
                email: "redsky-admin@example.com".into(),
                password: None,
                company_id,
                red_sky_org_id,
                enabled: true,
                external_tenant: false,
                stage: 1,
            });
        }
        // Location ECBN: the main number (locations 0 and 2), a hunt group's number (location 1:
        // NOT_RECOMMENDED) or a person's (the others).
        for l in 0..n_loc {
            let wanted = if l == 1 { Kind::HuntGroup } else { Kind::Person };
            if l == 0 || l == 2 {
                continue;
            }
            let found = (0..org.members.len()).find(|&m| {
                let x = &org.members[m];
                x.location == l && x.kind == wanted && x.number.is_some() && x.active && x.calling
            });
            org.locations[l].ecbn_member = found;
        }
        // Cases every audit rule needs, at fixed places in every 50 members: no source
        // selected (NONE), DIRECT_LINE without a number (its block in effect falls to NONE:
        // `ecbn-none` only), another member's number that is a hunt group's.
        for m in 0..org.members.len() {
            let x = &org.members[m];
            match (m % 50, x.kind) {
                (11, Kind::Person) => org.members[m].selected = "NONE",
                (23, Kind::Person) => {
                    org.members[m].number = None;
                    org.members[m].selected = "DIRECT_LINE";
                }
                _ => {}
            }
        }
        // Some members use another member's number (for every 50th, a hunt group's).
        for m in (7..org.members.len()).step_by(7) {
            let loc = org.members[m].location;
            let target = if m % 50 == 49 {
                (0..org.members.len()).find(|&t| org.members[t].kind == Kind::HuntGroup && org.members[t].location == loc)
            } else {
                (0..m).rev().take(40).find(|&t| org.members[t].location == loc && t % 3 == m % 3)
            };
            let Some(target) = target else { continue };
            if target != m && org.members[m].selected != "NONE" {
                org.members[m].selected = "LOCATION_MEMBER_NUMBER";
                org.members[m].location_member = Some(target);
                *org.dependents.entry(target).or_default() += 1;
            }
        }
        org
    }

    /// Directory of IDs for tests and demos.
    pub fn directory(&self, limit: usize) -> Value {
        // By location, so that the first IDs of each kind share a location (tests that let
        // one member use another's number take the first of each).
        let ids = |k: Kind| -> Vec<&str> {
            let mut of_kind: Vec<&Member> = self.members.iter().filter(|m| m.kind == k).collect();
            of_kind.sort_by_key(|m| m.location);
            of_kind.into_iter().take(limit).map(|m| m.id.as_str()).collect()
        };
        json!({
            "orgId": self.org_id,
            "locations": self.locations.iter().take(limit).map(|l| json!({"id": l.id, "name": l.name})).collect::<Vec<_>>(),
            "people": ids(Kind::Person),
            "workspaces": ids(Kind::Workspace),
            "virtualLines": ids(Kind::VirtualLine),
            "huntGroups": ids(Kind::HuntGroup),
            "counts": {"members": self.members.len(), "locations": self.locations.len()},
        })
    }

    /// Whether `org_id` names this organization (403 otherwise, 400 if not an org ID).
    pub fn check_org(&self, org_id: &str) -> Result<(), Reply> {
        match decode_id(org_id) {
            Some((k, inner)) if k == "ORGANIZATION" && inner == self.org_uuid => Ok(()),
            Some((k, _)) if k == "ORGANIZATION" => Err(error(403, 4003, "Not authorized for this organization")),
            _ => Err(error(400, 4001, "Invalid orgId")),
        }
    }

    pub(crate) fn member(&self, id: &str, kind: Kind) -> Result<usize, Reply> {
        let not_found = || error(404, 4008, "Member not found");
        let (k, inner) = decode_id(id).ok_or_else(not_found)?;
        let idx = *self.by_inner.get(&inner).ok_or_else(not_found)?;
        if !kind.accepts(&k) || self.members[idx].kind != kind {
            return Err(not_found());
        }
        Ok(idx)
    }

    pub(crate) fn location(&self, id: &str) -> Result<usize, Reply> {
        let not_found = || error(404, 4008, "Location not found");
        let (k, inner) = decode_id(id).ok_or_else(not_found)?;
        if k != "LOCATION" {
            return Err(not_found());
        }
        self.loc_by_inner.get(&inner).copied().ok_or_else(not_found)
    }

    /// The quality of a member's number: RECOMMENDED for an active number of a person,
    /// workspace or virtual line, NOT_RECOMMENDED for a hunt group's, else INVALID.
    pub(crate) fn quality(&self, m: &Member) -> &'static str {
        match (&m.number, m.active, m.kind) {
            (Some(_), true, Kind::HuntGroup) => "NOT_RECOMMENDED",
            (Some(_), true, _) => "RECOMMENDED",
            _ => "INVALID",
        }
    }

    /// A location's own ECBN: its level, number and quality.
    pub(crate) fn location_ecbn_effective(&self, loc: &Location) -> (&'static str, String, &'static str) {
        match loc.ecbn_member.map(|e| &self.members[e]) {
            Some(e) => ("LOCATION_MEMBER_NUMBER", e.number.clone().unwrap_or_default(), self.quality(e)),
            None => ("LOCATION_NUMBER", loc.main_number.clone(), if loc.main_active { "RECOMMENDED" } else { "INVALID" }),
        }
    }

    /// The member-level `locationECBNInfo`: the location's ECBN, its level mirroring the
    /// location ECBN's own source.
    fn location_ecbn_info(&self, loc: &Location) -> Value {
        let (level, number, quality) = self.location_ecbn_effective(loc);
        let (first, last) = match loc.ecbn_member.map(|e| &self.members[e]) {
            Some(e) => (e.first.clone(), e.last.clone()),
            None => (loc.name.clone(), ".".to_string()),
        };
        json!({
            "phoneNumber": number, "firstName": first, "lastName": last,
            "effectiveLevel": level, "effectiveValue": number, "quality": quality,
        })
    }

    fn ecbn(&self, idx: usize) -> Value {
        let m = &self.members[idx];
        let loc = &self.locations[m.location];
        let q = self.quality(m);
        let loc_info = self.location_ecbn_info(loc);
        let (_, loc_number, _) = self.location_ecbn_effective(loc);
        // An unusable number falls back to the location ECBN; no number at all to nothing.
        let mut direct = match (&m.number, q) {
            (None, _) => json!({"firstName": m.first, "lastName": m.last, "effectiveLevel": "NONE"}),
            (Some(n), "INVALID") => json!({
                "phoneNumber": n, "firstName": m.first, "lastName": m.last,
                "effectiveLevel": "LOCATION_ECBN", "effectiveValue": loc_number, "quality": q,
            }),
            (Some(n), _) => json!({
                "phoneNumber": n, "firstName": m.first, "lastName": m.last,
                "effectiveLevel": "DIRECT_LINE", "effectiveValue": n, "quality": q,
            }),
        };
        if m.kind == Kind::HuntGroup {
            direct.as_object_mut().map(|d| d.remove("lastName"));
        }
        let mut out = json!({
            "selected": m.selected,
            "directLineInfo": direct,
            "locationECBNInfo": loc_info,
            "defaultInfo": {"effectiveValue": loc.main_number, "quality": "RECOMMENDED"},
        });
        if let Some(t) = m.location_member.map(|t| &self.members[t]) {
            let member_type = match t.kind {
                Kind::Person => "PEOPLE",
                Kind::Workspace => "PLACE",
                // Not in the spec's MemberType enum: clients must keep unknown values.
                Kind::VirtualLine => "VIRTUAL_LINE",
                Kind::HuntGroup => "HUNT_GROUP",
            };
            let tq = self.quality(t);
            let (level, value) = if tq == "INVALID" {
                ("LOCATION_ECBN", loc_number.clone())
            } else {
                ("LOCATION_MEMBER_NUMBER", t.number.clone().unwrap_or_default())
            };
            out["locationMemberInfo"] = json!({
                "phoneNumber": t.number, "firstName": t.first, "lastName": t.last, "memberId": t.id,
                "memberType": member_type, "effectiveLevel": level, "effectiveValue": value, "quality": tq,
            });
        }
        match m.kind {
            Kind::Person => {
                out["elinEnabled"] = json!(m.elin);
                out["elinForWebexAppEnabled"] = json!(m.elin_app);
            }
            Kind::Workspace => out["elinEnabled"] = json!(m.elin),
            _ => {}
        }
        out
    }

    fn dependencies(&self, idx: usize) -> Value {
        let m = &self.members[idx];
        json!({
            "isLocationEcbnDefault": self.locations[m.location].ecbn_member == Some(idx),
            "isSelfEcbnDefault": m.selected == "DIRECT_LINE",
            "dependentMemberCount": self.dependents.get(&idx).copied().unwrap_or(0),
        })
    }

    fn update_ecbn(&mut self, idx: usize, body: &Map<String, Value>) -> Reply {
        let selected = body.get("selected").and_then(Value::as_str);
        let member_id = body.get("locationMemberId").and_then(Value::as_str);
        let mut target = None;
        if selected == Some("LOCATION_MEMBER_NUMBER") {
            let Some(mid) = member_id else {
                return error(400, 25008, "locationMemberId is required when selected is LOCATION_MEMBER_NUMBER");
            };
            let t = decode_id(mid).and_then(|(_, inner)| self.by_inner.get(&inner).copied());
            match t {
                Some(t) if t == idx => return error(400, 25009, "A member cannot use itself as location member"),
                Some(t) if self.members[t].location != self.members[idx].location => {
                    return error(400, 25009, "locationMemberId is not a member of this location")
                }
                Some(t) => target = Some(t),
                None => return error(400, 25009, "locationMemberId is not a member of this location"),
            }
        }
        if let Some(s) = selected {
            if let Some(old) = self.members[idx].location_member.take() {
                if let Some(c) = self.dependents.get_mut(&old) {
                    *c = c.saturating_sub(1);
                }
            }
            self.members[idx].selected = match s {
                "DIRECT_LINE" => "DIRECT_LINE",
                "LOCATION_ECBN" => "LOCATION_ECBN",
                _ => "LOCATION_MEMBER_NUMBER",
            };
            if let Some(t) = target {
                self.members[idx].location_member = Some(t);
                *self.dependents.entry(t).or_default() += 1;
            }
        }
        let m = &mut self.members[idx];
        if let Some(b) = body.get("elinEnabled").and_then(Value::as_bool) {
            m.elin = b;
        }
        if let Some(b) = body.get("elinForWebexAppEnabled").and_then(Value::as_bool) {
            m.elin_app = b;
        }
        empty(204)
    }

    fn org_notification(&self) -> Value {
        let (e, all, mail) = &self.org_notify;
        let mut v = json!({"emergencyCallNotificationEnabled": e, "allowEmailNotificationAllLocationEnabled": all});
        if let Some(m) = mail {
            v["emailAddress"] = json!(m);
        }
        v
    }

    fn check_notification(body: &Map<String, Value>, current_email: &Option<String>) -> Result<(), Reply> {
        let email = body.get("emailAddress").and_then(Value::as_str);
        if let Some(e) = email {
            if !valid_email(e) {
                return Err(error(400, 25009, "emailAddress is not a valid e-mail address"));
            }
        }
        let enabled = body.get("emergencyCallNotificationEnabled").and_then(Value::as_bool);
        if enabled == Some(true) && email.is_none() && current_email.is_none() {
            return Err(error(400, 25008, "emailAddress is required when emergencyCallNotificationEnabled is true"));
        }
        Ok(())
    }

    fn compliance(&self, locations: Vec<usize>, with_state: bool, list_state: bool, count: usize) -> Value {
        let rs = self.redsky.as_ref();
        let (org_status, compliance) = self.org_redsky_status();
        let locs: Vec<Value> = locations
            .iter()
            .map(|&i| {
                let l = &self.locations[i];
                let mut v = json!({"id": self.location_ref(i), "name": l.name});
                if list_state {
                    v["state"] = json!(location_state(l.stage));
                }
                v
            })
            .collect();
        let mut status = json!({"count": count, "locations": locs});
        if with_state {
            let least = locations.iter().map(|&i| self.locations[i].stage).min().unwrap_or(0);
            status["state"] = json!(location_state(least));
        }
        let mut out = json!({"orgStatus": org_status, "complianceStatus": compliance, "locationsStatus": status});
        if let Some(r) = rs {
            out["companyId"] = json!(r.company_id);
            out["redSkyOrgId"] = json!(r.red_sky_org_id);
            out["adminExists"] = json!(true);
        }
        out
    }

    /// The organization's RedSky `orgStatus` and `complianceStatus`: INITIALISE without an
    /// account, ENABLED once enabled (or past its last stage), COMPLIANT after its last stage.
    pub(crate) fn org_redsky_status(&self) -> (&'static str, &'static str) {
        match self.redsky.as_ref() {
            Some(r) if r.stage == -1 => ("OPTED_OUT", "OPTED_OUT"),
            Some(r) if r.stage == 4 => ("ENABLED", "COMPLIANT"),
            Some(r) if r.enabled => ("ENABLED", "NON_COMPLIANT"),
            _ => ("INITIALISE", "NON_COMPLIANT"),
        }
    }

    fn least_advanced(&self, n: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.locations.len()).collect();
        idx.sort_by_key(|&i| (self.locations[i].stage, i));
        idx.truncate(n);
        idx
    }

    fn account(&self) -> Result<&RedSky, Reply> {
        self.redsky.as_ref().ok_or_else(|| error(404, 4008, "No RedSky account for this organization: create one first"))
    }

    fn advance(current: i32, wanted: i32) -> Result<i32, Reply> {
        if wanted == -1 || wanted == current || wanted == current + 1 {
            Ok(wanted)
        } else {
            Err(error(
                400,
                25010,
                &format!(
                    "Compliance stages must be completed in order LOCATION_SETUP, ALERTS, NETWORK_ELEMENTS, ROUTING_ENABLED; next is {}",
                    STAGES.get(current.max(0) as usize).copied().unwrap_or("none")
                ),
            ))
        }
    }

    /// Answers one API request. `route` is the spec path template, `param` its path value.
    pub fn handle(
        &mut self,
        spec: &Spec,
        method: &str,
        route: &str,
        param: Option<&str>,
        query: &HashMap<String, String>,
        body: Option<&Value>,
    ) -> Reply {
        if let Some(org) = query.get("orgId") {
            if let Err(r) = self.check_org(org) {
                return r;
            }
        }
        let empty_obj = Map::new();
        let obj = if let Some(schema) = spec.request_schema(method, route) {
            let Some(b) = body else { return error(400, 25008, "A JSON body is required") };
            let mut problems = Vec::new();
            spec.check(schema, b, "", &mut problems);
            if !problems.is_empty() {
                let message = problems.join("; ");
                return error(400, 25009, &message);
            }
            b.as_object().unwrap_or(&empty_obj)
        } else {
            &empty_obj
        };
        let p = param.unwrap_or("");
        let kind_of = |r: &str| {
            if r.contains("/people/") {
                Kind::Person
            } else if r.contains("/workspaces/") {
                Kind::Workspace
            } else if r.contains("/virtualLines/") {
                Kind::VirtualLine
            } else {
                Kind::HuntGroup
            }
        };
        let r = (|| -> Result<Reply, Reply> {
            Ok(match (method, route) {
                (m, r) if r.contains("/features/") => return self.handle_directory(m, r, p, query, body),
                ("GET", r) if r.ends_with("/emergencyCallbackNumber") => ok(self.ecbn(self.member(p, kind_of(r))?)),
                ("PUT", r) if r.ends_with("/emergencyCallbackNumber") => {
                    let idx = self.member(p, kind_of(r))?;
                    self.update_ecbn(idx, obj)
                }
                ("GET", r) if r.ends_with("/emergencyCallbackNumber/dependencies") => {
                    ok(self.dependencies(self.member(p, kind_of(r))?))
                }
                ("GET", "/telephony/config/emergencyCallNotification") => ok(self.org_notification()),
                ("PUT", "/telephony/config/emergencyCallNotification") => {
                    Self::check_notification(obj, &self.org_notify.2)?;
                    let n = &mut self.org_notify;
                    if let Some(b) = obj.get("emergencyCallNotificationEnabled").and_then(Value::as_bool) {
                        n.0 = b;
                    }
                    if let Some(b) = obj.get("allowEmailNotificationAllLocationEnabled").and_then(Value::as_bool) {
                        n.1 = b;
                    }
                    if let Some(e) = obj.get("emailAddress").and_then(Value::as_str) {
                        n.2 = Some(e.to_string());
                    }
                    empty(204)
                }
                ("GET", "/telephony/config/locations/{locationId}/emergencyCallNotification") => {
                    let l = &self.locations[self.location(p)?];
                    let mut v = json!({"emergencyCallNotificationEnabled": l.notify_enabled, "organization": self.org_notification()});
                    if let Some(e) = &l.notify_email {
                        v["emailAddress"] = json!(e);
                    }
                    ok(v)
                }
                ("PUT", "/telephony/config/locations/{locationId}/emergencyCallNotification") => {
                    let i = self.location(p)?;
                    Self::check_notification(obj, &self.locations[i].notify_email)?;
                    let l = &mut self.locations[i];
                    if let Some(b) = obj.get("emergencyCallNotificationEnabled").and_then(Value::as_bool) {
                        l.notify_enabled = b;
                    }
                    if let Some(e) = obj.get("emailAddress").and_then(Value::as_str) {
                        l.notify_email = Some(e.to_string());
                    }
                    empty(204)
                }
                ("GET", "/telephony/config/redSky") => match &self.redsky {
                    Some(r) => ok(json!({
                        "enabled": r.enabled, "companyId": r.company_id, "secret": "*****",
                        "locationsEnabled": self.locations.iter().any(|l| l.stage >= 3),
                    })),
                    None => ok(json!({"enabled": false, "locationsEnabled": false})),
                },
                ("POST", "/telephony/config/redSky") => {
                    if self.redsky.is_some() {
                        return Err(error(409, 25011, "A RedSky account already exists for this organization"));
                    }
                    let email = obj.get("email").and_then(Value::as_str).unwrap_or_default();
                    if !valid_email(email) {
                        return Err(error(400, 25009, "email is not a valid e-mail address"));
                    }
                    let company_id = self.rng.uuid();
                    let red_sky_org_id = self.rng.uuid();
                    self.redsky = Some(RedSky {
                        email: email.to_string(),
                        password: None,
                        company_id,
                        red_sky_org_id,
                        enabled: false,
                        external_tenant: false,
                        stage: 0,
                    });
                    empty(201)
                }
                ("POST", "/telephony/config/redSky/actions/login/invoke") => {
                    let email = obj.get("email").and_then(Value::as_str).unwrap_or_default().to_string();
                    let password = obj.get("password").and_then(Value::as_str).unwrap_or_default().to_string();
                    let rs = self.redsky.as_mut().ok_or_else(|| error(404, 4008, "No RedSky account for this organization: create one first"))?;
                    if !email.eq_ignore_ascii_case(&rs.email) || password.is_empty() || rs.password.as_ref().is_some_and(|p| p != &password) {
                        return Err(error(400, 25012, "RedSky login failed: e-mail or password is wrong"));
                    }
                    rs.password = Some(password);
                    ok(json!({"accountMatch": true, "externalTenantEnabled": rs.external_tenant, "companyId": rs.company_id}))
                }
                ("PUT", "/telephony/config/redSky/serviceSettings") => {
                    let ext = obj.get("externalTenantEnabled").and_then(Value::as_bool).unwrap_or(false);
                    if ext && (!obj.contains_key("email") || !obj.contains_key("password")) {
                        return Err(error(400, 25008, "email and password are required when externalTenantEnabled is true"));
                    }
                    let rs = self.redsky.as_mut().ok_or_else(|| error(404, 4008, "No RedSky account for this organization: create one first"))?;
                    rs.enabled = obj.get("enabled").and_then(Value::as_bool).unwrap_or(rs.enabled);
                    rs.external_tenant = ext;
                    if let Some(c) = obj.get("companyId").and_then(Value::as_str) {
                        rs.company_id = c.to_string();
                    }
                    empty(204)
                }
                ("GET", "/telephony/config/redSky/status") => {
                    ok(self.compliance(self.least_advanced(4), true, false, self.locations.len()))
                }
                ("PUT", "/telephony/config/redSky/status") => {
                    let cur = self.account()?.stage;
                    let wanted = stage_of(obj.get("complianceStatus").and_then(Value::as_str).unwrap_or_default()).unwrap_or(0);
                    let next = Self::advance(cur, wanted)?;
                    if let Some(r) = self.redsky.as_mut() {
                        r.stage = next;
                    }
                    ok(self.compliance(self.least_advanced(4), true, false, self.locations.len()))
                }
                ("GET", "/telephony/config/redSky/complianceStatus") => {
                    let start: usize = parse_num(query.get("start"), 0, "start")?;
                    // Pages hold at most 2,000 items (the default), whatever `max` asks.
                    let max: usize = parse_num(query.get("max"), 2000, "max")?.min(2000);
                    if max == 0 {
                        return Err(error(400, 25009, "max must be at least 1"));
                    }
                    let order = query.get("order").map(String::as_str).unwrap_or("locationName-asc");
                    let (key, dir) = order.rsplit_once('-').unwrap_or((order, "asc"));
                    let mut idx: Vec<usize> = (0..self.locations.len()).collect();
                    match key {
                        "locationName" => idx.sort_by(|a, b| self.locations[*a].name.cmp(&self.locations[*b].name)),
                        "locationState" => idx.sort_by_key(|&i| (self.locations[i].stage, i)),
                        _ => return Err(error(400, 25009, "order must be locationName or locationState, optionally with -asc or -desc")),
                    }
                    match dir {
                        "asc" => {}
                        "desc" => idx.reverse(),
                        _ => return Err(error(400, 25009, "order direction must be asc or desc")),
                    }
                    let page: Vec<usize> = idx.into_iter().skip(start).take(max).collect();
                    ok(self.compliance(page, false, true, self.locations.len()))
                }
                ("GET", "/telephony/config/locations/{locationId}/redSky") => {
                    let l = &self.locations[self.location(p)?];
                    ok(json!({"integrationEnabled": l.stage >= 3, "routingEnabled": l.stage >= 4}))
                }
                ("GET", "/telephony/config/locations/{locationId}/redSky/status") => {
                    let i = self.location(p)?;
                    self.account()?;
                    ok(self.compliance(vec![i], true, false, 1))
                }
                ("PUT", "/telephony/config/locations/{locationId}/redSky/status") => {
                    let i = self.location(p)?;
                    self.account()?;
                    let wanted = stage_of(obj.get("complianceStatus").and_then(Value::as_str).unwrap_or_default()).unwrap_or(0);
                    if wanted >= 1 && self.locations[i].building.is_none() {
                        return Err(error(409, 25013, "Create the location's RedSky building before completing LOCATION_SETUP"));
                    }
                    let next = Self::advance(self.locations[i].stage, wanted)?;
                    self.locations[i].stage = next;
                    let c = self.compliance(vec![i], true, false, 1);
                    ok(json!({"locationsStatus": c["locationsStatus"]}))
                }
                ("POST", "/telephony/config/locations/{locationId}/redSky/building") => {
                    let i = self.location(p)?;
                    self.account()?;
                    let email = obj.get("alertingEmail").and_then(Value::as_str).unwrap_or_default();
                    if !valid_email(email) {
                        return Err(error(400, 25009, "alertingEmail is not a valid e-mail address"));
                    }
                    if self.locations[i].building.is_some() {
                        return Err(error(409, 25011, "This location already has a RedSky building"));
                    }
                    self.locations[i].building = Some(Value::Object(obj.clone()));
                    empty(201)
                }
                ("PUT", "/telephony/config/locations/{locationId}/redSky/building") => {
                    let i = self.location(p)?;
                    self.account()?;
                    let Some(Value::Object(b)) = self.locations[i].building.as_mut() else {
                        return Err(error(404, 4008, "This location has no RedSky building: create it first"));
                    };
                    if let Some(a) = obj.get("address") {
                        b.insert("address".into(), a.clone());
                    }
                    empty(204)
                }
                (m, r) => return self.handle_directory(m, r, p, query, body),
            })
        })();
        r.unwrap_or_else(|e| e)
    }

    /// The RedSky building of a location, for tests.
    pub fn building(&self, location: usize) -> Option<&Value> {
        self.locations.get(location).and_then(|l| l.building.as_ref())
    }
}

pub(crate) fn parse_num(v: Option<&String>, default: usize, name: &str) -> Result<usize, Reply> {
    match v {
        None => Ok(default),
        Some(s) => s.parse::<f64>().ok().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as usize).ok_or_else(|| error(400, 25009, &format!("{name} must be a non-negative integer"))),
    }
}
