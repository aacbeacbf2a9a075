//! Paging as a stream, through the crate generated from `fixtures/ok/paging.yaml` and its
//! mock, in every style `x-pagination` declares: item offsets (in the query or the body),
//! page numbers (from 1 or from 0), a marker the service hands back (at the top of the body
//! or inside an object) and the last item's id as the marker; each test checks the values
//! sent for every page and the items received.

use std::time::Duration;

use fixture_paging::mock::{self, MockAnswer, MockServer};
use fixture_paging::models::Item;
use fixture_paging::operations::{ListItemsRequest, ListTagsRequest, SearchItemsRequest};
use fixture_paging::runtime::futures_core::Stream;
use fixture_paging::{Client, ClientBuilder, Credentials, RetryPolicy};
use serde_json::{json, Value};

const AK: &str = "PAGINGAK";
const SK: &str = "PAGINGSK";

fn builder(mock: &MockServer) -> ClientBuilder {
    Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("p1"))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
}

async fn start() -> MockServer {
    mock::start(AK, SK).await.expect("the mock starts")
}

fn items(count: usize) -> Vec<Value> {
    (0..count)
        .map(|index| json!({"id": format!("item-{index}"), "name": "n"}))
        .collect()
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|index| format!("item-{index}")).collect()
}

/// The query of each request the mock received, in order.
fn queries(mock: &MockServer) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|request| request.query.clone())
        .collect()
}

/// The README's mock example: `?` on `mock::start` in a function returning the crate's error.
#[tokio::test]
async fn the_mock_starts_with_a_question_mark_in_a_function_returning_the_crate_error() {
    async fn run() -> Result<usize, huaweicloud_secmaster::Error> {
        let mock = huaweicloud_secmaster::mock::start("AK", "SK").await?;
        Ok(mock.requests().len())
    }
    assert_eq!(run().await.unwrap(), 0);
}

#[tokio::test]
#[should_panic(expected = "`ChangePlaybookInstance` does not page")]
async fn items_for_an_operation_that_does_not_page_are_refused() {
    let mock = huaweicloud_secmaster::mock::start("AK", "SK")
        .await
        .unwrap();
    mock.set_items("ChangePlaybookInstance", vec![serde_json::json!({})]);
}

#[tokio::test]
#[should_panic(expected = "no operation `ListNothing`")]
async fn items_for_an_unknown_operation_are_refused() {
    let mock = huaweicloud_secmaster::mock::start("AK", "SK")
        .await
        .unwrap();
    mock.set_items("ListNothing", vec![]);
}

#[tokio::test]
async fn pages_and_items_walk_a_query_paged_listing_to_its_total() {
    let mock = start().await;
    mock.set_items("ListItems", items(25));
    let client = builder(&mock).build().unwrap();

    let mut pages = client.list_items_pages(ListItemsRequest::new().limit(10));
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.body.total, Some(25));
        sizes.push(page.body.items.unwrap_or_default().len());
    }
    assert_eq!(sizes, [10, 10, 5]);
    let queries: Vec<String> = mock
        .requests()
        .iter()
        .map(|request| request.query.clone())
        .collect();
    assert_eq!(
        queries,
        ["limit=10", "limit=10&offset=10", "limit=10&offset=20"]
    );

    // As a `Stream` of items, from an offset.
    let mut items = client
        .list_items_pages(ListItemsRequest::new().offset(3).limit(10))
        .items();
    let mut ids = Vec::new();
    while let Some(item) =
        std::future::poll_fn(|context| std::pin::Pin::new(&mut items).poll_next(context)).await
    {
        let item: Item = item.unwrap();
        ids.push(item.id);
    }
    assert_eq!(ids.len(), 22);
    assert_eq!(ids.first().map(String::as_str), Some("item-3"));
    assert_eq!(ids.last().map(String::as_str), Some("item-24"));
}

/// Items and total typed through aliases (`ItemList`, an array; `Count`, an int64) page as
/// the plain types do.
#[tokio::test]
async fn a_listing_whose_items_and_total_are_aliases_pages_to_its_total() {
    let mock = start().await;
    mock.set_items("ListTags", items(15));
    let client = builder(&mock).build().unwrap();
    let mut pages = client.list_tags_pages(ListTagsRequest::new().limit(10));
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.body.count, Some(15));
        sizes.push(page.body.tags.unwrap_or_default().len());
    }
    assert_eq!(sizes, [10, 5]);
}

#[tokio::test]
async fn a_body_paged_listing_without_a_total_ends_at_a_short_page() {
    let mock = start().await;
    mock.set_items("SearchItems", items(12));
    let client = builder(&mock).build().unwrap();
    let body = fixture_paging::models::SearchItemsRequestBody::builder()
        .limit(5)
        .query("n")
        .build()
        .unwrap();
    let mut items = client
        .search_items_pages(SearchItemsRequest::new().body(body))
        .items();
    let mut count = 0;
    while let Some(item) = items.next().await {
        item.unwrap();
        count += 1;
    }
    assert_eq!(count, 12);
    let offsets: Vec<Value> = mock
        .requests()
        .iter()
        .map(|request| request.json().unwrap()["offset"].clone())
        .collect();
    assert_eq!(offsets, [Value::Null, json!(5), json!(10)]);
}

#[tokio::test]
async fn an_error_halfway_is_passed_on_and_ends_the_listing() {
    let mock = start().await;
    mock.set_items("ListItems", items(25));
    let client = builder(&mock).build().unwrap();
    let mut pages = client.list_items_pages(ListItemsRequest::new().limit(10));
    assert_eq!(
        pages
            .next()
            .await
            .unwrap()
            .unwrap()
            .body
            .items
            .unwrap()
            .len(),
        10
    );
    mock.push_answer(
        "ListItems",
        MockAnswer::error(400, "Paging.0001", "bad offset"),
    );
    let error = pages.next().await.unwrap().unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert!(
        pages.next().await.is_none(),
        "the listing ends after an error"
    );
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn secmaster_alerts_page_through_the_body_to_the_total() {
    use huaweicloud_secmaster::models::DataobjectSearch;
    use huaweicloud_secmaster::operations::ListAlertsRequest;
    let mock = huaweicloud_secmaster::mock::start(AK, SK).await.unwrap();
    let alert = mock.example_value("ListAlertDetail").unwrap();
    let alerts: Vec<Value> = (0..23)
        .map(|index| {
            let mut alert = alert.clone();
            alert["id"] = json!(format!("alert-{index}"));
            alert
        })
        .collect();
    mock.set_items("ListAlerts", alerts);
    let client = huaweicloud_secmaster::Client::builder()
        .endpoint(mock.endpoint())
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("p1"))
        .build()
        .unwrap();
    let search = DataobjectSearch::builder().limit(10).build().unwrap();
    let request = ListAlertsRequest::new().workspace_id("ws").body(search);
    let mut alerts = client.list_alerts_pages(request).items();
    let mut ids = Vec::new();
    while let Some(alert) = alerts.next().await {
        ids.push(alert.unwrap().id.unwrap_or_default());
    }
    let expected: Vec<String> = (0..23).map(|index| format!("alert-{index}")).collect();
    assert_eq!(ids, expected);
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|request| request.authenticated
                && request.operation.as_deref() == Some("ListAlerts"))
    );
    let offsets: Vec<Value> = requests
        .iter()
        .map(|request| request.json().unwrap()["offset"].clone())
        .collect();
    assert_eq!(offsets, [Value::Null, json!(10), json!(20)]);
}

#[tokio::test]
async fn a_marker_paged_listing_follows_the_next_marker_to_the_end() {
    use fixture_paging::operations::ListEventsRequest;
    let mock = start().await;
    mock.set_items("ListEvents", items(7));
    let client = builder(&mock).build().unwrap();
    let mut events = client
        .list_events_pages(ListEventsRequest::new().limit(3))
        .items();
    let mut ids = Vec::new();
    while let Some(event) = events.next().await {
        ids.push(event.unwrap().id);
    }
    let expected: Vec<String> = (0..7).map(|index| format!("item-{index}")).collect();
    assert_eq!(ids, expected);
    let queries: Vec<String> = mock
        .requests()
        .iter()
        .map(|request| request.query.clone())
        .collect();
    assert_eq!(queries, ["limit=3", "limit=3&marker=3", "limit=3&marker=6"]);
}

// ----- page numbers -----

#[tokio::test]
async fn page_numbers_from_one_go_up_by_one_and_stop_at_the_total() {
    use fixture_paging::operations::ListAgenciesRequest;
    let mock = start().await;
    mock.set_items("ListAgencies", items(30));
    let client = builder(&mock).build().unwrap();

    // No page set: the first request leaves it out (the first page, 1), the next ask for 2
    // and 3; page 3 reaches the total of 30, so there is no fourth request.
    let mut pages = client.list_agencies_pages(ListAgenciesRequest::new().per_page(10));
    let mut received = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.body.total_number, Some(30));
        received.extend(page.body.agencies.into_iter().map(|agency| agency.id));
    }
    assert_eq!(received, ids(0..30));
    assert_eq!(
        queries(&mock),
        ["per_page=10", "page=2&per_page=10", "page=3&per_page=10"]
    );

    // From a page the caller sets, item by item.
    mock.clear_requests();
    let mut agencies = client
        .list_agencies_pages(ListAgenciesRequest::new().page(2).per_page(10))
        .items();
    let mut received = Vec::new();
    while let Some(agency) = agencies.next().await {
        received.push(agency.unwrap().id);
    }
    assert_eq!(received, ids(10..30));
    assert_eq!(queries(&mock), ["page=2&per_page=10", "page=3&per_page=10"]);
}

#[tokio::test]
async fn page_numbers_stop_at_a_page_shorter_than_the_limit_before_the_total() {
    use fixture_paging::operations::ListAgenciesRequest;
    let mock = start().await;
    // A service whose total says more than it lists: the short page still ends it.
    let page = |range: std::ops::Range<usize>| {
        let agencies: Vec<Value> = range
            .map(|index| json!({"id": format!("item-{index}")}))
            .collect();
        MockAnswer::json(200, json!({"agencies": agencies, "total_number": 100}))
    };
    mock.push_answer("ListAgencies", page(0..10));
    mock.push_answer("ListAgencies", page(10..13));
    let client = builder(&mock).build().unwrap();
    let mut agencies = client
        .list_agencies_pages(ListAgenciesRequest::new().page(1).per_page(10))
        .items();
    let mut received = Vec::new();
    while let Some(agency) = agencies.next().await {
        received.push(agency.unwrap().id);
    }
    assert_eq!(received, ids(0..13));
    assert_eq!(queries(&mock), ["page=1&per_page=10", "page=2&per_page=10"]);
}

#[tokio::test]
async fn page_numbers_from_zero_in_the_body_read_items_and_total_inside_an_object() {
    use fixture_paging::models::ListJobsRequestBody;
    use fixture_paging::operations::ListJobsRequest;
    let mock = start().await;
    mock.set_items("ListJobs", items(15));
    let client = builder(&mock).build().unwrap();
    let body = ListJobsRequestBody::builder()
        .name("n")
        .page_size(5)
        .build()
        .unwrap();
    let mut pages = client.list_jobs_pages(ListJobsRequest::new().body(body));
    let mut received = Vec::new();
    while let Some(page) = pages.next().await {
        let result = page
            .unwrap()
            .body
            .result
            .expect("the items are in `result`");
        assert_eq!(result.total, Some(15));
        received.extend(
            result
                .job_list
                .unwrap_or_default()
                .into_iter()
                .map(|job| job.id),
        );
    }
    assert_eq!(received, ids(0..15));
    // Page 0 is the unset page; page 2 (items 10-14) reaches `result.total`.
    let requests = mock.requests();
    let sent: Vec<(Value, Value, Value)> = requests
        .iter()
        .map(|request| {
            let body = request.json().unwrap();
            (
                body["page_index"].clone(),
                body["page_size"].clone(),
                body["name"].clone(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            (Value::Null, json!(5), json!("n")),
            (json!(1), json!(5), json!("n")),
            (json!(2), json!(5), json!("n")),
        ]
    );
}

// ----- markers -----

#[tokio::test]
async fn a_marker_inside_an_object_is_followed_to_the_end() {
    use fixture_paging::operations::ListBalancersRequest;
    let mock = start().await;
    mock.set_items("ListBalancers", items(7));
    let client = builder(&mock).build().unwrap();
    let mut pages = client.list_balancers_pages(ListBalancersRequest::new().limit(3));
    let mut received = Vec::new();
    let mut next_markers = Vec::new();
    while let Some(page) = pages.next().await {
        let body = page.unwrap().body;
        next_markers.push(body.page_info.next_marker);
        received.extend(
            body.balancers
                .unwrap_or_default()
                .into_iter()
                .map(|item| item.id),
        );
    }
    assert_eq!(received, ids(0..7));
    assert_eq!(
        next_markers,
        [Some("3".to_owned()), Some("6".to_owned()), None]
    );
    assert_eq!(
        queries(&mock),
        ["limit=3", "limit=3&marker=3", "limit=3&marker=6"]
    );
}

#[tokio::test]
async fn the_last_items_id_is_the_next_marker_until_a_short_page() {
    use fixture_paging::operations::ListSubnetsRequest;
    let mock = start().await;
    mock.set_items("ListSubnets", items(7));
    let client = builder(&mock).build().unwrap();
    let mut subnets = client
        .list_subnets_pages(ListSubnetsRequest::new().limit(3))
        .items();
    let mut received = Vec::new();
    while let Some(subnet) = subnets.next().await {
        received.push(subnet.unwrap().id);
    }
    assert_eq!(received, ids(0..7));
    // The third page holds one subnet: shorter than the limit, so the last.
    assert_eq!(
        queries(&mock),
        ["limit=3", "limit=3&marker=item-2", "limit=3&marker=item-5"]
    );
}

#[tokio::test]
async fn the_last_items_id_is_the_next_marker_until_an_empty_page() {
    use fixture_paging::operations::ListSubnetsRequest;
    let mock = start().await;
    mock.set_items("ListSubnets", items(12));
    let client = builder(&mock).build().unwrap();
    // No limit: the service's page size (the mock's 10), so only an empty page ends it.
    let mut pages = client.list_subnets_pages(ListSubnetsRequest::new().marker("item-1"));
    let mut sizes = Vec::new();
    let mut received = Vec::new();
    while let Some(page) = pages.next().await {
        let subnets = page.unwrap().body.subnets.unwrap_or_default();
        sizes.push(subnets.len());
        received.extend(subnets.into_iter().map(|subnet| subnet.id));
    }
    assert_eq!(received, ids(2..12));
    assert_eq!(sizes, [10, 0]);
    assert_eq!(queries(&mock), ["marker=item-1", "marker=item-11"]);
}

// ----- an imported service -----

/// `count` copies of the mock's example of `model`, with ids `item-0`, `item-1`, ...
fn examples(mock: &huaweicloud_vpc::mock::MockServer, model: &str, count: usize) -> Vec<Value> {
    let example = mock.example_value(model).expect("the model has an example");
    (0..count)
        .map(|index| {
            let mut item = example.clone();
            item["id"] = json!(format!("item-{index}"));
            item
        })
        .collect()
}

async fn vpc_client() -> (huaweicloud_vpc::mock::MockServer, huaweicloud_vpc::Client) {
    let mock = huaweicloud_vpc::mock::start(AK, SK).await.unwrap();
    let client = huaweicloud_vpc::Client::builder()
        .endpoint(mock.endpoint())
        .credentials(huaweicloud_vpc::Credentials::ak_sk(AK, SK).with_project_id("p1"))
        .build()
        .unwrap();
    (mock, client)
}

#[tokio::test]
async fn vpc_lists_vpcs_by_the_marker_in_page_info() {
    use huaweicloud_vpc::operations::ListVpcsRequest;
    let (mock, client) = vpc_client().await;
    mock.set_items("ListVpcs", examples(&mock, "Vpc", 5));
    let mut vpcs = client
        .list_vpcs_pages(ListVpcsRequest::new().limit(2))
        .items();
    let mut received = Vec::new();
    while let Some(vpc) = vpcs.next().await {
        received.push(vpc.unwrap().id);
    }
    assert_eq!(received, ids(0..5));
    let queries: Vec<String> = mock
        .requests()
        .iter()
        .map(|request| request.query.clone())
        .collect();
    assert_eq!(queries, ["limit=2", "limit=2&marker=2", "limit=2&marker=4"]);
}

#[tokio::test]
async fn vpc_lists_clouddcn_subnets_after_the_last_subnets_id() {
    use huaweicloud_vpc::operations::ListClouddcnSubnetsRequest;
    let (mock, client) = vpc_client().await;
    mock.set_items("ListClouddcnSubnets", examples(&mock, "ClouddcnSubnet", 4));
    let mut subnets = client
        .list_clouddcn_subnets_pages(ListClouddcnSubnetsRequest::new().limit(2))
        .items();
    let mut received = Vec::new();
    while let Some(subnet) = subnets.next().await {
        received.push(subnet.unwrap().id);
    }
    assert_eq!(received, ids(0..4));
    // Two full pages, then an empty one after `item-3`.
    let queries: Vec<String> = mock
        .requests()
        .iter()
        .map(|request| request.query.clone())
        .collect();
    assert_eq!(
        queries,
        ["limit=2", "limit=2&marker=item-1", "limit=2&marker=item-3"]
    );
}
