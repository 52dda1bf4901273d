//! Every page, or every item, of a paged list operation, fetching pages as they are needed:
//! offset paging (`start`/`max` with a total count) and Link paging (the next page's URL as the
//! server gives it in its `Link: <...>; rel="next"` header).

use crate::keyed::KeySet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use futures_util::Stream;
use serde_json::Value;

use crate::api::{Operation, Paging};
use crate::call::Call;
use crate::client::Client;
use crate::error::Error;
use crate::platform::MaybeSend;
use crate::wire::split;

/// What to page through.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    /// Items per page (the operation's default when `None`).
    pub page_size: Option<u32>,
    /// Sort order, e.g. `locationName-desc` (offset-paged lists that take one).
    pub order: Option<String>,
    /// `orgId` of every page.
    pub org_id: Option<String>,
}

struct State {
    client: Client,
    op: &'static Operation,
    args: PageArgs,
    /// Offset of the next page (offset paging).
    start: u32,
    /// URL of the next page (Link paging, after the first page).
    next: Option<String>,
    /// Every next-page URL followed: a server that links back to one ends the list with an error.
    seen: KeySet,
    done: bool,
    /// The first item of the last page, as JSON text: a server that sends the same page again
    /// ends the list.
    last_first: Option<String>,
    /// An error to give after the page just read (its items are not lost).
    fail_next: Option<Error>,
    /// Whether a page of this list came with a `Link` header.
    link_seen: bool,
}

/// The value at `path` inside `v`.
pub(crate) fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, key| v.get(key))
}

fn page_items<'a>(op: &Operation, page: &'a Value) -> &'a [Value] {
    match at(page, op.paging.items()) {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// The URL of the `rel="next"` entry of a `Link` header (RFC 8288), if any. A hand-written
/// reader: the crates for it pull in `regex`, far larger than this in the browser package.
pub fn next_link(header: &str) -> Option<&str> {
    let mut rest = header;
    loop {
        rest = split::trim_start_any(rest, b" \t,");
        let inner = rest.strip_prefix("<")?;
        let close = split::find_byte(inner, b'>')?;
        let url = &inner[..close];
        rest = &inner[close + 1..];
        // The parameters run to the next comma outside a quoted text.
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ',' && !quoted
            })
            .map_or(rest.len(), |(i, _)| i);
        let params = &rest[..end];
        rest = &rest[end..];
        let is_next = split::pieces(params, b';').any(|p| {
            let Some((name, value)) = split::split_once_at(p, b'=') else { return false };
            let value = split::trim_end_any(split::trim_start_any(value.trim(), b"\""), b"\"");
            name.trim().eq_ignore_ascii_case("rel") && value.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(url.trim());
        }
        if rest.is_empty() {
            return None;
        }
    }
}

/// The next page's URL, made absolute and checked: it must be this list at the client's base
/// URL (the token is never sent to another host or another resource).
fn checked_next(client: &Client, op: &Operation, link: &str) -> Result<String, Error> {
    let base = client.base_url();
    let url = if link.starts_with("/") {
        // A reference relative to the host: keep the base URL's scheme and authority.
        // The base URL starts with `scheme://` (checked when the client was built). Char
        // searches: a `"://"` one adds the two-way string searcher to the browser package.
        let authority_end =
            split::find_byte(base, b':').map(|i| i + 3).and_then(|i| base.get(i..).map(|rest| i + split::before_any(rest, b"/").len()));
        format!("{}{link}", &base[..authority_end.unwrap_or(0)])
    } else {
        link.to_string()
    };
    let list = crate::wire::split::join(&[base, op.path], "");
    let fits = url.strip_prefix(&list).is_some_and(|rest| rest.is_empty() || rest.starts_with("?"));
    if fits {
        Ok(url)
    } else {
        let shown = crate::wire::split::first_chars(link, 200);
        Err(op.decode_error(format!("the next-page link `{shown}` does not lead to this list at {list}; not followed")))
    }
}

/// Every page of a paged operation (each read through the answer model), as a stream. A failed
/// page ends the stream after its error.
///
/// Offset paging: pages are fetched while the last one was not empty and the total count (or,
/// without one, a full page) says more are left; a page that starts with the same item as the
/// one before ends the list. Link paging: the `rel="next"` URL is followed as given until an
/// answer has none; a link back to a page already read, or a page that starts with the same
/// item as the one before, ends the list with an error (the server repeats itself).
pub fn pages(client: &Client, op: &'static Operation, args: PageArgs) -> impl Stream<Item = Result<Value, Error>> + MaybeSend + 'static {
    let state = match op.paging {
        Paging::None => Err(Error::Config(format!("{} is not a paged operation", op.name))),
        _ => Ok(State {
            client: client.clone(),
            op,
            args,
            start: 0,
            next: None,
            seen: KeySet::new(),
            done: false,
            last_first: None,
            fail_next: None,
            link_seen: false,
        }),
    };
    futures_util::stream::unfold(Some(state), |state| async move {
        let mut s = match state? {
            Ok(s) => s,
            Err(e) => return Some((Err(e), None)),
        };
        if s.done {
            return None;
        }
        let outcome = next_page(&mut s).await;
        let keep = outcome.is_ok();
        Some((outcome, keep.then_some(Ok(s))))
    })
}

async fn next_page(s: &mut State) -> Result<Value, Error> {
    if let Some(e) = s.fail_next.take() {
        return Err(e);
    }
    let op = s.op;
    // A page goes ahead of the calls waiting for the pacer: the reads of its items wait for it.
    let mut call = Call::<Value>::new(&s.client, op, None, (None, Vec::new()));
    call.parts.ahead = true;
    let max = match op.paging {
        Paging::Offset(p) => {
            let max = s.args.page_size.unwrap_or(p.default_size);
            call = call.with_page(Some(s.start), Some(max), s.args.order.clone());
            max
        }
        Paging::Link(p) => {
            let max = s.args.page_size.unwrap_or(p.default_size);
            call = call.with_page(None, Some(max), s.args.order.clone());
            max
        }
        Paging::None => 0,
    };
    if let Some(org) = &s.args.org_id {
        call = call.org_id(org.clone());
    }
    call.parts.url = s.next.take();
    let (mut page, link) = call.send_with_link().await?;
    s.link_seen |= link.is_some();
    let items = page_items(op, &page);
    // Compared as JSON text (its keys sorted, so equal items give equal texts): neither a
    // copy of the item nor `Value`'s comparison is needed. Natively a `-0` and a `0` now differ
    // (their texts do; `Value` took them as equal): a page sent again is the same bytes.
    let first = items.first().map(|item| crate::wire::json::text(item, false));
    let repeated = first.is_some() && first == s.last_first;
    s.last_first = first;
    let n = u32::try_from(items.len()).unwrap_or(u32::MAX);
    match op.paging {
        Paging::Link(_) => {
            if repeated {
                return Err(op.decode_error("the server sent the same page again; the list stops here".into()));
            }
            match link.as_deref().and_then(next_link) {
                Some(next) if n > 0 => {
                    let next = checked_next(&s.client, op, next)?;
                    if !s.seen.insert(next.clone(), ()) {
                        return Err(op.decode_error("the server linked back to a page already read; the list stops here".into()));
                    }
                    s.next = Some(next);
                }
                // In a browser a full page without a readable Link, on a list that never showed
                // one, may mean the server hides the header from the page (CORS): more items may
                // exist, so the list ends with an error after this page instead of looking
                // complete (a list of exactly one full page is reported too: it cannot be told
                // apart).
                _ if cfg!(target_arch = "wasm32") && n > 0 && n >= max && link.is_none() && !s.link_seen => {
                    s.fail_next = Some(op.decode_error(format!(
                        "a full page of {n} items came without a readable Link header: the list may go on, but \
                         the server does not expose Link to this page (CORS Access-Control-Expose-Headers), so \
                         the rest cannot be read (or the list has exactly {n} items)"
                    )));
                }
                _ => s.done = true,
            }
        }
        Paging::Offset(p) => {
            if repeated {
                // The same page again: the server ignores `start`, so the list ends here.
                s.done = true;
                if let Some(items) = at_mut(&mut page, op.paging.items()) {
                    *items = Value::Array(Vec::new());
                }
                return Ok(page);
            }
            // Counts are numbers in the spec: a fraction is rounded down.
            let total = at(&page, p.count).and_then(Value::as_f64).map(|c| c.max(0.0) as u64);
            match s.start.checked_add(n) {
                Some(next) => s.start = next,
                None => s.done = true,
            }
            s.done |= n == 0
                || match total {
                    Some(total) => u64::from(s.start) >= total,
                    None => n < max,
                };
        }
        Paging::None => s.done = true,
    }
    Ok(page)
}

/// Every item of a paged operation (read through the answer model), as a stream; see
/// [`pages`]. A failed page ends the stream after its error. Once ended it stays ended (a
/// binding's iterator may be asked for more; `pages` itself must not be polled again).
pub fn items(client: &Client, op: &'static Operation, args: PageArgs) -> impl Stream<Item = Result<Value, Error>> + MaybeSend + 'static {
    // One `poll_fn` rather than `flat_map` and `fuse` (their stream code was 0.4 kB of the
    // browser package, 2026-12-07): a page's items are handed out one by one, then the next page
    // is read; once the pages end, `pages` is not polled again.
    let mut pages = Box::pin(pages(client, op, args));
    let mut page_items = Vec::new().into_iter();
    let mut failed = None;
    let mut ended = false;
    futures_util::stream::poll_fn(move |cx| loop {
        if let Some(item) = page_items.next() {
            return std::task::Poll::Ready(Some(Ok(item)));
        }
        if let Some(e) = failed.take() {
            return std::task::Poll::Ready(Some(Err(e)));
        }
        if ended {
            return std::task::Poll::Ready(None);
        }
        match pages.as_mut().poll_next(cx) {
            std::task::Poll::Ready(Some(Err(e))) => failed = Some(e),
            std::task::Poll::Ready(Some(Ok(mut page))) => {
                if let Some(Value::Array(list)) = at_mut(&mut page, op.paging.items()) {
                    page_items = std::mem::take(list).into_iter();
                }
            }
            std::task::Poll::Ready(None) => ended = true,
            std::task::Poll::Pending => return std::task::Poll::Pending,
        }
    })
}

/// How far a [`read_ahead`] stream has read its source: the items so far, and whether it ended.
#[derive(Default)]
pub(crate) struct ReadSoFar {
    pub items: AtomicU64,
    pub ended: AtomicBool,
}

/// The items of `first`, then those of `source`, read ahead of its consumer by up to `ahead`
/// items: each time the stream is polled, `source` is polled until it has nothing ready or
/// `ahead` items wait (counted in `so_far`; `first` is not). A consumer that polls it as each of
/// its own reads ends (the audit's) keeps the list's page reads going meanwhile, so a page that
/// waits out a Retry-After does not leave the reads with nothing to do.
pub(crate) fn read_ahead<S: Stream + MaybeSend + 'static>(
    first: Vec<S::Item>,
    source: S,
    ahead: usize,
    so_far: Arc<ReadSoFar>,
) -> impl Stream<Item = S::Item> + MaybeSend + 'static
where
    S::Item: MaybeSend,
{
    let ahead = ahead.max(1);
    let mut source = Box::pin(source);
    let mut first = first.into_iter();
    let mut waiting = std::collections::VecDeque::new();
    let mut ended = false;
    futures_util::stream::poll_fn(move |cx| {
        while !ended && waiting.len() < ahead {
            match source.as_mut().poll_next(cx) {
                std::task::Poll::Ready(Some(item)) => {
                    so_far.items.fetch_add(1, Ordering::Relaxed);
                    waiting.push_back(item);
                }
                std::task::Poll::Ready(None) => {
                    so_far.ended.store(true, Ordering::Release); // after the last count
                    ended = true;
                }
                std::task::Poll::Pending => break,
            }
        }
        match first.next().or_else(|| waiting.pop_front()) {
            Some(item) => std::task::Poll::Ready(Some(item)),
            None if ended => std::task::Poll::Ready(None),
            None => std::task::Poll::Pending,
        }
    })
}

fn at_mut<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, key| v.get_mut(*key))
}

#[cfg(test)]
mod tests {
    use super::checked_next;
    use crate::api::directory::PEOPLE_LIST_PAGE;
    use crate::client::Client;

    #[test]
    fn next_links_are_made_absolute_and_must_be_the_same_list() {
        for (base, link, want) in [
            ("http://127.0.0.1:8080/v1", "/v1/people?start=10", Some("http://127.0.0.1:8080/v1/people?start=10")),
            ("https://webexapis.com/v1", "/v1/people", Some("https://webexapis.com/v1/people")),
            ("https://webexapis.com/v1", "https://webexapis.com/v1/people?max=5", Some("https://webexapis.com/v1/people?max=5")),
            ("https://webexapis.com/v1", "/v1/locations", None),
            ("https://webexapis.com/v1", "/people", None),
            ("https://webexapis.com/v1", "https://evil.example/v1/people", None),
            ("https://webexapis.com/v1", "//evil.example/v1/people", None),
        ] {
            let client = Client::builder().token("t").base_url(base).build().unwrap();
            assert_eq!(checked_next(&client, &PEOPLE_LIST_PAGE, link).ok().as_deref(), want, "{base} {link}");
        }
    }
}
