"""Writes the shared test vectors (one JSON file per operation).

Expectations here are written out by hand from the spec, not computed by the library, so the
Rust, Python and JavaScript suites that run these files check the library against the spec.
Run: python3 tests/vectors/generate.py
"""
import base64
import json
import pathlib

HERE = pathlib.Path(__file__).parent


def wid(kind, inner, cluster="us"):
    return base64.b64encode(f"ciscospark://{cluster}/{kind}/{inner}".encode()).decode().rstrip("=")


PERSON = wid("PEOPLE", "5f1c2a5e-1d8b-4a36-9d57-6a4f3f1e0a01")
PERSON_PADDED = base64.b64encode(b"ciscospark://us/PEOPLE/abc").decode()
WORKSPACE = wid("PLACE", "0c0b3a2d-2222-4b7a-8c5e-000000000002")
WORKSPACE_PLACES = wid("PLACES", "0c0b3a2d-2222-4b7a-8c5e-000000000003")
VLINE = wid("VIRTUAL_LINE", "7a7a7a7a-3333-4c4c-9d9d-000000000004")
HGROUP = wid("HUNT_GROUP", "12345", cluster="urn:TEAM:us-west-2_r")
LOCATION = wid("LOCATION", "d6f1a4c2-4444-4e5e-8f8f-000000000005")
ORG = wid("ORGANIZATION", "e1e1e1e1-5555-4a4a-8b8b-000000000006")
CFG = "/telephony/config"

ECBN_ANSWER = {
    "selected": "LOCATION_MEMBER_NUMBER",
    "directLineInfo": {"phoneNumber": "+12145550101", "firstName": "Ana", "lastName": "Silva",
                       "effectiveLevel": "DIRECT_LINE", "effectiveValue": "+12145550101", "quality": "RECOMMENDED"},
    "locationECBNInfo": {"phoneNumber": "+19725550100", "firstName": "HQ", "lastName": ".",
                         "effectiveLevel": "LOCATION_NUMBER", "effectiveValue": "+19725550100", "quality": "RECOMMENDED"},
    "locationMemberInfo": {"phoneNumber": "+12145550199", "firstName": "Lobby", "lastName": "Phone", "memberId": WORKSPACE,
                           "memberType": "PLACE", "effectiveLevel": "LOCATION_MEMBER_NUMBER",
                           "effectiveValue": "+12145550199", "quality": "NOT_RECOMMENDED"},
    "defaultInfo": {"effectiveValue": "+19725550100", "quality": "RECOMMENDED"},
    "elinEnabled": False,
}
ECBN_FUTURE = {"selected": "SOMETHING_NEW", "directLineInfo": {"quality": "MAYBE", "effectiveLevel": "NEW_LEVEL",
               "futureField": {"a": 1}}, "topLevelExtra": [1, 2]}
DEPS = {"isLocationEcbnDefault": True, "isSelfEcbnDefault": False, "dependentMemberCount": 3}
DEPS_FLOAT = ({"isLocationEcbnDefault": False, "isSelfEcbnDefault": True, "dependentMemberCount": 2.0},
              {"isLocationEcbnDefault": False, "isSelfEcbnDefault": True, "dependentMemberCount": 2})
COMPLIANCE = {"orgStatus": "INITIALISE", "complianceStatus": "NON_COMPLIANT", "companyId": "ddd1424c",
              "redSkyOrgId": "2ff43e05", "adminExists": True,
              "locationsStatus": {"state": "LOCATION_SETUP", "count": 2,
                                  "locations": [{"id": LOCATION, "name": "MainOffice"}]}}


def req(method, path, body=None, query=None):
    return {"method": method, "path": path, "query": query or [], "body": body}


def err(*pairs):
    return [{"field": f, "rule": r} for f, r in pairs]


ecbn_members = [
    ("people", "personId", "people", PERSON, {"selected": "LOCATION_MEMBER_NUMBER", "locationMemberId": WORKSPACE,
                                              "elinEnabled": False, "elinForWebexAppEnabled": True}),
    ("workspaces", "workspaceId", "workspaces", WORKSPACE, {"selected": "LOCATION_MEMBER_NUMBER", "locationMemberId": VLINE,
                                                            "elinEnabled": True}),
    ("virtual_lines", "virtualLineId", "virtualLines", VLINE, {"selected": "LOCATION_MEMBER_NUMBER", "locationMemberId": PERSON}),
]
WRONG = {"people": WORKSPACE, "workspaces": PERSON, "virtual_lines": HGROUP}

files = {}
for res, param, seg, good_id, full_body in ecbn_members:
    base = f"{CFG}/{seg}/{good_id}/emergencyCallbackNumber"
    files[f"{res}.get_ecbn"] = [
        {"name": "plain", "args": {"id": good_id}, "request": req("GET", base)},
        {"name": "with orgId", "args": {"id": good_id, "orgId": ORG}, "request": req("GET", base, query=[["orgId", ORG]])},
        {"name": "wrong kind of ID", "args": {"id": WRONG[res]}, "errors": err((param, "id_kind"))},
        {"name": "empty ID", "args": {"id": ""}, "errors": err((param, "required"))},
        {"name": "an ID in the Webex alphabet that does not decode goes to the server, encoded",
         "args": {"id": "not/base64+id="},
         "request": req("GET", f"{CFG}/{seg}/not%2Fbase64%2Bid%3D/emergencyCallbackNumber")},
        {"name": "characters no Webex ID has are refused", "args": {"id": "not base64 id"},
         "errors": err((param, "id_format"))},
        {"name": "full answer", "response": {"status": 200, "body": ECBN_ANSWER}, "result": ECBN_ANSWER},
        {"name": "unknown fields and enum values are kept", "response": {"status": 200, "body": ECBN_FUTURE},
         "result": ECBN_FUTURE},
        {"name": "empty object", "response": {"status": 200, "body": {}}, "result": {}},
    ]
    upd = [
        {"name": "every field", "args": {"id": good_id, "body": full_body}, "request": req("PUT", base, full_body)},
        {"name": "LOCATION_MEMBER_NUMBER needs locationMemberId", "args": {"id": good_id, "body": {"selected": "LOCATION_MEMBER_NUMBER"}},
         "errors": err(("locationMemberId", "required_if"))},
        {"name": "unknown selection", "args": {"id": good_id, "body": {"selected": "NONE"}}, "errors": err(("selected", "enum"))},
        {"name": "location member of the wrong kind", "args": {"id": good_id, "body": {"selected": "LOCATION_MEMBER_NUMBER", "locationMemberId": LOCATION}},
         "errors": err(("locationMemberId", "id_kind"))},
        {"name": "misspelt field", "args": {"id": good_id, "body": {"selected": "DIRECT_LINE", "locationMemberID": PERSON}},
         "errors": err(("locationMemberID", "unknown_field"))},
        {"name": "wrong type", "args": {"id": good_id, "body": {"selected": 1}}, "errors": err(("selected", "type"))},
        {"name": "all problems at once", "args": {"id": WRONG[res], "body": {"selected": "LOCATION_MEMBER_NUMBER"}},
         "errors": err((param, "id_kind"), ("locationMemberId", "required_if"))},
        {"name": "no content", "response": {"status": 204, "body": None}, "result": None},
    ]
    if res == "virtual_lines":
        upd.append({"name": "selected is required", "args": {"id": good_id, "body": {}}, "errors": err(("selected", "required"))})
    else:
        upd.append({"name": "selected is optional", "args": {"id": good_id, "body": {"elinEnabled": True}},
                    "request": req("PUT", base, {"elinEnabled": True})})
    if res == "workspaces":
        upd.append({"name": "PLACES IDs are workspaces", "args": {"id": WORKSPACE_PLACES, "body": {"selected": "DIRECT_LINE"}},
                    "request": req("PUT", f"{CFG}/workspaces/{WORKSPACE_PLACES}/emergencyCallbackNumber", {"selected": "DIRECT_LINE"})})
    if res == "people":
        upd.append({"name": "padded ID", "args": {"id": PERSON_PADDED, "body": {"selected": "DIRECT_LINE"}},
                    "request": req("PUT", f"{CFG}/people/{PERSON_PADDED.replace('=', '%3D')}/emergencyCallbackNumber", {"selected": "DIRECT_LINE"})})
    files[f"{res}.update_ecbn"] = upd
    files[f"{res}.ecbn_dependencies"] = [
        {"name": "plain", "args": {"id": good_id}, "request": req("GET", base + "/dependencies")},
        {"name": "wrong kind", "args": {"id": WRONG[res]}, "errors": err((param, "id_kind"))},
        {"name": "answer", "response": {"status": 200, "body": DEPS}, "result": DEPS},
        {"name": "count as a float", "response": {"status": 200, "body": DEPS_FLOAT[0]}, "result": DEPS_FLOAT[1]},
    ]

files["hunt_groups.ecbn_dependencies"] = [
    {"name": "non-UUID ID, odd cluster", "args": {"id": HGROUP}, "request": req("GET", f"{CFG}/huntGroups/{HGROUP}/emergencyCallbackNumber/dependencies")},
    {"name": "person ID is refused", "args": {"id": PERSON}, "errors": err(("huntGroupId", "id_kind"))},
    {"name": "answer", "response": {"status": 200, "body": DEPS}, "result": DEPS},
]

ORG_NOTE = {"emergencyCallNotificationEnabled": True, "allowEmailNotificationAllLocationEnabled": True, "emailAddress": "callback@example.com"}
files["notifications.get_org"] = [
    {"name": "plain", "args": {}, "request": req("GET", f"{CFG}/emergencyCallNotification")},
    {"name": "orgId of the wrong kind", "args": {"orgId": PERSON}, "errors": err(("orgId", "id_kind"))},
    {"name": "answer", "response": {"status": 200, "body": ORG_NOTE}, "result": ORG_NOTE},
]
files["notifications.update_org"] = [
    {"name": "every field", "args": {"body": ORG_NOTE, "orgId": ORG}, "request": req("PUT", f"{CFG}/emergencyCallNotification", ORG_NOTE, [["orgId", ORG]])},
    {"name": "bad e-mail", "args": {"body": {"emailAddress": "callback at example"}}, "errors": err(("emailAddress", "email"))},
    {"name": "body is not an object", "args": {"body": [1]}, "errors": err(("body", "type"))},
    {"name": "no content", "response": {"status": 204, "body": None}, "result": None},
]
LOC_NOTE = {"emergencyCallNotificationEnabled": True, "emailAddress": "site@example.com", "organization": ORG_NOTE}
files["notifications.get_location"] = [
    {"name": "plain", "args": {"id": LOCATION}, "request": req("GET", f"{CFG}/locations/{LOCATION}/emergencyCallNotification")},
    {"name": "missing location", "args": {}, "errors": err(("locationId", "required"))},
    {"name": "answer", "response": {"status": 200, "body": LOC_NOTE}, "result": LOC_NOTE},
]
files["notifications.update_location"] = [
    {"name": "every field", "args": {"id": LOCATION, "body": {"emergencyCallNotificationEnabled": False, "emailAddress": "x@example.org"}},
     "request": req("PUT", f"{CFG}/locations/{LOCATION}/emergencyCallNotification", {"emergencyCallNotificationEnabled": False, "emailAddress": "x@example.org"})},
    {"name": "org-only field refused", "args": {"id": LOCATION, "body": {"allowEmailNotificationAllLocationEnabled": True}},
     "errors": err(("allowEmailNotificationAllLocationEnabled", "unknown_field"))},
    {"name": "bad e-mail and wrong ID", "args": {"id": PERSON, "body": {"emailAddress": "a@b"}},
     "errors": err(("locationId", "id_kind"), ("emailAddress", "email"))},
]

SETTINGS = {"enabled": True, "companyId": "a5e5808f", "secret": "qwEr4%2d", "externalTenantEnabled": True,
            "email": "test@example.com", "password": "Test@123"}
files["redsky.update_service_settings"] = [
    {"name": "secrets are masked in dry runs", "args": {"body": SETTINGS},
     "request": req("PUT", f"{CFG}/redSky/serviceSettings", {**SETTINGS, "secret": "***", "password": "***"})},
    {"name": "external tenant needs e-mail and password", "args": {"body": {"enabled": True, "externalTenantEnabled": True}},
     "errors": err(("email", "required_if"), ("password", "required_if"))},
    {"name": "enabled is required", "args": {"body": {}}, "errors": err(("enabled", "required"))},
]
files["redsky.create_account"] = [
    {"name": "every field", "args": {"body": {"orgPrefix": "wxc-whs", "email": "admin@example.com", "partnerRedskyOrgId": "584cf4cd"}},
     "request": req("POST", f"{CFG}/redSky", {"orgPrefix": "wxc-whs", "email": "admin@example.com", "partnerRedskyOrgId": "584cf4cd"})},
    {"name": "e-mail required, prefix known", "args": {"body": {"orgPrefix": "other"}}, "errors": err(("email", "required"), ("orgPrefix", "enum"))},
    {"name": "created", "response": {"status": 201, "body": None}, "result": None},
]
ACCOUNT = {"enabled": True, "companyId": "a5e5808f", "secret": "*****", "locationsEnabled": True}
files["redsky.get_account"] = [
    {"name": "plain", "args": {}, "request": req("GET", f"{CFG}/redSky")},
    {"name": "a body is refused", "args": {"body": {}}, "errors": err(("body", "unexpected"))},
    {"name": "answer", "response": {"status": 200, "body": ACCOUNT}, "result": ACCOUNT},
]
files["redsky.update_status"] = [
    {"name": "a stage", "args": {"body": {"complianceStatus": "LOCATION_SETUP"}}, "request": req("PUT", f"{CFG}/redSky/status", {"complianceStatus": "LOCATION_SETUP"})},
    {"name": "answer enum value is not a request value", "args": {"body": {"complianceStatus": "ROUTING_ENABLE"}}, "errors": err(("complianceStatus", "enum"))},
    {"name": "required", "args": {"body": {}}, "errors": err(("complianceStatus", "required"))},
    {"name": "answer", "response": {"status": 200, "body": COMPLIANCE}, "result": COMPLIANCE},
]
files["redsky.get_status"] = [
    {"name": "plain", "args": {}, "request": req("GET", f"{CFG}/redSky/status")},
    {"name": "answer", "response": {"status": 200, "body": COMPLIANCE}, "result": COMPLIANCE},
]
PAGE = {"orgStatus": "ENABLED", "complianceStatus": "COMPLIANT",
        "locationsStatus": {"count": 2, "locations": [{"id": LOCATION, "name": "A", "state": "COMPLIANT"}, {"id": "x", "name": "B", "state": "ROUTING_ENABLE"}]}}
files["redsky.compliance_status_page"] = [
    {"name": "paging", "args": {"start": 100, "max": 50, "order": "locationState-desc"},
     "request": req("GET", f"{CFG}/redSky/complianceStatus", query=[["start", "100"], ["max", "50"], ["order", "locationState-desc"]])},
    {"name": "bad paging", "args": {"max": 0, "order": "size"}, "errors": err(("max", "range"), ("order", "enum"))},
    {"name": "answer", "response": {"status": 200, "body": PAGE}, "result": PAGE},
]
files["redsky.login"] = [
    {"name": "password masked", "args": {"body": {"email": "test@example.com", "password": "Test@123", "redSkyOrgId": "610af8f4"}},
     "request": req("POST", f"{CFG}/redSky/actions/login/invoke", {"email": "test@example.com", "password": "***", "redSkyOrgId": "610af8f4"})},
    {"name": "both required", "args": {"body": {}}, "errors": err(("email", "required"), ("password", "required"))},
    {"name": "answer", "response": {"status": 200, "body": {"accountMatch": True, "externalTenantEnabled": False, "companyId": "ddd1424c"}},
     "result": {"accountMatch": True, "externalTenantEnabled": False, "companyId": "ddd1424c"}},
]
files["redsky.location_parameters"] = [
    {"name": "plain", "args": {"id": LOCATION}, "request": req("GET", f"{CFG}/locations/{LOCATION}/redSky")},
    {"name": "answer", "response": {"status": 200, "body": {"integrationEnabled": True, "routingEnabled": False}},
     "result": {"integrationEnabled": True, "routingEnabled": False}},
]
files["redsky.location_status"] = [
    {"name": "plain", "args": {"id": LOCATION}, "request": req("GET", f"{CFG}/locations/{LOCATION}/redSky/status")},
    {"name": "wrong kind", "args": {"id": ORG}, "errors": err(("locationId", "id_kind"))},
    {"name": "answer", "response": {"status": 200, "body": COMPLIANCE}, "result": COMPLIANCE},
]
files["redsky.update_location_status"] = [
    {"name": "a stage", "args": {"id": LOCATION, "body": {"complianceStatus": "ALERTS"}},
     "request": req("PUT", f"{CFG}/locations/{LOCATION}/redSky/status", {"complianceStatus": "ALERTS"})},
    {"name": "answer", "response": {"status": 200, "body": {"locationsStatus": COMPLIANCE["locationsStatus"]}},
     "result": {"locationsStatus": COMPLIANCE["locationsStatus"]}},
]
ADDRESS = {"addressLine1": "170 West Tasman Dr", "addressLine2": "Building 6", "city": "San Jose",
           "stateOrProvince": "California", "zipOrPostalCode": "95134", "country": "US"}
files["redsky.create_building"] = [
    {"name": "every field", "args": {"id": LOCATION, "body": {"alertingEmail": "alerts@example.com", "address": ADDRESS}},
     "request": req("POST", f"{CFG}/locations/{LOCATION}/redSky/building", {"alertingEmail": "alerts@example.com", "address": ADDRESS})},
    {"name": "alert e-mail required", "args": {"id": LOCATION, "body": {"address": ADDRESS}}, "errors": err(("alertingEmail", "required"))},
    {"name": "nested unknown field", "args": {"id": LOCATION, "body": {"alertingEmail": "a@example.com", "address": {"street": "x"}}},
     "errors": err(("address.street", "unknown_field"))},
]
files["redsky.update_building"] = [
    {"name": "address", "args": {"id": LOCATION, "body": {"address": ADDRESS}},
     "request": req("PUT", f"{CFG}/locations/{LOCATION}/redSky/building", {"address": ADDRESS})},
    {"name": "blank city", "args": {"id": LOCATION, "body": {"address": {"city": ""}}}, "errors": err(("address.city", "non_empty"))},
]

# The directory operations the audit reads (outside the spec).
LOC_ITEM = {"id": LOCATION, "name": "HQ", "orgId": ORG, "address": {"address1": "1 Main St", "city": "Dallas", "state": "TX",
            "postalCode": "75201", "country": "US"}, "timeZone": "America/Chicago", "futureField": {"x": 1}}
files["locations.list_page"] = [
    {"name": "one page", "args": {"max": 200}, "request": req("GET", "/locations", query=[["max", "200"]])},
    {"name": "no start: paged by Link", "args": {"start": 10}, "errors": err(("start", "unexpected"))},
    {"name": "page size bounded", "args": {"max": 1001}, "errors": err(("max", "range"))},
    {"name": "answer keeps unknown fields", "response": {"status": 200, "body": {"items": [LOC_ITEM]}}, "result": {"items": [LOC_ITEM]}},
]
PERSON_ITEM = {"id": PERSON, "emails": ["ana@example.com"], "displayName": "Ana Silva", "phoneNumbers": [{"type": "work", "value": "+12145550101", "primary": True}],
               "extension": "101", "locationId": LOCATION, "licenses": ["x"]}
files["people.list_page"] = [
    {"name": "calling data always asked for", "args": {}, "request": req("GET", "/people", query=[["callingData", "true"]])},
    {"name": "at most 100 with calling data", "args": {"max": 101}, "errors": err(("max", "range"))},
    {"name": "answer", "response": {"status": 200, "body": {"items": [PERSON_ITEM], "notFoundIds": []}}, "result": {"items": [PERSON_ITEM], "notFoundIds": []}},
]
WS_ITEM = {"id": WORKSPACE, "displayName": "Lobby", "locationId": LOCATION, "calling": {"type": "webexCalling", "webexCalling": {"licenses": []}}}
files["workspaces.list_page"] = [
    {"name": "offset and size", "args": {"start": 100, "max": 100}, "request": req("GET", "/workspaces", query=[["start", "100"], ["max", "100"]])},
    {"name": "no order", "args": {"order": "name"}, "errors": err(("order", "unexpected"))},
    {"name": "answer", "response": {"status": 200, "body": {"items": [WS_ITEM]}}, "result": {"items": [WS_ITEM]}},
]
VL_ITEM = {"id": VLINE, "firstName": "Front", "lastName": "Desk", "number": {"external": "+12145550199", "extension": "199", "primary": True},
           "location": {"id": LOCATION, "name": "HQ"}}
files["virtual_lines.list_page"] = [
    {"name": "with orgId", "args": {"orgId": ORG}, "request": req("GET", f"{CFG}/virtualLines", query=[["orgId", ORG]])},
    {"name": "answer", "response": {"status": 200, "body": {"virtualLines": [VL_ITEM]}}, "result": {"virtualLines": [VL_ITEM]}},
]
LOC_ECBN = {"selected": "LOCATION_MEMBER_NUMBER",
            "locationInfo": {"phoneNumber": "+19725550100", "name": "HQ", "effectiveLevel": "LOCATION_NUMBER", "effectiveValue": "+19725550100", "quality": "RECOMMENDED"},
            "locationMemberInfo": {"phoneNumber": "+12145550101", "firstName": "Ana", "lastName": "Silva", "memberId": PERSON, "memberType": "PEOPLE",
                                   "effectiveLevel": "LOCATION_MEMBER_NUMBER", "effectiveValue": "+12145550101", "quality": "RECOMMENDED"},
            "elinExpiryTimeMinutes": 120}
files["locations.get_ecbn"] = [
    {"name": "plain", "args": {"id": LOCATION}, "request": req("GET", f"{CFG}/locations/{LOCATION}/features/emergencyCallbackNumber")},
    {"name": "a person ID is not a location", "args": {"id": PERSON}, "errors": err(("locationId", "id_kind"))},
    {"name": "answer", "response": {"status": 200, "body": LOC_ECBN}, "result": LOC_ECBN},
]
files["locations.update_ecbn"] = [
    {"name": "a member's number", "args": {"id": LOCATION, "body": {"selected": "LOCATION_MEMBER_NUMBER", "locationMemberId": PERSON, "elinExpiryTimeMinutes": 30}},
     "request": req("PUT", f"{CFG}/locations/{LOCATION}/features/emergencyCallbackNumber",
                    {"selected": "LOCATION_MEMBER_NUMBER", "locationMemberId": PERSON, "elinExpiryTimeMinutes": 30})},
    {"name": "member-level values are not location-level values", "args": {"id": LOCATION, "body": {"selected": "LOCATION_ECBN"}}, "errors": err(("selected", "enum"))},
    {"name": "member required, expiry bounded", "args": {"id": LOCATION, "body": {"selected": "LOCATION_MEMBER_NUMBER", "elinExpiryTimeMinutes": 5}},
     "errors": err(("locationMemberId", "required_if"), ("elinExpiryTimeMinutes", "range"))},
    {"name": "selected required", "args": {"id": LOCATION, "body": {}}, "errors": err(("selected", "required"))},
    {"name": "no content", "response": {"status": 204, "body": None}, "result": None},
]

# IDs that would reach another resource once a URL parser resolves dot segments (WHATWG URL
# parsers also treat %2e as a dot), or that are not Webex IDs at all: refused before the wire.
TRAVERSAL = ["..", ".", "%2e%2e", "%2E", ".%2e", "a/../b", "../../emergencyCallNotification", "x?orgId=y", "x#y",
             "x\\y", "x\u00e9", "x\u0000", "A" * 1025]
for name, body in [("notifications.update_location", {"emergencyCallNotificationEnabled": False}),
                   ("redsky.update_location_status", {"complianceStatus": "ALERTS"})]:
    files[name] += [{"name": f"ID {bad[:12]!r} cannot reach another resource", "args": {"id": bad, "body": body},
                     "errors": err(("locationId", "id_format"))} for bad in TRAVERSAL]
files["people.update_ecbn"] += [{"name": f"ID {bad!r} cannot reach another resource", "args": {"id": bad, "body": {"selected": "DIRECT_LINE"}},
                                 "errors": err(("personId", "id_format"))} for bad in ["..", "%2e%2e", "a/../b"]]

for name, cases in files.items():
    (HERE / f"{name}.json").write_text(json.dumps({"operation": name, "cases": cases}, indent=1) + "\n")
print(f"wrote {len(files)} files")
