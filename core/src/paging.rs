//! Every item of a paged list operation, fetching pages as they are needed.

use futures_util::Stream;
use serde_json::Value;

use crate::api::{OffsetPaging, Operation, Paging};
use crate::call::Call;
use crate::client::Client;
use crate::error::Error;
use crate::platform::MaybeSend;

/// What to page through.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    /// Items per page (the operation's default when `None`).
    pub page_size: Option<u32>,
    /// Sort order, e.g. `locationName-desc`.
    pub order: Option<String>,
    /// `orgId` of every page.
    pub org_id: Option<String>,
}

struct State {
    client: Client,
    op: &'static Operation,
    paging: &'static OffsetPaging,
    args: PageArgs,
    start: u32,
    buffer: std::vec::IntoIter<Value>,
    done: bool,
    /// The first item of the last page: a server that sends the same page again ends the list.
    last_first: Option<Value>,
}

/// The value at `path` inside `v`.
fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, key| v.get(key))
}

/// Every item of a paged operation (each read through the answer model), as a stream. A
/// failed page ends the stream after its error. Pages are fetched while the last one was not
/// empty and the total count (or, without one, a full page) says more are left; a page that
/// starts with the same item as the one before ends the list.
pub fn items(
    client: &Client,
    op: &'static Operation,
    args: PageArgs,
) -> impl Stream<Item = Result<Value, Error>> + MaybeSend + 'static {
    let paging = match op.paging {
        Paging::Offset(p) => Ok(p),
        Paging::None => Err(Error::Config(format!("{} is not a paged operation", op.name))),
    };
    let (first, state) = match paging {
        Ok(paging) => (
            None,
            Some(State {
                client: client.clone(),
                op,
                paging,
                args,
                start: 0,
                buffer: Vec::new().into_iter(),
                done: false,
                last_first: None,
            }),
        ),
        Err(e) => (Some(e), None),
    };
    let failed = futures_util::stream::iter(first.map(Err));
    let pages = futures_util::stream::unfold(state, |state| async move {
        let mut s = state?;
        loop {
            if let Some(item) = s.buffer.next() {
                return Some((Ok(item), Some(s)));
            }
            if s.done {
                return None;
            }
            let max = s.args.page_size.unwrap_or(s.paging.default_size);
            let mut call = Call::<Value>::new(&s.client, s.op, None, (None, Vec::new())).with_page(
                Some(s.start),
                Some(max),
                s.args.order.clone(),
            );
            if let Some(org) = &s.args.org_id {
                call = call.org_id(org.clone());
            }
            match call.send_json().await {
                Err(e) => return Some((Err(e), None)),
                Ok(page) => {
                    let mut items = match at(&page, s.paging.items) {
                        Some(Value::Array(items)) => items.clone(),
                        _ => Vec::new(),
                    };
                    if !items.is_empty() && items.first() == s.last_first.as_ref() {
                        items.clear(); // the same page again: the server ignores `start`
                    }
                    s.last_first = items.first().cloned();
                    let n = u32::try_from(items.len()).unwrap_or(u32::MAX);
                    // Counts are numbers in the spec: a fraction is rounded down.
                    let total = at(&page, s.paging.count).and_then(Value::as_f64).map(|c| c.max(0.0) as u64);
                    match s.start.checked_add(n) {
                        Some(next) => s.start = next,
                        None => s.done = true,
                    }
                    s.done |= n == 0
                        || match total {
                            Some(total) => u64::from(s.start) >= total,
                            None => n < max,
                        };
                    s.buffer = items.into_iter();
                }
            }
        }
    });
    futures_util::StreamExt::chain(failed, pages)
}
