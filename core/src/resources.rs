//! The typed facades (`client.people().get_ecbn(id)`, ...): one line per operation over its
//! declaration in [`crate::api`].

use std::marker::PhantomData;

use futures_util::{Stream, StreamExt};

use crate::api::directory::*;
use crate::api::ecbn::*;
use crate::api::location_ecbn::*;
use crate::api::notifications::*;
use crate::api::redsky::*;
use crate::api::Op;
use crate::call::Call;
use crate::client::Client;
use crate::error::Error;
use crate::paging::{self, PageArgs};
use crate::platform::MaybeSend;
use crate::wire::{Json, NoContent};

/// The list and the three ECBN operations of one kind of member.
pub trait MemberKind: 'static {
    /// One page of the members of this kind.
    type List: Op<Request = NoContent>;
    /// One member as the list gives it.
    type Item: Json + MaybeSend + 'static;
    /// Reads the member's ECBN settings.
    type Get: Op<Request = NoContent, Answer = Ecbn>;
    /// Changes them.
    type Update: Op<Answer = NoContent>;
    /// Who uses the member's number as their ECBN.
    type Dependencies: Op<Request = NoContent, Answer = EcbnDependencies>;
}

/// People (the kind of [`People`]).
#[derive(Debug)]
pub enum PersonKind {}
/// Workspaces (the kind of [`Workspaces`]).
#[derive(Debug)]
pub enum WorkspaceKind {}
/// Virtual lines (the kind of [`VirtualLines`]).
#[derive(Debug)]
pub enum VirtualLineKind {}

impl MemberKind for PersonKind {
    type List = PeopleListPage;
    type Item = Person;
    type Get = PeopleGetEcbn;
    type Update = PeopleUpdateEcbn;
    type Dependencies = PeopleEcbnDependencies;
}
impl MemberKind for WorkspaceKind {
    type List = WorkspacesListPage;
    type Item = Workspace;
    type Get = WorkspacesGetEcbn;
    type Update = WorkspacesUpdateEcbn;
    type Dependencies = WorkspacesEcbnDependencies;
}
impl MemberKind for VirtualLineKind {
    type List = VirtualLinesListPage;
    type Item = VirtualLine;
    type Get = VirtualLinesGetEcbn;
    type Update = VirtualLinesUpdateEcbn;
    type Dependencies = VirtualLinesEcbnDependencies;
}

/// ECBN operations of people, workspaces or virtual lines.
#[derive(Debug, Clone)]
pub struct Members<K> {
    client: Client,
    _kind: PhantomData<fn(K)>,
}

/// People's ECBN operations.
pub type People = Members<PersonKind>;
/// Workspaces' ECBN operations.
pub type Workspaces = Members<WorkspaceKind>;
/// Virtual lines' ECBN operations.
pub type VirtualLines = Members<VirtualLineKind>;

impl<K: MemberKind> Members<K> {
    /// One page of the list (`start` where the list takes one); the `Link` header of the
    /// answer is not kept: use [`Members::list`] to read every page.
    pub fn list_page(&self, start: Option<u32>, max: Option<u32>) -> Call<<K::List as Op>::Answer> {
        Call::of::<K::List>(&self.client, None, None).with_page(start, max, None)
    }
    /// Every member of this kind, fetching pages of `page_size` as needed (following the
    /// answers' `Link` headers).
    pub fn list(&self, page_size: Option<u32>, org_id: Option<&str>) -> impl Stream<Item = Result<K::Item, Error>> + MaybeSend + 'static {
        typed_items::<K::Item>(&self.client, K::List::operation(), page_size, org_id)
    }
    /// The member's ECBN settings.
    pub fn get_ecbn(&self, id: &str) -> Call<Ecbn> {
        Call::of::<K::Get>(&self.client, Some(id), None)
    }
    /// Changes the member's ECBN settings.
    pub fn update_ecbn(&self, id: &str, update: &<K::Update as Op>::Request) -> Call<NoContent> {
        Call::of::<K::Update>(&self.client, Some(id), Some(update))
    }
    /// Who uses the member's number as their ECBN.
    pub fn ecbn_dependencies(&self, id: &str) -> Call<EcbnDependencies> {
        Call::of::<K::Dependencies>(&self.client, Some(id), None)
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
        Call::of::<HuntGroupsEcbnDependencies>(&self.client, Some(id), None)
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
        Call::of::<NotificationsGetOrg>(&self.client, None, None)
    }
    /// Changes the organization's setting.
    pub fn update_org(&self, settings: &OrgNotificationUpdate) -> Call<NoContent> {
        Call::of::<NotificationsUpdateOrg>(&self.client, None, Some(settings))
    }
    /// A location's setting.
    pub fn get_location(&self, location_id: &str) -> Call<LocationNotification> {
        Call::of::<NotificationsGetLocation>(&self.client, Some(location_id), None)
    }
    /// Changes a location's setting.
    pub fn update_location(&self, location_id: &str, settings: &LocationNotificationUpdate) -> Call<NoContent> {
        Call::of::<NotificationsUpdateLocation>(&self.client, Some(location_id), Some(settings))
    }
}

/// RedSky operations.
#[derive(Debug, Clone)]
pub struct RedSky {
    client: Client,
}

impl RedSky {
    /// The organization's RedSky account.
    pub fn get_account(&self) -> Call<Account> {
        Call::of::<RedSkyGetAccount>(&self.client, None, None)
    }
    /// Creates the RedSky account and its admin (never retried).
    pub fn create_account(&self, req: &AccountCreate) -> Call<NoContent> {
        Call::of::<RedSkyCreateAccount>(&self.client, None, Some(req))
    }
    /// Logs in to the RedSky admin account (never retried).
    pub fn login(&self, req: &Login) -> Call<LoginResult> {
        Call::of::<RedSkyLogin>(&self.client, None, Some(req))
    }
    /// Changes the RedSky service settings.
    pub fn update_service_settings(&self, req: &ServiceSettingsUpdate) -> Call<NoContent> {
        Call::of::<RedSkyUpdateServiceSettings>(&self.client, None, Some(req))
    }
    /// The organization's compliance status.
    pub fn get_status(&self) -> Call<ComplianceStatus> {
        Call::of::<RedSkyGetStatus>(&self.client, None, None)
    }
    /// Reports a completed setup stage for the organization.
    pub fn update_status(&self, req: &ComplianceStatusUpdate) -> Call<ComplianceStatus> {
        Call::of::<RedSkyUpdateStatus>(&self.client, None, Some(req))
    }
    /// One page of the organization's compliance status and location list.
    pub fn compliance_status_page(&self, start: Option<u32>, max: Option<u32>, order: Option<&str>) -> Call<ComplianceStatus> {
        Call::of::<RedSkyComplianceStatusPage>(&self.client, None, None).with_page(start, max, order.map(str::to_string))
    }
    /// Every location's compliance status, fetching pages of `page_size` as needed.
    pub fn compliance_statuses(
        &self,
        page_size: Option<u32>,
        order: Option<&str>,
        org_id: Option<&str>,
    ) -> impl Stream<Item = Result<RedSkyLocation, Error>> + MaybeSend + 'static {
        let args = PageArgs { page_size, order: order.map(str::to_string), org_id: org_id.map(str::to_string) };
        let op = RedSkyComplianceStatusPage::operation();
        paging::items(&self.client, op, args)
            .map(move |item| item.and_then(|v| RedSkyLocation::from_json(v).map_err(|e| op.decode_error(e))))
    }
    /// A location's RedSky calling parameters.
    pub fn location_parameters(&self, location_id: &str) -> Call<LocationParameters> {
        Call::of::<RedSkyLocationParameters>(&self.client, Some(location_id), None)
    }
    /// A location's compliance status.
    pub fn location_status(&self, location_id: &str) -> Call<ComplianceStatus> {
        Call::of::<RedSkyLocationStatus>(&self.client, Some(location_id), None)
    }
    /// Reports a completed setup stage for a location.
    pub fn update_location_status(&self, location_id: &str, req: &ComplianceStatusUpdate) -> Call<LocationStatusUpdate> {
        Call::of::<RedSkyUpdateLocationStatus>(&self.client, Some(location_id), Some(req))
    }
    /// Creates a building address and alert e-mail for a location (never retried).
    pub fn create_building(&self, location_id: &str, req: &BuildingCreate) -> Call<NoContent> {
        Call::of::<RedSkyCreateBuilding>(&self.client, Some(location_id), Some(req))
    }
    /// Changes a location's building address.
    pub fn update_building(&self, location_id: &str, req: &BuildingUpdate) -> Call<NoContent> {
        Call::of::<RedSkyUpdateBuilding>(&self.client, Some(location_id), Some(req))
    }
}

/// Every item of a Link-paged list, read as `T`.
fn typed_items<T: Json + MaybeSend + 'static>(
    client: &Client,
    op: &'static crate::api::Operation,
    page_size: Option<u32>,
    org_id: Option<&str>,
) -> impl Stream<Item = Result<T, Error>> + MaybeSend + 'static {
    let args = PageArgs { page_size, order: None, org_id: org_id.map(str::to_string) };
    paging::items(client, op, args).map(move |item| item.and_then(|v| T::from_json(v).map_err(|e| op.decode_error(e))))
}

/// Locations: their list and their own ECBN.
#[derive(Debug, Clone)]
pub struct Locations {
    client: Client,
}

impl Locations {
    /// One page of locations; use [`Locations::list`] to read every page.
    pub fn list_page(&self, max: Option<u32>) -> Call<LocationList> {
        Call::of::<LocationsListPage>(&self.client, None, None).with_page(None, max, None)
    }
    /// Every location, fetching pages of `page_size` as needed.
    pub fn list(&self, page_size: Option<u32>, org_id: Option<&str>) -> impl Stream<Item = Result<Location, Error>> + MaybeSend + 'static {
        typed_items::<Location>(&self.client, LocationsListPage::operation(), page_size, org_id)
    }
    /// The location's own ECBN.
    pub fn get_ecbn(&self, location_id: &str) -> Call<LocationEcbn> {
        Call::of::<LocationsGetEcbn>(&self.client, Some(location_id), None)
    }
    /// Changes the location's own ECBN.
    pub fn update_ecbn(&self, location_id: &str, update: &LocationEcbnUpdate) -> Call<NoContent> {
        Call::of::<LocationsUpdateEcbn>(&self.client, Some(location_id), Some(update))
    }
}

impl Client {
    /// Locations: their list and their own ECBN.
    pub fn locations(&self) -> Locations {
        Locations { client: self.clone() }
    }
    /// People's ECBN operations.
    pub fn people(&self) -> People {
        Members { client: self.clone(), _kind: PhantomData }
    }
    /// Workspaces' ECBN operations.
    pub fn workspaces(&self) -> Workspaces {
        Members { client: self.clone(), _kind: PhantomData }
    }
    /// Virtual lines' ECBN operations.
    pub fn virtual_lines(&self) -> VirtualLines {
        Members { client: self.clone(), _kind: PhantomData }
    }
    /// Hunt groups' ECBN operation.
    pub fn hunt_groups(&self) -> HuntGroups {
        HuntGroups { client: self.clone() }
    }
    /// Emergency call notification operations.
    pub fn notifications(&self) -> Notifications {
        Notifications { client: self.clone() }
    }
    /// RedSky operations.
    pub fn redsky(&self) -> RedSky {
        RedSky { client: self.clone() }
    }
}
