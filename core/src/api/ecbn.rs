//! Emergency callback numbers (ECBN) of people, workspaces, virtual lines and hunt groups.

use super::{param, Paging};
use crate::ids::IdKind;
use crate::validate::{ApiEnum, Body, Validate, Validator};
use crate::wire::NoContent;

crate::api_enum! {
    /// The ECBN source a member has selected (`ECBNSelectionType`).
    EcbnSelection {
        /// The member's own number.
        DirectLine = "DIRECT_LINE",
        /// The location's default ECBN.
        LocationEcbn = "LOCATION_ECBN",
        /// Another member's number in the same location.
        LocationMemberNumber = "LOCATION_MEMBER_NUMBER",
        /// Nothing selected.
        None = "NONE",
    }
}

crate::api_enum! {
    /// The ECBN source to select in an update (`CallBackSelectedPatch`).
    CallbackSelection {
        /// The member's own number.
        DirectLine = "DIRECT_LINE",
        /// The location's default ECBN.
        LocationEcbn = "LOCATION_ECBN",
        /// Another member's number in the same location (needs `locationMemberId`).
        LocationMemberNumber = "LOCATION_MEMBER_NUMBER",
    }
}

crate::api_enum! {
    /// Where the number used for a real emergency call comes from, after fallbacks
    /// (`ECBNDirectLineEffectiveLevelType` and `LocationMemberInfoEffectiveLevelType`).
    EffectiveLevel {
        /// The member's own number.
        DirectLine = "DIRECT_LINE",
        /// The location's ECBN.
        LocationEcbn = "LOCATION_ECBN",
        /// The location's main number.
        LocationNumber = "LOCATION_NUMBER",
        /// Another member's number.
        LocationMemberNumber = "LOCATION_MEMBER_NUMBER",
        /// None.
        None = "NONE",
    }
}

crate::api_enum! {
    /// Whether a number is a good ECBN (`ECBNQualityType`).
    EcbnQuality {
        /// An active number of a user or workspace.
        Recommended = "RECOMMENDED",
        /// An active number of something else (auto attendant, hunt group, ...).
        NotRecommended = "NOT_RECOMMENDED",
        /// An inactive or non-existent number.
        Invalid = "INVALID",
    }
}

crate::api_enum! {
    /// The kind of a location member (`MemberType`).
    MemberType {
        /// A person.
        People = "PEOPLE",
        /// A workspace.
        Place = "PLACE",
    }
}

crate::response_model! {
    /// One ECBN source (`directLineInfo`, `locationECBNInfo`, `locationMemberInfo`, `defaultInfo`).
    EcbnInfo {
        /// The callback number of this source.
        phone_number: String,
        /// First name of the user, member or group.
        first_name: String,
        /// Last name of the user or member.
        last_name: String,
        /// ID of the member lending its number (`locationMemberInfo` only).
        member_id: String,
        /// Kind of that member (`locationMemberInfo` only).
        member_type: MemberType,
        /// Where the number for a real emergency call comes from.
        effective_level: EffectiveLevel,
        /// The number actually used.
        effective_value: String,
        /// Whether the number is a good ECBN.
        quality: EcbnQuality,
    }
}

crate::response_model! {
    /// ECBN settings of a person, workspace or virtual line.
    Ecbn {
        /// The selected source.
        selected: EcbnSelection,
        /// The member's own number.
        direct_line_info: EcbnInfo,
        /// The location's ECBN.
        location_ecbn_info: EcbnInfo,
        /// The other member whose number is used.
        location_member_info: EcbnInfo,
        /// What is used when nothing else applies.
        default_info: EcbnInfo,
        /// Whether an ELIN may be used for emergency calls from the member's devices.
        elin_enabled: bool,
        /// Whether an ELIN may be used for emergency calls from the Webex App (people only).
        elin_for_webex_app_enabled: bool,
    }
}

crate::response_model! {
    /// Who depends on a member's number as their ECBN.
    EcbnDependencies {
        /// The member's number is the location's default ECBN.
        is_location_ecbn_default: bool,
        /// The member's number is its own default ECBN.
        is_self_ecbn_default: bool,
        /// How many members use this member's number as their ECBN.
        dependent_member_count: u64,
    }
}

crate::request_model! {
    /// Update of a person's ECBN (`PutPersonECBNObject`).
    PersonEcbnUpdate {
        /// The source to select.
        selected: CallbackSelection,
        /// The member whose number to use; required when `selected` is `LOCATION_MEMBER_NUMBER`.
        location_member_id: String,
        /// Allow an ELIN for calls from the person's devices.
        elin_enabled: bool,
        /// Allow an ELIN for calls from the Webex App.
        elin_for_webex_app_enabled: bool,
    }
}

crate::request_model! {
    /// Update of a workspace's ECBN (`PutWorkspaceECBNObject`).
    WorkspaceEcbnUpdate {
        /// The source to select.
        selected: CallbackSelection,
        /// The member whose number to use; required when `selected` is `LOCATION_MEMBER_NUMBER`.
        location_member_id: String,
        /// Allow an ELIN for calls from the workspace's devices.
        elin_enabled: bool,
    }
}

crate::request_model! {
    /// Update of a virtual line's ECBN (`PutECBNObject`).
    VirtualLineEcbnUpdate {
        /// The source to select (required).
        selected: CallbackSelection,
        /// The member whose number to use; required when `selected` is `LOCATION_MEMBER_NUMBER`.
        location_member_id: String,
    }
}

fn check_selection(v: &mut Validator, body: Body<'_>) {
    let selected = body.text("selected");
    v.known("selected", selected, CallbackSelection::KNOWN);
    v.id("locationMemberId", body.text("locationMemberId"), IdKind::LocationMember);
    if selected == Some(CallbackSelection::LocationMemberNumber.as_str()) && body.get("locationMemberId").is_none() {
        v.push(
            "locationMemberId",
            "required_if",
            "is required when `selected` is LOCATION_MEMBER_NUMBER",
        );
    }
}

impl Validate for PersonEcbnUpdate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        check_selection(v, body);
    }
}
impl Validate for WorkspaceEcbnUpdate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        check_selection(v, body);
    }
}
impl Validate for VirtualLineEcbnUpdate {
    fn validate(body: Body<'_>, v: &mut Validator) {
        v.required("selected", body.get("selected"));
        check_selection(v, body);
    }
}

const PERSON: Option<super::PathParam> = param("personId", IdKind::Person);
const WORKSPACE: Option<super::PathParam> = param("workspaceId", IdKind::Workspace);
const VIRTUAL_LINE: Option<super::PathParam> = param("virtualLineId", IdKind::VirtualLine);
const HUNT_GROUP: Option<super::PathParam> = param("huntGroupId", IdKind::HuntGroup);

crate::operations! {
    HuntGroupsEcbnDependencies / HUNT_GROUPS_ECBN_DEPENDENCIES = "hunt_groups.ecbn_dependencies", Get "/telephony/config/huntGroups/{huntGroupId}/emergencyCallbackNumber/dependencies", path HUNT_GROUP, paging Paging::None, request NoContent, answer EcbnDependencies, "Get Dependencies for a Hunt Group Emergency Callback Number";
    PeopleGetEcbn / PEOPLE_GET_ECBN = "people.get_ecbn", Get "/telephony/config/people/{personId}/emergencyCallbackNumber", path PERSON, paging Paging::None, request NoContent, answer Ecbn, "Get a Person's Emergency Callback Number";
    PeopleUpdateEcbn / PEOPLE_UPDATE_ECBN = "people.update_ecbn", Put "/telephony/config/people/{personId}/emergencyCallbackNumber", path PERSON, paging Paging::None, request PersonEcbnUpdate, answer NoContent, "Update a Person's Emergency Callback Number";
    PeopleEcbnDependencies / PEOPLE_ECBN_DEPENDENCIES = "people.ecbn_dependencies", Get "/telephony/config/people/{personId}/emergencyCallbackNumber/dependencies", path PERSON, paging Paging::None, request NoContent, answer EcbnDependencies, "Retrieve A Person's Emergency Callback Number Dependencies";
    WorkspacesGetEcbn / WORKSPACES_GET_ECBN = "workspaces.get_ecbn", Get "/telephony/config/workspaces/{workspaceId}/emergencyCallbackNumber", path WORKSPACE, paging Paging::None, request NoContent, answer Ecbn, "Get a Workspace Emergency Callback Number";
    WorkspacesUpdateEcbn / WORKSPACES_UPDATE_ECBN = "workspaces.update_ecbn", Put "/telephony/config/workspaces/{workspaceId}/emergencyCallbackNumber", path WORKSPACE, paging Paging::None, request WorkspaceEcbnUpdate, answer NoContent, "Update a Workspace Emergency Callback Number";
    WorkspacesEcbnDependencies / WORKSPACES_ECBN_DEPENDENCIES = "workspaces.ecbn_dependencies", Get "/telephony/config/workspaces/{workspaceId}/emergencyCallbackNumber/dependencies", path WORKSPACE, paging Paging::None, request NoContent, answer EcbnDependencies, "Retrieve Workspace Emergency Callback Number Dependencies";
    VirtualLinesEcbnDependencies / VIRTUAL_LINES_ECBN_DEPENDENCIES = "virtual_lines.ecbn_dependencies", Get "/telephony/config/virtualLines/{virtualLineId}/emergencyCallbackNumber/dependencies", path VIRTUAL_LINE, paging Paging::None, request NoContent, answer EcbnDependencies, "Get Dependencies for a Virtual Line Emergency Callback Number";
    VirtualLinesGetEcbn / VIRTUAL_LINES_GET_ECBN = "virtual_lines.get_ecbn", Get "/telephony/config/virtualLines/{virtualLineId}/emergencyCallbackNumber", path VIRTUAL_LINE, paging Paging::None, request NoContent, answer Ecbn, "Get the Virtual Line's Emergency Callback Settings";
    VirtualLinesUpdateEcbn / VIRTUAL_LINES_UPDATE_ECBN = "virtual_lines.update_ecbn", Put "/telephony/config/virtualLines/{virtualLineId}/emergencyCallbackNumber", path VIRTUAL_LINE, paging Paging::None, request VirtualLineEcbnUpdate, answer NoContent, "Update a Virtual Line's Emergency Callback settings";
}
