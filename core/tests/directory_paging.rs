//! Link paging of the directory lists against the simulator: opaque cursors followed as given,
//! a server that caps `max`, and one that repeats a page (an error, not an endless loop).

mod common;

use std::collections::HashSet;

use common::{client, dir, sim, Faults};
use futures_util::{StreamExt, TryStreamExt};

fn list_requests(sim: &webex_emergency_sim::Simulator, path: &str) -> Vec<std::collections::HashMap<String, String>> {
    sim.journal().into_iter().filter(|e| e.path == path).map(|e| e.query).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn opaque_cursors_are_followed_as_given() {
    let sim = sim(300);
    let d = dir(&sim);
    let c = client(&sim);
    let people: Vec<_> = c.people().list(Some(7), None).try_collect().await.unwrap();
    let ids: HashSet<_> = people.iter().map(|p| p.id.clone().unwrap()).collect();
    assert_eq!(ids.len(), people.len(), "no person twice");
    assert_eq!(ids, d.people.iter().cloned().collect::<HashSet<_>>());
    let queries = list_requests(&sim, "/v1/people");
    assert_eq!(queries.len(), people.len().div_ceil(7));
    // The first page asks with `max`; every next page is the server's cursor, never a `start`
    // the client made up.
    assert_eq!(queries[0].get("max").map(String::as_str), Some("7"));
    assert!(queries.iter().all(|q| !q.contains_key("start") && q.get("callingData").map(String::as_str) == Some("true")));
    assert!(queries[1..].iter().all(|q| q.contains_key("cursor")), "{queries:?}");
    let mut cursors: Vec<_> = queries[1..].iter().map(|q| q["cursor"].clone()).collect();
    cursors.dedup();
    assert_eq!(cursors.len(), queries.len() - 1);

    // Workspaces and virtual lines page by `start` in their Link headers.
    let lines: Vec<_> = c.virtual_lines().list(Some(3), None).try_collect().await.unwrap();
    assert_eq!(lines.len(), d.virtual_lines.len());
    let locations: Vec<_> = c.locations().list(Some(1), None).try_collect().await.unwrap();
    assert_eq!(locations.len(), d.locations.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_caps_max_still_gives_every_item() {
    let sim = sim(300);
    let d = dir(&sim);
    sim.set_faults(Faults { page_cap: 6, ..Faults::default() });
    let c = client(&sim);
    let workspaces: Vec<_> = c.workspaces().list(Some(500), None).try_collect().await.unwrap();
    assert_eq!(workspaces.len(), d.workspaces.len());
    let queries = list_requests(&sim, "/v1/workspaces");
    assert_eq!(queries.len(), d.workspaces.len().div_ceil(6));
    // People: the client asks for 100 by default (the cap with callingData=true), and refuses
    // to ask for more before sending anything.
    sim.set_faults(Faults::default());
    let people: Vec<_> = c.people().list(None, None).try_collect().await.unwrap();
    assert_eq!(people.len(), d.people.len());
    let asked = list_requests(&sim, "/v1/people");
    assert_eq!(asked[0].get("max").map(String::as_str), Some("100"));
    let refused: Vec<_> = c.people().list(Some(101), None).collect().await;
    let err = refused[0].as_ref().unwrap_err();
    assert!(err.to_string().contains("max") && refused.len() == 1, "{err}");
    assert_eq!(list_requests(&sim, "/v1/people").len(), asked.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_repeats_a_page_ends_the_list_with_an_error() {
    let sim = sim(300);
    sim.set_faults(Faults { repeat_page: true, ..Faults::default() });
    let c = client(&sim);
    for page_size in [5, 50] {
        let items: Vec<_> = c.people().list(Some(page_size), None).collect().await;
        let err = items.last().unwrap().as_ref().unwrap_err();
        assert!(matches!(err, webex_emergency::Error::Decode(_)), "{err}");
        assert!(err.to_string().contains("again") || err.to_string().contains("already read"), "{err}");
        // The first page is given once, then the error ends the stream.
        assert_eq!(items.len(), page_size as usize + 1);
    }
    let lines: Vec<_> = c.virtual_lines().list(Some(3), None).collect().await;
    assert!(lines.last().unwrap().is_err() && lines.len() == 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_binding_stream_asked_again_after_its_end_stays_ended() {
    // The bindings' iterators may be asked for more after the end (a JS caller's extra next()):
    // the stream says "ended" again rather than panicking, after the last item or an error.
    let sim = sim(300);
    let c = client(&sim);
    let args = |page_size| webex_emergency::paging::PageArgs { page_size: Some(page_size), order: None, org_id: None };
    let mut items = Box::pin(webex_emergency::bindings_api::pages(&c, "people.list_page", args(7)).unwrap());
    let mut n = 0;
    while let Some(item) = items.next().await {
        item.unwrap();
        n += 1;
    }
    assert_eq!(n, dir(&sim).people.len());
    for _ in 0..3 {
        assert!(items.next().await.is_none());
    }
    let mut refused = Box::pin(webex_emergency::bindings_api::pages(&c, "people.list_page", args(101)).unwrap());
    assert!(refused.next().await.unwrap().is_err());
    for _ in 0..3 {
        assert!(refused.next().await.is_none());
    }
}
