//! Emergency call notification e-mails (Kari's Law), for the organization and per location.

use super::{param, Paging};
use crate::ids::IdKind;
use crate::validate::{Body, Validate, Validator};
use crate::wire::NoContent;

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

impl Validate for OrgNotificationUpdate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        v.email("emailAddress", body.text("emailAddress"));
    }
}
impl Validate for LocationNotificationUpdate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        v.email("emailAddress", body.text("emailAddress"));
    }
}

const LOCATION: Option<super::PathParam> = param("locationId", IdKind::Location);

crate::operations! {
    NotificationsGetOrg / NOTIFICATIONS_GET_ORG = "notifications.get_org", Get "/telephony/config/emergencyCallNotification", path None, paging Paging::None, request NoContent, answer OrgNotification, "Get an Organization Emergency Call Notification";
    NotificationsUpdateOrg / NOTIFICATIONS_UPDATE_ORG = "notifications.update_org", Put "/telephony/config/emergencyCallNotification", path None, paging Paging::None, request OrgNotificationUpdate, answer NoContent, "Update an Organization Emergency Call Notification";
    NotificationsGetLocation / NOTIFICATIONS_GET_LOCATION = "notifications.get_location", Get "/telephony/config/locations/{locationId}/emergencyCallNotification", path LOCATION, paging Paging::None, request NoContent, answer LocationNotification, "Get a Location Emergency Call Notification";
    NotificationsUpdateLocation / NOTIFICATIONS_UPDATE_LOCATION = "notifications.update_location", Put "/telephony/config/locations/{locationId}/emergencyCallNotification", path LOCATION, paging Paging::None, request LocationNotificationUpdate, answer NoContent, "Update a Location Emergency Call Notification";
}
