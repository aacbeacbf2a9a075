//! Paging: the pages of a list operation, or their items, one after another as a
//! [`Stream`](futures_core::Stream).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::{Call, Client, Error, RawResponse};

type PageFuture<P> = Pin<Box<dyn Future<Output = Result<P, Error>> + Send>>;

/// The response of a list operation that pages: its items.
pub trait Page {
    /// One listed item.
    type Item;

    /// The items of this page, in order.
    fn into_items(self) -> Vec<Self::Item>;
}

/// The pages of a list operation, fetched one at a time as they are asked for: a
/// `Stream` of `Result<page, Error>`, also readable with [`next`](Self::next).
///
/// Paging starts at the request's offset, page number or marker and asks for pages of the
/// request's `limit` (the service's default when unset). It ends after a page that is
/// empty, shorter than the limit, reaches the total the service reports, or (marker
/// paging) names no next page. An error ends it after being passed on.
#[must_use = "a stream does nothing until polled"]
pub struct Pages<R, P> {
    client: Client,
    call: fn(R) -> Call,
    decode: fn(RawResponse) -> Result<P, Error>,
    advance: fn(&R, &P) -> Option<R>,
    /// The request of the next page to fetch, or of the page in flight.
    request: Option<R>,
    in_flight: Option<PageFuture<P>>,
}

impl<R, P> std::fmt::Debug for Pages<R, P> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Pages")
            .field("done", &self.request.is_none())
            .finish_non_exhaustive()
    }
}

impl<R: Clone, P: Send + 'static> Pages<R, P> {
    /// Pages from `first`, sent by `client`: `call` makes a request's call, `decode` its
    /// answer's page, and `advance` the request of the page after a fetched one, or says
    /// there is none. Generated `*_pages` methods build this; see [`next_offset`],
    /// [`next_page`], [`next_marker`] and [`next_item_marker`] for the styles of paging.
    pub fn new(
        client: Client,
        first: R,
        call: fn(R) -> Call,
        decode: fn(RawResponse) -> Result<P, Error>,
        advance: fn(&R, &P) -> Option<R>,
    ) -> Self {
        Pages {
            client,
            call,
            decode,
            advance,
            request: Some(first),
            in_flight: None,
        }
    }

    /// The next page: `None` once the listing has ended.
    pub async fn next(&mut self) -> Option<Result<P, Error>> {
        std::future::poll_fn(|context| self.poll_page(context)).await
    }

    /// The items of every page, one at a time.
    pub fn items(self) -> Items<R, P>
    where
        P: Page,
    {
        Items {
            pages: self,
            buffered: Vec::new().into_iter(),
        }
    }

    fn poll_page(&mut self, context: &mut Context<'_>) -> Poll<Option<Result<P, Error>>> {
        let Some(request) = &self.request else {
            return Poll::Ready(None);
        };
        let in_flight = self.in_flight.get_or_insert_with(|| {
            let call = (self.call)(request.clone());
            let (client, decode) = (self.client.clone(), self.decode);
            Box::pin(async move { decode(client.send(call).await?) })
        });
        let result = match in_flight.as_mut().poll(context) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.in_flight = None;
        self.request = match (&result, self.request.take()) {
            (Ok(page), Some(request)) => (self.advance)(&request, page),
            _ => None,
        };
        Poll::Ready(Some(result))
    }
}

impl<R: Clone, P: Send + 'static> futures_core::Stream for Pages<R, P> {
    type Item = Result<P, Error>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(context)
    }
}

// Nothing is pinned in place: the future in flight is boxed.
impl<R, P> Unpin for Pages<R, P> {}

/// The items of a list operation's pages, one at a time: a `Stream` of
/// `Result<item, Error>`, also readable with [`next`](Self::next). From
/// [`Pages::items`].
#[must_use = "a stream does nothing until polled"]
pub struct Items<R, P: Page> {
    pages: Pages<R, P>,
    buffered: std::vec::IntoIter<P::Item>,
}

impl<R, P: Page> std::fmt::Debug for Items<R, P> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

impl<R: Clone, P: Page + Send + 'static> Items<R, P> {
    /// The next item: `None` once the listing has ended.
    pub async fn next(&mut self) -> Option<Result<P::Item, Error>> {
        std::future::poll_fn(|context| self.poll_item(context)).await
    }

    fn poll_item(&mut self, context: &mut Context<'_>) -> Poll<Option<Result<P::Item, Error>>> {
        loop {
            if let Some(item) = self.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(context) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => self.buffered = page.into_items().into_iter(),
            }
        }
    }
}

impl<R: Clone, P: Page + Send + 'static> futures_core::Stream for Items<R, P> {
    type Item = Result<P::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(context)
    }
}

impl<R, P: Page> Unpin for Items<R, P> {}

/// Whether a page of `count` items, `limit` asked for, was the last one: empty, or shorter
/// than the limit.
fn is_last_page(count: i64, limit: Option<i64>) -> bool {
    count == 0 || limit.is_some_and(|limit| count < limit)
}

/// The offset of the page after one that started at `offset`, asked for `limit` items,
/// and brought `count` of a reported `total`: `None` when that page was the last (empty,
/// shorter than the limit, or reaching the total).
pub fn next_offset(
    offset: Option<i64>,
    limit: Option<i64>,
    count: usize,
    total: Option<i64>,
) -> Option<i64> {
    let count = i64::try_from(count).ok()?;
    if is_last_page(count, limit) {
        return None;
    }
    let next = offset.unwrap_or(0).checked_add(count)?;
    if total.is_some_and(|total| next >= total) {
        return None;
    }
    Some(next)
}

/// The marker of the page after one asked for with `current` that brought `count` items
/// and named `next`: `None` when that page was the last (empty, or no next marker, or the
/// same marker again).
pub fn next_marker(current: Option<&str>, count: usize, next: Option<&str>) -> Option<String> {
    let next = next.filter(|next| !next.is_empty())?;
    if count == 0 || current == Some(next) {
        return None;
    }
    Some(next.to_owned())
}

/// The page number after a page asked for as `page` (unset: the service's first page,
/// numbered `first`) that brought `count` items, `limit` asked for and `total` reported:
/// `None` when that page was the last (empty, shorter than the limit, or reaching the
/// total). Without a limit, the pages before are taken to be as large as this one.
pub fn next_page(
    page: Option<i64>,
    first: i64,
    limit: Option<i64>,
    count: usize,
    total: Option<i64>,
) -> Option<i64> {
    let count = i64::try_from(count).ok()?;
    if is_last_page(count, limit) {
        return None;
    }
    let page = page.unwrap_or(first);
    if let Some(total) = total {
        let pages_before = page.checked_sub(first)?.max(0);
        let received = pages_before
            .checked_mul(limit.unwrap_or(count))?
            .checked_add(count)?;
        if received >= total {
            return None;
        }
    }
    page.checked_add(1)
}

/// The marker of the page after one asked for with `current` that brought `count` items
/// (`limit` asked for), when the service hands back no marker and the next page starts
/// after the last item: `last` is that item's marker field. `None` when that page was the
/// last (empty, shorter than the limit, its last item without a marker, or the same
/// marker again).
pub fn next_item_marker(
    current: Option<&str>,
    limit: Option<i64>,
    count: usize,
    last: Option<&str>,
) -> Option<String> {
    if is_last_page(i64::try_from(count).ok()?, limit) {
        return None;
    }
    next_marker(current, count, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_offset_stops_at_an_empty_short_or_final_page() {
        assert_eq!(next_offset(None, Some(10), 10, Some(25)), Some(10));
        assert_eq!(next_offset(Some(10), Some(10), 10, Some(25)), Some(20));
        assert_eq!(next_offset(Some(20), Some(10), 5, Some(25)), None);
        assert_eq!(next_offset(Some(10), Some(10), 10, Some(20)), None);
        assert_eq!(next_offset(Some(0), None, 0, None), None);
        // Without a limit or a total, only an empty page ends the listing.
        assert_eq!(next_offset(Some(0), None, 7, None), Some(7));
    }

    #[test]
    fn next_marker_stops_at_an_empty_page_or_without_a_new_marker() {
        assert_eq!(next_marker(None, 5, Some("m2")), Some("m2".to_owned()));
        assert_eq!(
            next_marker(Some("m2"), 5, Some("m3")),
            Some("m3".to_owned())
        );
        assert_eq!(next_marker(Some("m2"), 5, Some("m2")), None);
        assert_eq!(next_marker(Some("m2"), 5, Some("")), None);
        assert_eq!(next_marker(Some("m2"), 5, None), None);
        assert_eq!(next_marker(Some("m2"), 0, Some("m3")), None);
    }

    #[test]
    fn next_page_counts_from_first_and_stops_at_an_empty_short_or_final_page() {
        // Unset, the page is the first: 1 by default, 0 when the service counts from 0.
        assert_eq!(next_page(None, 1, Some(10), 10, None), Some(2));
        assert_eq!(next_page(None, 0, Some(10), 10, None), Some(1));
        assert_eq!(next_page(Some(2), 1, Some(10), 10, Some(25)), Some(3));
        // Page 3 of 10 from 1 holds items 21-30: the total of 30 is reached.
        assert_eq!(next_page(Some(3), 1, Some(10), 10, Some(30)), None);
        assert_eq!(next_page(Some(2), 0, Some(10), 10, Some(30)), None);
        assert_eq!(next_page(Some(3), 1, Some(10), 5, None), None);
        assert_eq!(next_page(Some(3), 1, None, 0, None), None);
        // Without a limit, the pages before count as large as this one.
        assert_eq!(next_page(Some(1), 1, None, 7, Some(15)), Some(2));
        assert_eq!(next_page(Some(2), 1, None, 7, Some(14)), None);
        // A page number at the end of the range ends the listing, never wraps.
        assert_eq!(next_page(Some(i64::MAX), 1, None, 7, None), None);
    }

    #[test]
    fn next_item_marker_stops_at_an_empty_or_short_page_or_without_a_marker() {
        assert_eq!(
            next_item_marker(None, Some(3), 3, Some("id-2")),
            Some("id-2".to_owned())
        );
        assert_eq!(
            next_item_marker(Some("id-2"), None, 1, Some("id-3")),
            Some("id-3".to_owned())
        );
        assert_eq!(
            next_item_marker(Some("id-2"), Some(3), 2, Some("id-4")),
            None
        );
        assert_eq!(next_item_marker(Some("id-2"), Some(3), 0, None), None);
        assert_eq!(next_item_marker(Some("id-2"), Some(3), 3, None), None);
        assert_eq!(
            next_item_marker(Some("id-2"), Some(3), 3, Some("id-2")),
            None
        );
    }
}
