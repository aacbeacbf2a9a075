//! The setters of generated requests and model builders take what users hold: an array
//! from any iterable of things convertible to its element type (`vec!["a"]`, `["a", "b"]`,
//! `&[String]`), and every value also as an `Option` through `set_<field>`, where `None`
//! clears what was set before. Checked on the wire against the generated mock.

use fixture_query_params_and_arrays::models::{Kind, Labels};
use fixture_query_params_and_arrays::operations::{SearchRequest, SetLabelsRequest};
use fixture_query_params_and_arrays::{Client, Credentials, Error};
use serde_json::json;

const AK: &str = "FIXTUREAK";
const SK: &str = "FIXTURESK";

fn client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::ak_sk(AK, SK).with_project_id("p1"))
        .build()
        .expect("the client builds")
}

#[tokio::test]
async fn array_setters_take_literals_arrays_and_slices() {
    let mock = fixture_query_params_and_arrays::mock::start(AK, SK)
        .await
        .unwrap();
    let client = client(&mock.endpoint());
    let body = Labels::builder()
        .values(["x", "y"])
        .weights(vec![1, 2])
        .kinds([Kind::Plain, Kind::Bold])
        .build()
        .unwrap();
    client
        .set_labels(SetLabelsRequest::new().names(vec!["a", "b c"]).body(body))
        .await
        .unwrap();
    let held: Vec<String> = vec!["held".to_owned()];
    let body = Labels::builder().values(&held).build().unwrap();
    client
        .set_labels(SetLabelsRequest::new().names(&held).body(body))
        .await
        .unwrap();
    let requests = mock.requests();
    assert_eq!(requests[0].query, "names=a&names=b%20c");
    let sent: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        sent,
        json!({"values": ["x", "y"], "weights": [1, 2], "kinds": ["plain", "bold"]})
    );
    assert_eq!(requests[1].query, "names=held");
    let sent: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(sent, json!({"values": ["held"]}));
}

#[tokio::test]
async fn option_setters_set_and_clear() {
    let mock = fixture_query_params_and_arrays::mock::start(AK, SK)
        .await
        .unwrap();
    let client = client(&mock.endpoint());
    let held_limit: Option<i32> = Some(5);
    let held_tags: Option<Vec<String>> = None;
    let request = SearchRequest::new()
        .q("x")
        .offset(0)
        .ids([1])
        .set_limit(held_limit)
        .set_tags(held_tags)
        .exact(true)
        .set_exact(None);
    assert_eq!(request.limit, Some(5));
    assert_eq!(request.exact, None);
    client.search(request).await.unwrap();
    assert_eq!(mock.requests()[0].query, "ids=1&limit=5&offset=0&q=x");

    // `None` clears a required value set before, so the request is refused before sending.
    let error = client
        .search(SearchRequest::new().q("x").offset(0).ids([1]).set_ids(None))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest(message) if message.contains("required query parameter `ids`")),
        "{error:?}"
    );
    assert_eq!(mock.requests().len(), 1);

    // The same on model builders: `None` clears, and `build` then names the missing field.
    let labels = Labels::builder()
        .values(["x"])
        .set_weights(Some(vec![3]))
        .set_kinds(None)
        .build()
        .unwrap();
    assert_eq!(labels.weights, Some(vec![3]));
    assert_eq!(labels.kinds, None);
    let error = Labels::builder()
        .values(["x"])
        .set_values(None)
        .build()
        .unwrap_err();
    assert_eq!((error.model, error.field), ("Labels", "values"));
}
