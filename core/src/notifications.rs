//! Emergency call notification e-mails (Kari's Law), for the organization and per location.

use crate::call::Call;
use crate::models::{NoContent, RequestBody};
use crate::ops;
use crate::validate::Validator;
use crate::Client;

crate::response_model! {
    /// The organization's emergency call notification.
    OrgNotification {
        /// Send an e-mail when a call is made to emergency services.
        emergency_call_notification_enabled: bool,
        /// Send the e-mail for calls from all locations.
        allow_email_notification_all_location_enabled: bool,
        /// Where the e-mail goes.
        email_address: String,
    }
}

crate::response_model! {
    /// A location's emergency call notification, with the organization's.
    LocationNotification {
        /// Send an e-mail when a call is made from this location to emergency services.
        emergency_call_notification_enabled: bool,
        /// Where the e-mail goes.
        email_address: String,
        /// The organization-wide setting.
        organization: OrgNotification,
    }
}

crate::request_model! {
    /// Update of the organization's emergency call notification.
    OrgNotificationUpdate {
        /// Send an e-mail when a call is made to emergency services.
        emergency_call_notification_enabled: bool,
        /// Send the e-mail for calls from all locations.
        allow_email_notification_all_location_enabled: bool,
        /// Where the e-mail goes (a plausible address).
        email_address: String,
    }
}

crate::request_model! {
    /// Update of a location's emergency call notification.
    LocationNotificationUpdate {
        /// Send an e-mail when a call is made from this location to emergency services.
        emergency_call_notification_enabled: bool,
        /// Where the e-mail goes (a plausible address).
        email_address: String,
    }
}

impl RequestBody for OrgNotificationUpdate {
    fn validate(&self, v: &mut Validator) {
        v.email("emailAddress", &self.email_address);
    }
}
impl RequestBody for LocationNotificationUpdate {
    fn validate(&self, v: &mut Validator) {
        v.email("emailAddress", &self.email_address);
    }
}

/// Emergency call notification operations.
#[derive(Debug, Clone)]
pub struct Notifications {
    client: Client,
}

impl Notifications {
    /// The organization's setting.
    pub fn get_org(&self) -> Call<OrgNotification> {
        Call::new::<NoContent>(&self.client, &ops::NOTIFICATIONS_GET_ORG, None, None)
    }
    /// Changes the organization's setting.
    pub fn update_org(&self, settings: &OrgNotificationUpdate) -> Call<NoContent> {
        Call::new(&self.client, &ops::NOTIFICATIONS_UPDATE_ORG, None, Some(settings))
    }
    /// A location's setting.
    pub fn get_location(&self, location_id: &str) -> Call<LocationNotification> {
        Call::new::<NoContent>(&self.client, &ops::NOTIFICATIONS_GET_LOCATION, Some(location_id), None)
    }
    /// Changes a location's setting.
    pub fn update_location(
        &self,
        location_id: &str,
        settings: &LocationNotificationUpdate,
    ) -> Call<NoContent> {
        Call::new(&self.client, &ops::NOTIFICATIONS_UPDATE_LOCATION, Some(location_id), Some(settings))
    }
}

impl Client {
    /// Emergency call notification operations.
    pub fn notifications(&self) -> Notifications {
        Notifications { client: self.clone() }
    }
}
