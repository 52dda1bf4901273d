//! A location's own emergency callback number (outside the Emergency Services Settings spec;
//! its values differ from the member-level ones).

use super::ecbn::{EcbnInfo, EcbnQuality, EffectiveLevel};
use super::{param, Paging};
use crate::ids::IdKind;
use crate::validate::{ApiEnum, Body, Validate, Validator};
use crate::wire::NoContent;

crate::api_enum! {
    /// The source of a location's ECBN.
    LocationEcbnSelection {
        /// The location's main number.
        LocationNumber = "LOCATION_NUMBER",
        /// The number of a member of the location.
        LocationMemberNumber = "LOCATION_MEMBER_NUMBER",
    }
}

crate::response_model! {
    /// The location's main number as its ECBN (`locationInfo`).
    LocationNumberInfo {
        /// The location's main number.
        phone_number: String,
        /// The location's name.
        name: String,
        /// Where the number used for a real emergency call comes from.
        effective_level: EffectiveLevel,
        /// The number actually used.
        effective_value: String,
        /// Whether the number is a good ECBN.
        quality: EcbnQuality,
    }
}

crate::response_model! {
    /// A location's ECBN settings.
    LocationEcbn {
        /// The selected source.
        selected: LocationEcbnSelection,
        /// The location's main number.
        location_info: LocationNumberInfo,
        /// The member whose number is used.
        location_member_info: EcbnInfo,
        /// Minutes an ELIN stays assigned after an emergency call.
        elin_expiry_time_minutes: u64,
    }
}

crate::request_model! {
    /// Update of a location's ECBN.
    LocationEcbnUpdate {
        /// The source to select (required).
        selected: LocationEcbnSelection,
        /// The member whose number to use; required when `selected` is `LOCATION_MEMBER_NUMBER`.
        location_member_id: String,
        /// Minutes an ELIN stays assigned after an emergency call, 10 to 1440.
        elin_expiry_time_minutes: u64,
    }
}

impl Validate for LocationEcbnUpdate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        let selected = body.text("selected");
        v.required("selected", body.get("selected"));
        v.known("selected", selected, LocationEcbnSelection::KNOWN);
        v.id("locationMemberId", body.text("locationMemberId"), IdKind::LocationMember);
        if selected == Some(LocationEcbnSelection::LocationMemberNumber.as_str()) && body.get("locationMemberId").is_none() {
            v.push("locationMemberId", "required_if", "is required when `selected` is LOCATION_MEMBER_NUMBER");
        }
        if let Some(m) = body.get("elinExpiryTimeMinutes").and_then(serde_json::Value::as_u64) {
            if !(10..=1440).contains(&m) {
                v.push("elinExpiryTimeMinutes", "range", "must be between 10 and 1440 minutes");
            }
        }
    }
}

const LOCATION: Option<super::PathParam> = param("locationId", IdKind::Location);

crate::operations! {
    LocationsGetEcbn / LOCATIONS_GET_ECBN = "locations.get_ecbn", Get "/telephony/config/locations/{locationId}/features/emergencyCallbackNumber", path LOCATION, paging Paging::None, request NoContent, answer LocationEcbn, "Get a Location Emergency Callback Number";
    LocationsUpdateEcbn / LOCATIONS_UPDATE_ECBN = "locations.update_ecbn", Put "/telephony/config/locations/{locationId}/features/emergencyCallbackNumber", path LOCATION, paging Paging::None, request LocationEcbnUpdate, answer NoContent, "Update a Location Emergency Callback Number";
}
