//! The 26 operations as data: one descriptor each, read by the generic request path,
//! dry run, bulk, the README table and the shared test vectors.

use crate::ids::IdKind;

/// HTTP methods this API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Read; retried on 5xx and connection errors.
    Get,
    /// Replace; idempotent, so retried like GET.
    Put,
    /// Create or log in; never replayed.
    Post,
}

impl Method {
    /// The method as HTTP writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
    /// Whether a failed attempt may be sent again.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// One API operation.
#[derive(Debug)]
pub struct Operation {
    /// Library name, `<resource>.<method>`, e.g. `people.update_ecbn`.
    pub name: &'static str,
    /// The spec's summary.
    pub summary: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path under the base URL, with at most one `{param}`.
    pub path: &'static str,
    /// The path parameter's name and the Webex ID kind it takes.
    pub path_param: Option<(&'static str, IdKind)>,
    /// Query parameters besides `orgId`.
    pub query: &'static [&'static str],
    /// Whether the operation sends a JSON body.
    pub has_body: bool,
    /// Body fields that are secrets (masked in dry runs).
    pub secret_fields: &'static [&'static str],
}

macro_rules! operations {
    ($($konst:ident = $name:literal, $method:ident $path:literal, $param:expr, query $query:expr, body $body:literal, secrets $secrets:expr, $summary:literal;)+) => {
        $(
            #[doc = $summary]
            pub static $konst: Operation = Operation {
                name: $name, summary: $summary, method: Method::$method, path: $path,
                path_param: $param, query: $query, has_body: $body, secret_fields: $secrets,
            };
        )+
        /// All operations, in the spec's order.
        pub static OPERATIONS: &[&Operation] = &[$(&$konst),+];
    };
}

const PERSON: Option<(&str, IdKind)> = Some(("personId", IdKind::Person));
const WORKSPACE: Option<(&str, IdKind)> = Some(("workspaceId", IdKind::Workspace));
const VIRTUAL_LINE: Option<(&str, IdKind)> = Some(("virtualLineId", IdKind::VirtualLine));
const HUNT_GROUP: Option<(&str, IdKind)> = Some(("huntGroupId", IdKind::HuntGroup));
const LOCATION: Option<(&str, IdKind)> = Some(("locationId", IdKind::Location));
const NONE: &[&str] = &[];

operations! {
    REDSKY_UPDATE_SERVICE_SETTINGS = "redsky.update_service_settings", Put "/telephony/config/redSky/serviceSettings", None, query NONE, body true, secrets &["secret", "password"], "Update RedSky Service Settings";
    REDSKY_CREATE_ACCOUNT = "redsky.create_account", Post "/telephony/config/redSky", None, query NONE, body true, secrets NONE, "Create an Account and Admin in RedSky";
    REDSKY_GET_ACCOUNT = "redsky.get_account", Get "/telephony/config/redSky", None, query NONE, body false, secrets NONE, "Retrieve RedSky Account Details for an Organization";
    REDSKY_UPDATE_STATUS = "redsky.update_status", Put "/telephony/config/redSky/status", None, query NONE, body true, secrets NONE, "Update the Organization RedSky Account's Compliance Status";
    REDSKY_COMPLIANCE_STATUS_PAGE = "redsky.compliance_status_page", Get "/telephony/config/redSky/complianceStatus", None, query &["start", "max", "order"], body false, secrets NONE, "Get the Organization Compliance Status and the Location Status List";
    REDSKY_GET_STATUS = "redsky.get_status", Get "/telephony/config/redSky/status", None, query NONE, body false, secrets NONE, "Get the Organization Compliance Status for a RedSky Account";
    REDSKY_LOGIN = "redsky.login", Post "/telephony/config/redSky/actions/login/invoke", None, query NONE, body true, secrets &["password"], "Login to a RedSky Admin Account";
    REDSKY_LOCATION_PARAMETERS = "redsky.location_parameters", Get "/telephony/config/locations/{locationId}/redSky", LOCATION, query NONE, body false, secrets NONE, "Get a Location's RedSky Emergency Calling Parameters";
    REDSKY_LOCATION_STATUS = "redsky.location_status", Get "/telephony/config/locations/{locationId}/redSky/status", LOCATION, query NONE, body false, secrets NONE, "Get a Location's RedSky Compliance Status";
    REDSKY_UPDATE_LOCATION_STATUS = "redsky.update_location_status", Put "/telephony/config/locations/{locationId}/redSky/status", LOCATION, query NONE, body true, secrets NONE, "Update a Location's RedSky Compliance Status";
    REDSKY_CREATE_BUILDING = "redsky.create_building", Post "/telephony/config/locations/{locationId}/redSky/building", LOCATION, query NONE, body true, secrets NONE, "Create a RedSky Building Address and Alert Email for a Location";
    REDSKY_UPDATE_BUILDING = "redsky.update_building", Put "/telephony/config/locations/{locationId}/redSky/building", LOCATION, query NONE, body true, secrets NONE, "Update a RedSky Building Address for a Location";
    NOTIFICATIONS_GET_ORG = "notifications.get_org", Get "/telephony/config/emergencyCallNotification", None, query NONE, body false, secrets NONE, "Get an Organization Emergency Call Notification";
    NOTIFICATIONS_UPDATE_ORG = "notifications.update_org", Put "/telephony/config/emergencyCallNotification", None, query NONE, body true, secrets NONE, "Update an Organization Emergency Call Notification";
    NOTIFICATIONS_GET_LOCATION = "notifications.get_location", Get "/telephony/config/locations/{locationId}/emergencyCallNotification", LOCATION, query NONE, body false, secrets NONE, "Get a Location Emergency Call Notification";
    NOTIFICATIONS_UPDATE_LOCATION = "notifications.update_location", Put "/telephony/config/locations/{locationId}/emergencyCallNotification", LOCATION, query NONE, body true, secrets NONE, "Update a Location Emergency Call Notification";
    HUNT_GROUPS_ECBN_DEPENDENCIES = "hunt_groups.ecbn_dependencies", Get "/telephony/config/huntGroups/{huntGroupId}/emergencyCallbackNumber/dependencies", HUNT_GROUP, query NONE, body false, secrets NONE, "Get Dependencies for a Hunt Group Emergency Callback Number";
    PEOPLE_GET_ECBN = "people.get_ecbn", Get "/telephony/config/people/{personId}/emergencyCallbackNumber", PERSON, query NONE, body false, secrets NONE, "Get a Person's Emergency Callback Number";
    PEOPLE_UPDATE_ECBN = "people.update_ecbn", Put "/telephony/config/people/{personId}/emergencyCallbackNumber", PERSON, query NONE, body true, secrets NONE, "Update a Person's Emergency Callback Number";
    PEOPLE_ECBN_DEPENDENCIES = "people.ecbn_dependencies", Get "/telephony/config/people/{personId}/emergencyCallbackNumber/dependencies", PERSON, query NONE, body false, secrets NONE, "Retrieve A Person's Emergency Callback Number Dependencies";
    WORKSPACES_GET_ECBN = "workspaces.get_ecbn", Get "/telephony/config/workspaces/{workspaceId}/emergencyCallbackNumber", WORKSPACE, query NONE, body false, secrets NONE, "Get a Workspace Emergency Callback Number";
    WORKSPACES_UPDATE_ECBN = "workspaces.update_ecbn", Put "/telephony/config/workspaces/{workspaceId}/emergencyCallbackNumber", WORKSPACE, query NONE, body true, secrets NONE, "Update a Workspace Emergency Callback Number";
    WORKSPACES_ECBN_DEPENDENCIES = "workspaces.ecbn_dependencies", Get "/telephony/config/workspaces/{workspaceId}/emergencyCallbackNumber/dependencies", WORKSPACE, query NONE, body false, secrets NONE, "Retrieve Workspace Emergency Callback Number Dependencies";
    VIRTUAL_LINES_ECBN_DEPENDENCIES = "virtual_lines.ecbn_dependencies", Get "/telephony/config/virtualLines/{virtualLineId}/emergencyCallbackNumber/dependencies", VIRTUAL_LINE, query NONE, body false, secrets NONE, "Get Dependencies for a Virtual Line Emergency Callback Number";
    VIRTUAL_LINES_GET_ECBN = "virtual_lines.get_ecbn", Get "/telephony/config/virtualLines/{virtualLineId}/emergencyCallbackNumber", VIRTUAL_LINE, query NONE, body false, secrets NONE, "Get the Virtual Line's Emergency Callback Settings";
    VIRTUAL_LINES_UPDATE_ECBN = "virtual_lines.update_ecbn", Put "/telephony/config/virtualLines/{virtualLineId}/emergencyCallbackNumber", VIRTUAL_LINE, query NONE, body true, secrets NONE, "Update a Virtual Line's Emergency Callback settings";
}

/// The operation with this library name.
pub fn find(name: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().copied().find(|o| o.name == name)
}
