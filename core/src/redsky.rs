//! RedSky (RAY BAUM's Act dispatchable location): account, login, compliance stages, buildings.

use futures_util::Stream;

use crate::call::Call;
use crate::models::{NoContent, RequestBody, Secret};
use crate::rt::MaybeSend;
use crate::ops;
use crate::validate::Validator;
use crate::{Client, Error, FieldError};

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

crate::inspect_leaf!(OrgPrefix, ComplianceStage, OrgStatus, ComplianceStatusValue, LocationState);

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

fn check_address(v: &mut Validator, address: &Option<Address>) {
    if let Some(a) = address {
        for (field, value) in [
            ("address.addressLine1", &a.address_line1),
            ("address.city", &a.city),
            ("address.stateOrProvince", &a.state_or_province),
            ("address.zipOrPostalCode", &a.zip_or_postal_code),
            ("address.country", &a.country),
        ] {
            v.non_empty(field, value);
        }
    }
}

impl RequestBody for ServiceSettingsUpdate {
    fn validate(&self, v: &mut Validator) {
        v.required("enabled", &self.enabled);
        v.email("email", &self.email);
        if self.external_tenant_enabled == Some(true) {
            if self.email.is_none() {
                v.push("email", "required_if", "is required when `externalTenantEnabled` is true");
            }
            if self.password.is_none() {
                v.push("password", "required_if", "is required when `externalTenantEnabled` is true");
            }
        }
    }
}
impl RequestBody for AccountCreate {
    fn validate(&self, v: &mut Validator) {
        v.required("email", &self.email);
        v.email("email", &self.email);
        v.known("orgPrefix", &self.org_prefix);
    }
}
impl RequestBody for Login {
    fn validate(&self, v: &mut Validator) {
        v.required("email", &self.email);
        v.email("email", &self.email);
        v.required("password", &self.password);
    }
}
impl RequestBody for ComplianceStatusUpdate {
    fn validate(&self, v: &mut Validator) {
        v.required("complianceStatus", &self.compliance_status);
        v.known("complianceStatus", &self.compliance_status);
    }
}
impl RequestBody for BuildingCreate {
    fn validate(&self, v: &mut Validator) {
        v.required("alertingEmail", &self.alerting_email);
        v.email("alertingEmail", &self.alerting_email);
        check_address(v, &self.address);
    }
}
impl RequestBody for BuildingUpdate {
    fn validate(&self, v: &mut Validator) {
        check_address(v, &self.address);
    }
}

/// Largest page the API serves (the spec's default for `max`).
pub const MAX_PAGE_SIZE: u32 = 2000;

/// Checks the paging parameters of the compliance status list.
pub fn check_page(max: Option<u32>, order: Option<&str>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(m) = max {
        if m == 0 || m > MAX_PAGE_SIZE {
            errors.push(FieldError::new("max", "range", format!("must be between 1 and {MAX_PAGE_SIZE}")));
        }
    }
    if let Some(o) = order {
        let (key, dir) = o.rsplit_once('-').unwrap_or((o, "asc"));
        if !matches!(key, "locationName" | "locationState") || !matches!(dir, "asc" | "desc") {
            errors.push(FieldError::new(
                "order",
                "enum",
                format!("`{o}` is not one of locationName, locationState, optionally with -asc or -desc"),
            ));
        }
    }
    errors
}

/// RedSky operations.
#[derive(Debug, Clone)]
pub struct RedSky {
    client: Client,
}

impl RedSky {
    /// The organization's RedSky account.
    pub fn get_account(&self) -> Call<Account> {
        Call::new::<NoContent>(&self.client, &ops::REDSKY_GET_ACCOUNT, None, None)
    }
    /// Creates the RedSky account and its admin (never retried).
    pub fn create_account(&self, req: &AccountCreate) -> Call<NoContent> {
        Call::new(&self.client, &ops::REDSKY_CREATE_ACCOUNT, None, Some(req))
    }
    /// Logs in to the RedSky admin account (never retried).
    pub fn login(&self, req: &Login) -> Call<LoginResult> {
        Call::new(&self.client, &ops::REDSKY_LOGIN, None, Some(req))
    }
    /// Changes the RedSky service settings.
    pub fn update_service_settings(&self, req: &ServiceSettingsUpdate) -> Call<NoContent> {
        Call::new(&self.client, &ops::REDSKY_UPDATE_SERVICE_SETTINGS, None, Some(req))
    }
    /// The organization's compliance status.
    pub fn get_status(&self) -> Call<ComplianceStatus> {
        Call::new::<NoContent>(&self.client, &ops::REDSKY_GET_STATUS, None, None)
    }
    /// Reports a completed setup stage for the organization.
    pub fn update_status(&self, req: &ComplianceStatusUpdate) -> Call<ComplianceStatus> {
        Call::new(&self.client, &ops::REDSKY_UPDATE_STATUS, None, Some(req))
    }
    /// One page of the organization's compliance status and location list.
    pub fn compliance_status_page(
        &self,
        start: Option<u32>,
        max: Option<u32>,
        order: Option<&str>,
    ) -> Call<ComplianceStatus> {
        Call::new::<NoContent>(&self.client, &ops::REDSKY_COMPLIANCE_STATUS_PAGE, None, None)
            .with_errors(check_page(max, order))
            .with_query("start", start.map(|s| s.to_string()))
            .with_query("max", max.map(|m| m.to_string()))
            .with_query("order", order.map(str::to_string))
    }
    /// Every location's compliance status, fetching pages of `page_size` as needed.
    pub fn compliance_statuses(
        &self,
        page_size: Option<u32>,
        order: Option<&str>,
        org_id: Option<&str>,
    ) -> impl Stream<Item = Result<RedSkyLocation, Error>> + MaybeSend + 'static {
        struct State {
            api: RedSky,
            order: Option<String>,
            org_id: Option<String>,
            max: u32,
            start: u32,
            buffer: std::vec::IntoIter<RedSkyLocation>,
            done: bool,
        }
        let state = State {
            api: self.clone(),
            order: order.map(str::to_string),
            org_id: org_id.map(str::to_string),
            max: page_size.unwrap_or(100),
            start: 0,
            buffer: Vec::new().into_iter(),
            done: false,
        };
        futures_util::stream::unfold(state, |mut s| async move {
            loop {
                if let Some(loc) = s.buffer.next() {
                    return Some((Ok(loc), s));
                }
                if s.done {
                    return None;
                }
                let mut call = s.api.compliance_status_page(Some(s.start), Some(s.max), s.order.as_deref());
                if let Some(org) = &s.org_id {
                    call = call.org_id(org.clone());
                }
                match call.send().await {
                    Err(e) => {
                        s.done = true;
                        return Some((Err(e), s));
                    }
                    Ok(page) => {
                        let status = page.locations_status.unwrap_or_default();
                        let locations = status.locations.unwrap_or_default();
                        let n = locations.len() as u32;
                        s.start += n;
                        let total = status.count.unwrap_or(0);
                        s.done = n == 0 || n < s.max || u64::from(s.start) >= total;
                        s.buffer = locations.into_iter();
                    }
                }
            }
        })
    }
    /// A location's RedSky calling parameters.
    pub fn location_parameters(&self, location_id: &str) -> Call<LocationParameters> {
        Call::new::<NoContent>(&self.client, &ops::REDSKY_LOCATION_PARAMETERS, Some(location_id), None)
    }
    /// A location's compliance status.
    pub fn location_status(&self, location_id: &str) -> Call<ComplianceStatus> {
        Call::new::<NoContent>(&self.client, &ops::REDSKY_LOCATION_STATUS, Some(location_id), None)
    }
    /// Reports a completed setup stage for a location.
    pub fn update_location_status(
        &self,
        location_id: &str,
        req: &ComplianceStatusUpdate,
    ) -> Call<LocationStatusUpdate> {
        Call::new(&self.client, &ops::REDSKY_UPDATE_LOCATION_STATUS, Some(location_id), Some(req))
    }
    /// Creates a building address and alert e-mail for a location (never retried).
    pub fn create_building(&self, location_id: &str, req: &BuildingCreate) -> Call<NoContent> {
        Call::new(&self.client, &ops::REDSKY_CREATE_BUILDING, Some(location_id), Some(req))
    }
    /// Changes a location's building address.
    pub fn update_building(&self, location_id: &str, req: &BuildingUpdate) -> Call<NoContent> {
        Call::new(&self.client, &ops::REDSKY_UPDATE_BUILDING, Some(location_id), Some(req))
    }
}

impl Client {
    /// RedSky operations.
    pub fn redsky(&self) -> RedSky {
        RedSky { client: self.clone() }
    }
}
