//! Adding optional things to a spec does not break user code: the same user code
//! (`forward_compat/user_code.rs`), written against the crate generated from
//! `forward_compat_v1.yaml`, compiles and behaves the same against the crate generated from
//! `forward_compat_v2.yaml`, which adds an optional request and response property, a query
//! parameter (listed before the old one), a header parameter, a response header, an enum
//! value, an operation and a schema. Each version runs against its own generated mock.

/// The user code, against version 1.
mod v1 {
    use fixture_forward_compat_v1 as api;
    include!("forward_compat/user_code.rs");
}

/// The same user code, against version 2.
mod v2 {
    use fixture_forward_compat_v2 as api;
    include!("forward_compat/user_code.rs");
}

const AK: &str = "FORWARDAK";
const SK: &str = "FORWARDSK";

/// The tests of one version: `$user` is its module of user code, `$api` its crate, and
/// `$green_unlisted` whether that crate's `Color` lacks a `green` variant.
macro_rules! version_tests {
    ($tests:ident, $user:ident, $api:ident, $green_unlisted:literal) => {
        mod $tests {
            use super::{$user as user, AK, SK};
            use serde_json::json;
            use $api as api;

            #[tokio::test]
            async fn create_sends_what_the_user_set_and_the_mock_accepts_it() {
                let mock = api::mock::start(AK, SK).await.unwrap();
                let client = user::client(&mock.endpoint(), AK, SK);
                let created =
                    user::create_widget(&client, "ws-1", "lamp", api::models::Color::Red)
                        .await
                        .unwrap();
                // The mock checked the request against its spec before answering with a
                // minimal valid body (a 400 otherwise).
                assert_eq!(created.status, 200);
                assert!(created
                    .request_id
                    .as_deref()
                    .is_some_and(|id| id.starts_with("mock-")));
                assert_eq!(created.widget.id, "string");
                assert_eq!(created.widget.name, None);
                assert_eq!(created.widget.color, None);
                assert_eq!(created.version, None);
                assert_eq!(created.rate_limit, None);

                let recorded = mock.requests();
                assert_eq!(recorded.len(), 1);
                let request = &recorded[0];
                assert!(request.authenticated);
                assert_eq!(request.operation.as_deref(), Some("CreateWidget"));
                assert_eq!(request.method, "POST");
                assert_eq!(request.path, "/workspaces/ws-1/widgets");
                assert_eq!(request.query, "");
                // Exactly what the user set: the optional property v2 adds is left out.
                assert_eq!(
                    request.json(),
                    Some(json!({"name": "lamp", "spec": {"color": "red", "size": 3}}))
                );
                // Nor does a header parameter v2 adds go out unset.
                assert_eq!(request.header("x-client-token"), None);
            }

            #[tokio::test]
            async fn an_answer_of_the_newer_service_decodes() {
                let mock = api::mock::start(AK, SK).await.unwrap();
                let client = user::client(&mock.endpoint(), AK, SK);
                // What a v2 server answers: a property, a nested object, an enum value and a
                // header that v1 does not know.
                mock.set_answer(
                    "CreateWidget",
                    api::mock::MockAnswer::json(
                        200,
                        json!({
                            "id": "w1",
                            "name": "lamp",
                            "spec": {"color": "green", "size": 3},
                            "owner": {"id": "u1", "display_name": "Ann"},
                        }),
                    )
                    .header("X-Request-Id", "req-1")
                    .header("X-Widget-Version", "7")
                    .header("X-Rate-Limit-Remaining", "99"),
                );
                let created =
                    user::create_widget(&client, "ws-1", "lamp", api::models::Color::Blue)
                        .await
                        .unwrap();
                assert_eq!(created.status, 200);
                assert_eq!(created.request_id.as_deref(), Some("req-1"));
                assert_eq!(created.version, Some(7));
                assert_eq!(created.rate_limit.as_deref(), Some("99"));
                let widget = &created.widget;
                assert_eq!(widget.id, "w1");
                assert_eq!(widget.name.as_deref(), Some("lamp"));
                assert_eq!(widget.size, Some(3));
                // The wildcard arm and the comparison with `Color::from` see `green` the
                // same way in both versions; only the catch-all variant tells them apart.
                assert_eq!(widget.color.as_deref(), Some("other:green"));
                assert!(widget.green);
                let green_unlisted: bool = $green_unlisted;
                assert_eq!(widget.unlisted, green_unlisted);
                assert_eq!(
                    mock.requests()[0].json(),
                    Some(json!({"name": "lamp", "spec": {"color": "blue", "size": 3}}))
                );
            }

            #[tokio::test]
            async fn list_sends_only_the_parameters_the_user_set() {
                let mock = api::mock::start(AK, SK).await.unwrap();
                let client = user::client(&mock.endpoint(), AK, SK);
                let (status, total, widgets) =
                    user::list_widgets(&client, "ws-2", 10).await.unwrap();
                assert_eq!(status, 200);
                assert_eq!(total, None);
                assert!(widgets.is_empty());
                let request = &mock.requests()[0];
                assert!(request.authenticated);
                assert_eq!(request.operation.as_deref(), Some("ListWidgets"));
                assert_eq!(request.path, "/workspaces/ws-2/widgets");
                // v2's `marker`, listed before `limit`, is not sent when not set.
                assert_eq!(request.query, "limit=10");

                mock.set_answer(
                    "ListWidgets",
                    api::mock::MockAnswer::json(
                        200,
                        json!({
                            "total": 2,
                            "next_marker": "m2",
                            "widgets": [
                                {"id": "a", "spec": {"color": "blue"}},
                                {"id": "b", "spec": {"color": "purple"}, "owner": {"id": "u1"}},
                            ],
                        }),
                    ),
                );
                let (_, total, widgets) = user::list_widgets(&client, "ws", 1).await.unwrap();
                assert_eq!(total, Some(2));
                let colors: Vec<_> = widgets.iter().map(|w| w.color.as_deref()).collect();
                assert_eq!(colors, [Some("cool"), Some("other:purple")]);
                assert_eq!(widgets[1].id, "b");
                assert!(widgets[1].unlisted, "a value no version lists");
                assert!(!widgets[1].green);
            }

            #[test]
            fn a_required_value_left_unset_is_refused_by_the_builder() {
                let error = user::nameless_body().unwrap_err();
                assert_eq!(
                    error.to_string(),
                    "CreateWidgetRequestBody: required field `name` is not set"
                );
                assert!(user::widget_body("n", api::models::Color::Red, 1).is_ok());
            }
        }
    };
}

version_tests!(against_v1, v1, fixture_forward_compat_v1, true);
version_tests!(against_v2, v2, fixture_forward_compat_v2, false);

/// The two crates really differ: v2 has everything v1 has, and more.
#[tokio::test]
async fn version_2_is_a_superset_of_version_1() {
    let mock1 = fixture_forward_compat_v1::mock::start(AK, SK)
        .await
        .unwrap();
    let mock2 = fixture_forward_compat_v2::mock::start(AK, SK)
        .await
        .unwrap();
    assert_eq!(mock1.operations(), ["ListWidgets", "CreateWidget"]);
    assert_eq!(
        mock2.operations(),
        ["ListWidgets", "CreateWidget", "DeleteWidget"]
    );
    assert!(mock1.example_value("Owner").is_none());
    assert!(mock2.example_value("Owner").is_some());
    assert!(matches!(
        fixture_forward_compat_v2::models::Color::from("green"),
        fixture_forward_compat_v2::models::Color::Green
    ));
    // v2's additions are there to be used, by code written for v2 only.
    let client = v2::client(&mock2.endpoint(), AK, SK);
    let request = fixture_forward_compat_v2::operations::ListWidgetsRequest::new()
        .marker("m1")
        .workspace_id("ws")
        .limit(5);
    client.list_widgets(request).await.unwrap();
    assert_eq!(mock2.requests()[0].query, "limit=5&marker=m1");
}
