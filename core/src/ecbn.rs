//! Emergency callback numbers (ECBN) of people, workspaces, virtual lines and hunt groups.

use crate::call::Call;
use crate::ids::IdKind;
use crate::models::{NoContent, RequestBody};
use crate::ops::{self, Operation};
use crate::validate::Validator;
use crate::Client;

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

crate::inspect_leaf!(EcbnSelection, CallbackSelection, EffectiveLevel, EcbnQuality, MemberType);

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

fn check_selection(v: &mut Validator, selected: &Option<CallbackSelection>, member: &Option<String>) {
    v.known("selected", selected);
    v.id("locationMemberId", member, IdKind::LocationMember);
    if selected == &Some(CallbackSelection::LocationMemberNumber) && member.is_none() {
        v.push(
            "locationMemberId",
            "required_if",
            "is required when `selected` is LOCATION_MEMBER_NUMBER",
        );
    }
}

impl RequestBody for PersonEcbnUpdate {
    fn validate(&self, v: &mut Validator) {
        check_selection(v, &self.selected, &self.location_member_id);
    }
}
impl RequestBody for WorkspaceEcbnUpdate {
    fn validate(&self, v: &mut Validator) {
        check_selection(v, &self.selected, &self.location_member_id);
    }
}
impl RequestBody for VirtualLineEcbnUpdate {
    fn validate(&self, v: &mut Validator) {
        v.required("selected", &self.selected);
        check_selection(v, &self.selected, &self.location_member_id);
    }
}

/// The three ECBN operations of one kind of member.
#[derive(Debug)]
pub struct EcbnOps {
    get: &'static Operation,
    update: &'static Operation,
    dependencies: &'static Operation,
}

/// ECBN operations of people, workspaces or virtual lines; `U` is the update body.
#[derive(Debug, Clone)]
pub struct Members<U> {
    client: Client,
    ops: &'static EcbnOps,
    _u: std::marker::PhantomData<fn(U)>,
}

static PEOPLE: EcbnOps = EcbnOps {
    get: &ops::PEOPLE_GET_ECBN,
    update: &ops::PEOPLE_UPDATE_ECBN,
    dependencies: &ops::PEOPLE_ECBN_DEPENDENCIES,
};
static WORKSPACES: EcbnOps = EcbnOps {
    get: &ops::WORKSPACES_GET_ECBN,
    update: &ops::WORKSPACES_UPDATE_ECBN,
    dependencies: &ops::WORKSPACES_ECBN_DEPENDENCIES,
};
static VIRTUAL_LINES: EcbnOps = EcbnOps {
    get: &ops::VIRTUAL_LINES_GET_ECBN,
    update: &ops::VIRTUAL_LINES_UPDATE_ECBN,
    dependencies: &ops::VIRTUAL_LINES_ECBN_DEPENDENCIES,
};

/// People's ECBN operations.
pub type People = Members<PersonEcbnUpdate>;
/// Workspaces' ECBN operations.
pub type Workspaces = Members<WorkspaceEcbnUpdate>;
/// Virtual lines' ECBN operations.
pub type VirtualLines = Members<VirtualLineEcbnUpdate>;

impl<U: RequestBody> Members<U> {
    /// The member's ECBN settings.
    pub fn get_ecbn(&self, id: &str) -> Call<Ecbn> {
        Call::new::<U>(&self.client, self.ops.get, Some(id), None)
    }
    /// Changes the member's ECBN settings.
    pub fn update_ecbn(&self, id: &str, update: &U) -> Call<NoContent> {
        Call::new(&self.client, self.ops.update, Some(id), Some(update))
    }
    /// Who uses the member's number as their ECBN.
    pub fn ecbn_dependencies(&self, id: &str) -> Call<EcbnDependencies> {
        Call::new::<U>(&self.client, self.ops.dependencies, Some(id), None)
    }
}

/// Hunt groups' ECBN operation.
#[derive(Debug, Clone)]
pub struct HuntGroups {
    client: Client,
}

impl HuntGroups {
    /// Who uses the hunt group's number as their ECBN.
    pub fn ecbn_dependencies(&self, id: &str) -> Call<EcbnDependencies> {
        Call::new::<NoContent>(&self.client, &ops::HUNT_GROUPS_ECBN_DEPENDENCIES, Some(id), None)
    }
}

impl RequestBody for NoContent {
    fn validate(&self, _v: &mut Validator) {}
}

impl Client {
    /// People's ECBN operations.
    pub fn people(&self) -> People {
        Members { client: self.clone(), ops: &PEOPLE, _u: std::marker::PhantomData }
    }
    /// Workspaces' ECBN operations.
    pub fn workspaces(&self) -> Workspaces {
        Members { client: self.clone(), ops: &WORKSPACES, _u: std::marker::PhantomData }
    }
    /// Virtual lines' ECBN operations.
    pub fn virtual_lines(&self) -> VirtualLines {
        Members { client: self.clone(), ops: &VIRTUAL_LINES, _u: std::marker::PhantomData }
    }
    /// Hunt groups' ECBN operation.
    pub fn hunt_groups(&self) -> HuntGroups {
        HuntGroups { client: self.clone() }
    }
}
