//! The directory lists the audit reads: locations, people (with calling data), workspaces and
//! virtual lines. Outside the Emergency Services Settings spec; paged by `Link` headers.

use super::{LinkPaging, Paging};
use crate::wire::NoContent;

crate::response_model! {
    /// A location's postal address.
    LocationAddress {
        /// Street line 1.
        address1: String,
        /// Street line 2.
        address2: String,
        /// City.
        city: String,
        /// State or province.
        state: String,
        /// Postal code.
        postal_code: String,
        /// ISO country code.
        country: String,
    }
}

crate::response_model! {
    /// A location of the organization (`GET /locations`).
    Location {
        /// Location ID.
        id: String,
        /// Name.
        name: String,
        /// Organization ID.
        org_id: String,
        /// Postal address.
        address: LocationAddress,
        /// Time zone, e.g. `America/Chicago`.
        time_zone: String,
        /// Preferred language.
        preferred_language: String,
        /// Latitude (text, as the API sends it).
        latitude: String,
        /// Longitude (text, as the API sends it).
        longitude: String,
        /// Notes.
        notes: String,
    }
}

crate::response_model! {
    /// One page of locations.
    LocationList {
        /// The locations.
        items: Vec<Location>,
    }
}

crate::response_model! {
    /// A phone number of a person.
    PersonPhoneNumber {
        /// `work`, `work_extension`, `mobile`, `fax`, ...
        type_: String,
        /// The number.
        value: String,
        /// Whether it is the primary number.
        primary: bool,
    }
}

crate::response_model! {
    /// A person (`GET /people?callingData=true`). People without `locationId` have no calling.
    Person {
        /// Person ID.
        id: String,
        /// E-mail addresses.
        emails: Vec<String>,
        /// Display name.
        display_name: String,
        /// First name.
        first_name: String,
        /// Last name.
        last_name: String,
        /// Organization ID.
        org_id: String,
        /// Phone numbers.
        phone_numbers: Vec<PersonPhoneNumber>,
        /// Extension.
        extension: String,
        /// Calling location ID.
        location_id: String,
    }
}

crate::response_model! {
    /// One page of people.
    PersonList {
        /// The people.
        items: Vec<Person>,
        /// IDs asked for and not found.
        not_found_ids: Vec<String>,
    }
}

crate::response_model! {
    /// A workspace's calling type.
    WorkspaceCalling {
        /// `webexCalling`, `freeCalling`, `hybridCalling`, `thirdPartySipCalling`, `none`, ...
        type_: String,
    }
}

crate::response_model! {
    /// A workspace (`GET /workspaces`). Only `calling.type == "webexCalling"` ones have an ECBN.
    Workspace {
        /// Workspace ID.
        id: String,
        /// Organization ID.
        org_id: String,
        /// Location ID.
        location_id: String,
        /// Name.
        display_name: String,
        /// Calling type.
        calling: WorkspaceCalling,
    }
}

crate::response_model! {
    /// One page of workspaces.
    WorkspaceList {
        /// The workspaces.
        items: Vec<Workspace>,
    }
}

crate::response_model! {
    /// A virtual line's number.
    VirtualLineNumber {
        /// The external (E.164) number.
        external: String,
        /// Extension.
        extension: String,
        /// Routing prefix.
        routing_prefix: String,
        /// Routing prefix plus extension.
        esn: String,
        /// Whether it is the primary number.
        primary: bool,
    }
}

crate::response_model! {
    /// A location named by ID and name.
    LocationRef {
        /// Location ID.
        id: String,
        /// Name.
        name: String,
    }
}

crate::response_model! {
    /// A virtual line (`GET /telephony/config/virtualLines`).
    VirtualLine {
        /// Virtual line ID.
        id: String,
        /// First name.
        first_name: String,
        /// Last name.
        last_name: String,
        /// Its number.
        number: VirtualLineNumber,
        /// Its location.
        location: LocationRef,
        /// Devices it is assigned to.
        number_of_devices_assigned: u64,
        /// Billing plan.
        billing_plan: String,
    }
}

crate::response_model! {
    /// One page of virtual lines.
    VirtualLineList {
        /// The virtual lines.
        virtual_lines: Vec<VirtualLine>,
    }
}

static LOCATIONS: LinkPaging =
    LinkPaging { stream: "list", default_size: 500, max_size: 1000, start: false, items: &["items"], fixed: &[] };
// "If callingData=true, then max will not be more than 100."
static PEOPLE: LinkPaging = LinkPaging {
    stream: "list",
    default_size: 100,
    max_size: 100,
    start: false,
    items: &["items"],
    fixed: &[("callingData", "true")],
};
static WORKSPACES: LinkPaging =
    LinkPaging { stream: "list", default_size: 500, max_size: 1000, start: true, items: &["items"], fixed: &[] };
static VIRTUAL_LINES: LinkPaging =
    LinkPaging { stream: "list", default_size: 500, max_size: 1000, start: true, items: &["virtualLines"], fixed: &[] };

crate::operations! {
    LocationsListPage / LOCATIONS_LIST_PAGE = "locations.list_page", Get "/locations", path None, paging Paging::Link(&LOCATIONS), request NoContent, answer LocationList, "List Locations (one page)";
    PeopleListPage / PEOPLE_LIST_PAGE = "people.list_page", Get "/people", path None, paging Paging::Link(&PEOPLE), request NoContent, answer PersonList, "List People with their calling data (one page)";
    WorkspacesListPage / WORKSPACES_LIST_PAGE = "workspaces.list_page", Get "/workspaces", path None, paging Paging::Link(&WORKSPACES), request NoContent, answer WorkspaceList, "List Workspaces (one page)";
    VirtualLinesListPage / VIRTUAL_LINES_LIST_PAGE = "virtual_lines.list_page", Get "/telephony/config/virtualLines", path None, paging Paging::Link(&VIRTUAL_LINES), request NoContent, answer VirtualLineList, "Read the List of Virtual Lines (one page)";
}
