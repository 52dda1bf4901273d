//! The directory lists the audit reads (locations, people, workspaces, virtual lines, paged by
//! `Link` headers with opaque cursors), the location's own ECBN, and the findings the audit of
//! the seeded organization must give.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::state::{decode_id, empty, error, location_state, ok, parse_num, Kind, Org, Reply};

/// One page of a list, and the `Link` header to its next page.
pub struct Page {
    /// The items of this page.
    pub items: Vec<Value>,
    /// `Link` header value, when more follow.
    pub link: Option<String>,
}

fn cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

fn offset_of(cursor: &str) -> Option<usize> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    text.strip_prefix("offset:")?.parse().ok()
}

/// A directory answer: JSON body plus the Link header the server adds.
pub const LINK_KEY: &str = "__link";

impl Org {
    /// Answers the directory operations and the location ECBN (the routes the 26 do not cover).
    pub fn handle_directory(
        &mut self,
        method: &str,
        route: &str,
        param: &str,
        query: &HashMap<String, String>,
        body: Option<&Value>,
    ) -> Result<Reply, Reply> {
        let cap = |default: usize, most: usize| -> Result<usize, Reply> {
            let max = parse_num(query.get("max"), default, "max")?;
            if max == 0 {
                return Err(error(400, 25009, "max must be at least 1"));
            }
            Ok(max.min(most))
        };
        let start = |query: &HashMap<String, String>| -> Result<usize, Reply> {
            match query.get("cursor") {
                Some(c) => offset_of(c).ok_or_else(|| error(400, 25009, "cursor is not valid")),
                None => parse_num(query.get("start"), 0, "start"),
            }
        };
        let location_filter = match query.get("locationId") {
            Some(l) => Some(self.location(l)?),
            None => None,
        };
        match (method, route) {
            ("GET", "/locations") => {
                let max = cap(500, 1000)?;
                let items: Vec<usize> = (0..self.locations.len()).collect();
                Ok(self.page("/v1/locations", "items", &items, |i| self.location_item(i), start(query)?, max, query, true))
            }
            ("GET", "/people") => {
                let calling = query.get("callingData").is_some_and(|v| v == "true");
                // "If callingData=true, then max will not be more than 100. If locationId is
                // specified then max will not be more than 50."
                let most = if location_filter.is_some() { 50 } else if calling { 100 } else { 1000 };
                let max = cap(100, most)?;
                let items: Vec<usize> = (0..self.members.len())
                    .filter(|&m| self.members[m].kind == Kind::Person)
                    .filter(|&m| location_filter.is_none_or(|l| self.members[m].location == l && self.members[m].calling))
                    .collect();
                Ok(self.page("/v1/people", "items", &items, |m| self.person_item(m, calling), start(query)?, max, query, true))
            }
            ("GET", "/workspaces") => {
                let max = cap(100, 1000)?;
                let items: Vec<usize> = (0..self.members.len())
                    .filter(|&m| self.members[m].kind == Kind::Workspace)
                    .filter(|&m| location_filter.is_none_or(|l| self.members[m].location == l))
                    .collect();
                Ok(self.page("/v1/workspaces", "items", &items, |m| self.workspace_item(m), start(query)?, max, query, false))
            }
            ("GET", "/telephony/config/virtualLines") => {
                let max = cap(100, 1000)?;
                let items: Vec<usize> = (0..self.members.len())
                    .filter(|&m| self.members[m].kind == Kind::VirtualLine)
                    .filter(|&m| location_filter.is_none_or(|l| self.members[m].location == l))
                    .collect();
                Ok(self.page("/v1/telephony/config/virtualLines", "virtualLines", &items, |m| self.virtual_line_item(m), start(query)?, max, query, false))
            }
            ("GET", "/telephony/config/locations/{locationId}/features/emergencyCallbackNumber") => {
                let l = self.location(param)?;
                Ok(ok(self.location_ecbn(l)))
            }
            ("PUT", "/telephony/config/locations/{locationId}/features/emergencyCallbackNumber") => {
                let l = self.location(param)?;
                self.update_location_ecbn(l, body)
            }
            _ => Err(error(404, 4004, "Unknown operation")),
        }
    }

    /// A page of the list `items` (indices; `item` makes one's JSON, for the page's items only: a
    /// whole org's JSON for every page held every other request up for tens of milliseconds)
    /// from `offset`, with a `Link` to the next one: a cursor for lists that page by cursor,
    /// `start` for the others.
    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        path: &str,
        key: &str,
        items: &[usize],
        item: impl Fn(usize) -> Value,
        offset: usize,
        max: usize,
        query: &HashMap<String, String>,
        by_cursor: bool,
    ) -> Reply {
        let total = items.len();
        let page: Vec<Value> = items.iter().skip(offset).take(max).map(|&i| item(i)).collect();
        let next = offset + page.len();
        let mut body = json!({ key: page });
        if next < total {
            let mut q: Vec<String> = query
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "start" | "cursor" | "max"))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            q.sort();
            q.push(format!("max={max}"));
            let at = if self.repeat_page { 0 } else { next };
            q.push(if by_cursor { format!("cursor={}", cursor(at)) } else { format!("start={at}") });
            body[LINK_KEY] = json!(format!("<{}{path}?{}>; rel=\"next\"", self.origin, q.join("&")));
        }
        ok(body)
    }

    fn location_item(&self, i: usize) -> Value {
        let l = &self.locations[i];
        json!({
            "id": l.id, "name": l.name, "orgId": self.org_id,
            "address": {"address1": format!("{} Main Street", 100 + i), "city": "Dallas", "state": "TX", "postalCode": "75201", "country": "US"},
            "timeZone": "America/Chicago", "preferredLanguage": "en_us", "latitude": "32.78", "longitude": "-96.80",
        })
    }

    fn person_item(&self, m: usize, calling: bool) -> Value {
        let p = &self.members[m];
        let email = format!("{}.{}@example.com", p.first.to_lowercase(), m);
        let mut v = json!({
            "id": p.id, "emails": [email], "displayName": format!("{} {}", p.first, p.last),
            "firstName": p.first, "lastName": p.last, "orgId": self.org_id, "type": "person",
        });
        if calling && p.calling {
            v["locationId"] = json!(self.location_ref(p.location));
            v["extension"] = json!(format!("{}", 1000 + m % 9000));
            if let Some(n) = &p.number {
                v["phoneNumbers"] = json!([{"type": "work", "value": n, "primary": true}]);
            }
        }
        v
    }

    fn workspace_item(&self, m: usize) -> Value {
        let w = &self.members[m];
        let calling = if w.calling { "webexCalling" } else { "freeCalling" };
        json!({
            "id": w.id, "orgId": self.org_id, "locationId": self.location_ref(w.location),
            "displayName": format!("{} {}", w.first, w.last), "type": "meetingRoom", "calling": {"type": calling},
        })
    }

    fn virtual_line_item(&self, m: usize) -> Value {
        let v = &self.members[m];
        let l = &self.locations[v.location];
        let mut number = json!({"extension": format!("{}", 2000 + m % 8000), "primary": true});
        if let Some(n) = &v.number {
            number["external"] = json!(n);
        }
        json!({
            "id": v.id, "firstName": v.first, "lastName": v.last, "number": number,
            "location": {"id": self.location_ref(v.location), "name": l.name}, "numberOfDevicesAssigned": 1, "billingPlan": "BCOCP1",
        })
    }

    fn location_ecbn(&self, l: usize) -> Value {
        let loc = &self.locations[l];
        let main_quality = if loc.main_active { "RECOMMENDED" } else { "INVALID" };
        let mut out = json!({
            "selected": if loc.ecbn_member.is_some() { "LOCATION_MEMBER_NUMBER" } else { "LOCATION_NUMBER" },
            "locationInfo": {
                "phoneNumber": loc.main_number, "name": loc.name, "effectiveLevel": "LOCATION_NUMBER",
                "effectiveValue": loc.main_number, "quality": main_quality,
            },
            "elinExpiryTimeMinutes": loc.elin_expiry,
        });
        if let Some(e) = loc.ecbn_member.map(|e| &self.members[e]) {
            let member_type = match e.kind {
                Kind::Person => "PEOPLE",
                Kind::Workspace => "PLACE",
                Kind::VirtualLine => "VIRTUAL_LINE",
                Kind::HuntGroup => "HUNT_GROUP",
            };
            out["locationMemberInfo"] = json!({
                "phoneNumber": e.number, "firstName": e.first, "lastName": e.last, "memberId": e.id,
                "memberType": member_type, "effectiveLevel": "LOCATION_MEMBER_NUMBER",
                "effectiveValue": e.number, "quality": self.quality(e),
            });
        }
        out
    }

    fn update_location_ecbn(&mut self, l: usize, body: Option<&Value>) -> Result<Reply, Reply> {
        let Some(Value::Object(b)) = body else { return Err(error(400, 25008, "A JSON body is required")) };
        if let Some(k) = b.keys().find(|k| !matches!(k.as_str(), "selected" | "locationMemberId" | "elinExpiryTimeMinutes")) {
            return Err(error(400, 25009, &format!("{k} is not a field of this request")));
        }
        let expiry = match b.get("elinExpiryTimeMinutes") {
            None => None,
            Some(v) => match v.as_u64().filter(|m| (10..=1440).contains(m)) {
                Some(m) => Some(m),
                None => return Err(error(400, 25009, "elinExpiryTimeMinutes must be between 10 and 1440")),
            },
        };
        let member = match b.get("selected").and_then(Value::as_str) {
            Some("LOCATION_NUMBER") => None,
            Some("LOCATION_MEMBER_NUMBER") => {
                let Some(id) = b.get("locationMemberId").and_then(Value::as_str) else {
                    return Err(error(400, 25008, "locationMemberId is required when selected is LOCATION_MEMBER_NUMBER"));
                };
                let t = decode_id(id).and_then(|(_, inner)| self.by_inner.get(&inner).copied());
                match t {
                    Some(t) if self.members[t].location == l => Some(t),
                    _ => return Err(error(400, 25009, "locationMemberId is not a member of this location")),
                }
            }
            _ => return Err(error(400, 25009, "selected must be LOCATION_NUMBER or LOCATION_MEMBER_NUMBER")),
        };
        let loc = &mut self.locations[l];
        loc.ecbn_member = member;
        if let Some(m) = expiry {
            loc.elin_expiry = m;
        }
        Ok(empty(204))
    }

    /// The findings an audit of this organization must give, as `{rule, entityKind, entityId}`
    /// objects sorted by entity ID then rule, derived from the simulator's own state (not from
    /// its answers). `fails(route, id)` says which reads fail (they give `read-failed` in place
    /// of the rules that need them).
    pub fn expected_findings(&self, fails: &dyn Fn(&str, &str) -> bool) -> Vec<Value> {
        let mut out = Vec::new();
        let mut push = |rule: &str, kind: &str, id: &str| out.push(json!({"rule": rule, "entityKind": kind, "entityId": id}));
        let (org_status, compliance) = self.org_redsky_status();
        match (org_status, compliance) {
            ("ENABLED", "NON_COMPLIANT") => push("redsky-org-non-compliant", "org", ""),
            ("INITIALISE", _) => push("redsky-not-set-up", "org", ""),
            _ => {}
        }
        let (enabled, all, email) = &self.org_notify;
        let org_covers = *enabled && *all && email.is_some();
        for (i, l) in self.locations.iter().enumerate() {
            if fails("/telephony/config/locations/{locationId}/emergencyCallNotification", &l.id) {
                push("read-failed", "location", &l.id);
            } else if !(org_covers || (l.notify_enabled && l.notify_email.is_some())) {
                push("notification-uncovered", "location", &l.id);
            }
            if fails("/telephony/config/locations/{locationId}/features/emergencyCallbackNumber", &l.id) {
                push("read-failed", "location", &l.id);
            } else {
                match self.location_ecbn_effective(l).2 {
                    "INVALID" => push("location-ecbn-invalid", "location", &l.id),
                    "NOT_RECOMMENDED" => push("location-ecbn-not-recommended", "location", &l.id),
                    _ => {}
                }
            }
            if org_status == "ENABLED" && matches!(location_state(l.stage), "LOCATION_SETUP" | "ALERTS" | "NETWORK_ELEMENTS") {
                push("redsky-location-incomplete", "location", &self.locations[i].id);
            }
        }
        for m in &self.members {
            let (kind, route) = match m.kind {
                Kind::Person if m.calling => ("person", "/telephony/config/people/{personId}/emergencyCallbackNumber"),
                Kind::Workspace if m.calling => ("workspace", "/telephony/config/workspaces/{workspaceId}/emergencyCallbackNumber"),
                Kind::VirtualLine => ("virtual_line", "/telephony/config/virtualLines/{virtualLineId}/emergencyCallbackNumber"),
                _ => continue,
            };
            if fails(route, &m.id) {
                push("read-failed", kind, &m.id);
                continue;
            }
            let loc = &self.locations[m.location];
            let (_, loc_number, loc_quality) = self.location_ecbn_effective(loc);
            // The block in effect, as `ecbn()` answers it: (value, quality, fell back). An
            // unusable number falls back to the location ECBN.
            let block = match m.selected {
                "NONE" => None,
                "DIRECT_LINE" => m.number.as_ref().map(|n| match self.quality(m) {
                    "INVALID" => (loc_number.clone(), "INVALID", true),
                    q => (n.clone(), q, false),
                }),
                "LOCATION_MEMBER_NUMBER" => m.location_member.map(|t| &self.members[t]).map(|t| match self.quality(t) {
                    "INVALID" => (loc_number.clone(), "INVALID", true),
                    q => (t.number.clone().unwrap_or_default(), q, false),
                }),
                _ => Some((loc_number.clone(), loc_quality, false)),
            };
            match &block {
                None => push("ecbn-none", kind, &m.id),
                Some((value, _, _)) if value.trim().is_empty() => push("ecbn-none", kind, &m.id),
                _ => {}
            }
            // The default block of NONE and a missing direct line carry no quality to judge.
            let Some((_, quality, fell_back)) = block else { continue };
            match quality {
                "INVALID" => push("ecbn-invalid", kind, &m.id),
                "NOT_RECOMMENDED" => push("ecbn-not-recommended", kind, &m.id),
                _ => {}
            }
            if fell_back {
                push("ecbn-fallback", kind, &m.id);
            }
        }
        for f in out.iter_mut() {
            if f["entityKind"] == "org" {
                f["entityId"] = json!(self.org_id);
            }
        }
        out.sort_by(|a, b| (a["entityId"].as_str(), a["rule"].as_str()).cmp(&(b["entityId"].as_str(), b["rule"].as_str())));
        out
    }
}

/// Moves the Link header out of a directory answer's body.
pub fn take_link(body: &mut Value) -> Option<String> {
    body.as_object_mut().and_then(|m: &mut Map<String, Value>| m.remove(LINK_KEY)).and_then(|v| v.as_str().map(str::to_string))
}
