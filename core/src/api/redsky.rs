//! RedSky (RAY BAUM's Act dispatchable location): account, login, compliance stages, buildings.

use super::{param, OffsetPaging, Paging};
use crate::ids::IdKind;
use crate::validate::{ApiEnum, Body, Validate, Validator};
use crate::wire::{NoContent, Secret};

crate::api_enum! {
    /// Whether the customer is Webex Calling or wholesale (`orgPrefixObject`).
    OrgPrefix {
        /// Webex Calling.
        Wxc = "wxc",
        /// Wholesale.
        WxcWhs = "wxc-whs",
    }
}

crate::api_enum! {
    /// A completed RedSky setup stage to report (`ComplianceStatusRequestEnum`).
    ComplianceStage {
        /// The customer opted out of E911.
        OptedOut = "OPTED_OUT",
        /// Buildings and locations are set up.
        LocationSetup = "LOCATION_SETUP",
        /// E-mail alerts are set up.
        Alerts = "ALERTS",
        /// The network wire map is set up; test calls (933) route to RedSky.
        NetworkElements = "NETWORK_ELEMENTS",
        /// Emergency calls route to RedSky.
        RoutingEnabled = "ROUTING_ENABLED",
    }
}

crate::api_enum! {
    /// The organization's RedSky configuration status (`OrgStatusEnum`).
    OrgStatus {
        /// Configuration in progress.
        Initialise = "INITIALISE",
        /// Configuration complete.
        Enabled = "ENABLED",
        /// Opted out of E911.
        OptedOut = "OPTED_OUT",
    }
}

crate::api_enum! {
    /// The RedSky account's compliance status (`ComplianceStatusResponseEnum`).
    ComplianceStatusValue {
        /// Opted out of E911.
        OptedOut = "OPTED_OUT",
        /// Exempted.
        Exempted = "EXEMPTED",
        /// Not compliant.
        NonCompliant = "NON_COMPLIANT",
        /// Compliant.
        Compliant = "COMPLIANT",
    }
}

crate::api_enum! {
    /// The setup state of a location (both location state enums of the spec).
    LocationState {
        /// Opted out of E911.
        OptedOut = "OPTED_OUT",
        /// Exempted.
        Exempted = "EXEMPTED",
        /// Pending location setup.
        LocationSetup = "LOCATION_SETUP",
        /// Pending e-mail alerts.
        Alerts = "ALERTS",
        /// Pending network elements.
        NetworkElements = "NETWORK_ELEMENTS",
        /// Pending routing enablement.
        RoutingEnable = "ROUTING_ENABLE",
        /// Compliant.
        Compliant = "COMPLIANT",
    }
}

crate::response_model! {
    /// The organization's RedSky account (`RedSkyGetObject`).
    Account {
        /// The service is enabled.
        enabled: bool,
        /// RedSky company ID.
        company_id: String,
        /// The company secret, masked by the server.
        secret: String,
        /// RedSky is enabled for at least one location.
        locations_enabled: bool,
    }
}

crate::response_model! {
    /// A location in a compliance answer.
    RedSkyLocation {
        /// Location ID.
        id: String,
        /// Location name.
        name: String,
        /// Last completed setup stage.
        state: LocationState,
    }
}

crate::response_model! {
    /// Locations and their setup state in a compliance answer.
    LocationsStatus {
        /// Least-advanced state among the locations (some answers only).
        state: LocationState,
        /// Number of locations in the organization (or in the list).
        count: u64,
        /// The locations.
        locations: Vec<RedSkyLocation>,
    }
}

crate::response_model! {
    /// Compliance status of the organization, or of one location, or one page of all locations.
    ComplianceStatus {
        /// RedSky configuration status.
        org_status: OrgStatus,
        /// Compliance status.
        compliance_status: ComplianceStatusValue,
        /// RedSky company ID.
        company_id: String,
        /// RedSky organization ID.
        red_sky_org_id: String,
        /// An admin exists in RedSky.
        admin_exists: bool,
        /// Locations and their state.
        locations_status: LocationsStatus,
    }
}

crate::response_model! {
    /// Answer to a location compliance update.
    LocationStatusUpdate {
        /// The location's state.
        locations_status: LocationsStatus,
    }
}

crate::response_model! {
    /// Answer to a RedSky login.
    LoginResult {
        /// The old and new company secrets match.
        account_match: bool,
        /// The customer is not under a Cisco account.
        external_tenant_enabled: bool,
        /// RedSky company ID.
        company_id: String,
    }
}

crate::response_model! {
    /// A location's RedSky calling parameters.
    LocationParameters {
        /// RedSky receives network information and test calls.
        integration_enabled: bool,
        /// Emergency calls route to RedSky.
        routing_enabled: bool,
    }
}

crate::request_model! {
    /// New RedSky service settings.
    ServiceSettingsUpdate {
        /// Enable the service (required).
        enabled: bool,
        /// RedSky company ID.
        company_id: String,
        /// Company secret key (masked in dry runs and `Debug`).
        secret: Secret,
        /// The customer is not under a Cisco account; then `email` and `password` are required.
        external_tenant_enabled: bool,
        /// RedSky account e-mail.
        email: String,
        /// RedSky account password (masked in dry runs and `Debug`).
        password: Secret,
    }
}

crate::request_model! {
    /// A new RedSky account and admin.
    AccountCreate {
        /// Webex Calling or wholesale.
        org_prefix: OrgPrefix,
        /// Admin e-mail (required).
        email: String,
        /// Partner RedSky organization to create under.
        partner_redsky_org_id: String,
    }
}

crate::request_model! {
    /// RedSky admin login.
    Login {
        /// Account e-mail (required).
        email: String,
        /// Account password (required; masked in dry runs and `Debug`).
        password: Secret,
        /// RedSky organization ID.
        red_sky_org_id: String,
    }
}

crate::request_model! {
    /// A completed setup stage, for the organization or a location.
    ComplianceStatusUpdate {
        /// The stage (required). Stages complete in order: LOCATION_SETUP, ALERTS,
        /// NETWORK_ELEMENTS, ROUTING_ENABLED.
        compliance_status: ComplianceStage,
    }
}

crate::request_model! {
    /// A building address.
    Address {
        /// First line.
        address_line1: String,
        /// Second line.
        address_line2: String,
        /// City.
        city: String,
        /// State or province.
        state_or_province: String,
        /// Zip or postal code.
        zip_or_postal_code: String,
        /// Country.
        country: String,
    }
}

crate::request_model! {
    /// A new building address and alert e-mail for a location.
    BuildingCreate {
        /// Alert e-mail (required).
        alerting_email: String,
        /// Building address.
        address: Address,
    }
}

crate::request_model! {
    /// A changed building address for a location.
    BuildingUpdate {
        /// Building address.
        address: Address,
    }
}

fn check_address(v: &mut Validator, body: Body<'_>) {
    if let Some(a) = body.object("address") {
        for (field, name) in [
            ("address.addressLine1", "addressLine1"),
            ("address.city", "city"),
            ("address.stateOrProvince", "stateOrProvince"),
            ("address.zipOrPostalCode", "zipOrPostalCode"),
            ("address.country", "country"),
        ] {
            v.non_empty(field, a.text(name));
        }
    }
}

impl Validate for ServiceSettingsUpdate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        v.required("enabled", body.get("enabled"));
        v.email("email", body.text("email"));
        if body.get("externalTenantEnabled").and_then(serde_json::Value::as_bool) == Some(true) {
            if body.get("email").is_none() {
                v.push("email", "required_if", "is required when `externalTenantEnabled` is true");
            }
            if body.get("password").is_none() {
                v.push("password", "required_if", "is required when `externalTenantEnabled` is true");
            }
        }
    }
}
impl Validate for AccountCreate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        v.required("email", body.get("email"));
        v.email("email", body.text("email"));
        v.known("orgPrefix", body.text("orgPrefix"), OrgPrefix::KNOWN);
    }
}
impl Validate for Login {
    fn validate(body: Body<'_>, v: &mut Validator) {
        v.required("email", body.get("email"));
        v.email("email", body.text("email"));
        v.required("password", body.get("password"));
    }
}
impl Validate for ComplianceStatusUpdate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        v.required("complianceStatus", body.get("complianceStatus"));
        v.known("complianceStatus", body.text("complianceStatus"), ComplianceStage::KNOWN);
    }
}
impl Validate for BuildingCreate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        v.required("alertingEmail", body.get("alertingEmail"));
        v.email("alertingEmail", body.text("alertingEmail"));
        check_address(v, body);
    }
}
impl Validate for BuildingUpdate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        check_address(v, body);
    }
}

const LOCATION: Option<super::PathParam> = param("locationId", IdKind::Location);

/// Paging of the compliance status list.
pub static COMPLIANCE_PAGING: OffsetPaging = OffsetPaging {
    stream: "compliance_statuses",
    default_size: 100,
    max_size: 2000,
    orders: &["locationName", "locationState"],
    items: &["locationsStatus", "locations"],
    count: &["locationsStatus", "count"],
};

crate::operations! {
    RedSkyUpdateServiceSettings / REDSKY_UPDATE_SERVICE_SETTINGS = "redsky.update_service_settings", Put "/telephony/config/redSky/serviceSettings", path None, paging Paging::None, request ServiceSettingsUpdate, answer NoContent, "Update RedSky Service Settings";
    RedSkyCreateAccount / REDSKY_CREATE_ACCOUNT = "redsky.create_account", Post "/telephony/config/redSky", path None, paging Paging::None, request AccountCreate, answer NoContent, "Create an Account and Admin in RedSky";
    RedSkyGetAccount / REDSKY_GET_ACCOUNT = "redsky.get_account", Get "/telephony/config/redSky", path None, paging Paging::None, request NoContent, answer Account, "Retrieve RedSky Account Details for an Organization";
    RedSkyUpdateStatus / REDSKY_UPDATE_STATUS = "redsky.update_status", Put "/telephony/config/redSky/status", path None, paging Paging::None, request ComplianceStatusUpdate, answer ComplianceStatus, "Update the Organization RedSky Account's Compliance Status";
    RedSkyComplianceStatusPage / REDSKY_COMPLIANCE_STATUS_PAGE = "redsky.compliance_status_page", Get "/telephony/config/redSky/complianceStatus", path None, paging Paging::Offset(&COMPLIANCE_PAGING), request NoContent, answer ComplianceStatus, "Get the Organization Compliance Status and the Location Status List";
    RedSkyGetStatus / REDSKY_GET_STATUS = "redsky.get_status", Get "/telephony/config/redSky/status", path None, paging Paging::None, request NoContent, answer ComplianceStatus, "Get the Organization Compliance Status for a RedSky Account";
    RedSkyLogin / REDSKY_LOGIN = "redsky.login", Post "/telephony/config/redSky/actions/login/invoke", path None, paging Paging::None, request Login, answer LoginResult, "Login to a RedSky Admin Account";
    RedSkyLocationParameters / REDSKY_LOCATION_PARAMETERS = "redsky.location_parameters", Get "/telephony/config/locations/{locationId}/redSky", path LOCATION, paging Paging::None, request NoContent, answer LocationParameters, "Get a Location's RedSky Emergency Calling Parameters";
    RedSkyLocationStatus / REDSKY_LOCATION_STATUS = "redsky.location_status", Get "/telephony/config/locations/{locationId}/redSky/status", path LOCATION, paging Paging::None, request NoContent, answer ComplianceStatus, "Get a Location's RedSky Compliance Status";
    RedSkyUpdateLocationStatus / REDSKY_UPDATE_LOCATION_STATUS = "redsky.update_location_status", Put "/telephony/config/locations/{locationId}/redSky/status", path LOCATION, paging Paging::None, request ComplianceStatusUpdate, answer LocationStatusUpdate, "Update a Location's RedSky Compliance Status";
    RedSkyCreateBuilding / REDSKY_CREATE_BUILDING = "redsky.create_building", Post "/telephony/config/locations/{locationId}/redSky/building", path LOCATION, paging Paging::None, request BuildingCreate, answer NoContent, "Create a RedSky Building Address and Alert Email for a Location";
    RedSkyUpdateBuilding / REDSKY_UPDATE_BUILDING = "redsky.update_building", Put "/telephony/config/locations/{locationId}/redSky/building", path LOCATION, paging Paging::None, request BuildingUpdate, answer NoContent, "Update a RedSky Building Address for a Location";
}
