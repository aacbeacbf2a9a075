// Code a user writes against version 1 of the ForwardCompat API
// (`generator/tests/fixtures/ok/forward_compat_v1.yaml`), through the crate alias `api`.
//
// `tests/forward_compat.rs` includes this file twice: once with `api` the crate generated
// from version 1 and once with `api` the crate generated from version 2, a spec that only
// adds optional things. It must compile, and behave the same, against both; so it names
// nothing that only version 2 has. (Plain `//` comments: `include!` refuses inner docs.)

use api::models::{Color, CreateWidgetRequestBody, Widget, WidgetPage, WidgetSpec};
use api::operations::{CreateWidgetRequest, CreateWidgetResponse, ListWidgetsRequest};

/// A client of the service at `endpoint`.
pub fn client(endpoint: &str, access_key: &str, secret_key: &str) -> api::Client {
    api::Client::builder()
        .endpoint(endpoint)
        .credentials(api::Credentials::ak_sk(access_key, secret_key).with_project_id("p1"))
        .retry_policy(api::RetryPolicy::disabled())
        .build()
        .expect("the client builds")
}

/// What the user's code makes of a widget the service answered with.
#[derive(Debug, Clone)]
pub struct Seen {
    pub id: String,
    pub name: Option<String>,
    /// The color as the user's code describes it.
    pub color: Option<String>,
    /// Whether the color is green, tested in the way that survives new enum values.
    pub green: bool,
    /// Whether the color fell into the catch-all variant: a spec that later lists the
    /// value moves it out (this is expected, and why `green` is tested differently).
    pub unlisted: bool,
    pub size: Option<i32>,
}

/// The created widget and the response's status, request id and headers.
#[derive(Debug, Clone)]
pub struct Created {
    pub status: u16,
    pub request_id: Option<String>,
    pub widget: Seen,
    /// The declared `X-Widget-Version` header.
    pub version: Option<i32>,
    /// A header v1 does not declare, read from the raw header map.
    pub rate_limit: Option<String>,
}

/// Describes a color. The enum is `#[non_exhaustive]`, so the wildcard arm is required;
/// it covers both the catch-all `Unknown` and variants a later spec adds.
pub fn describe(color: &Color) -> String {
    match color {
        Color::Red => "warm".to_owned(),
        Color::Blue => "cool".to_owned(),
        other => format!("other:{other}"),
    }
}

/// Reads a widget of the response.
pub fn see(widget: &Widget) -> Seen {
    let color = widget.spec.as_ref().map(|spec| &spec.color);
    Seen {
        id: widget.id.clone(),
        name: widget.name.clone(),
        color: color.map(describe),
        green: color.is_some_and(|color| *color == Color::from("green")),
        unlisted: color.is_some_and(|color| matches!(color, Color::Unknown(_))),
        size: widget.spec.as_ref().and_then(|spec| spec.size),
    }
}

/// The body of a creation: the required name, and the optional spec with its nested model.
pub fn widget_body(
    name: &str,
    color: Color,
    size: i32,
) -> Result<CreateWidgetRequestBody, api::Error> {
    let spec = WidgetSpec::builder().color(color).size(size).build()?;
    let body = CreateWidgetRequestBody::builder()
        .name(name)
        .spec(spec)
        .build()?;
    Ok(body)
}

/// A body without its required name: the builder refuses it.
pub fn nameless_body() -> Result<CreateWidgetRequestBody, api::runtime::BuildError> {
    CreateWidgetRequestBody::builder()
        .spec(WidgetSpec::builder().color(Color::Blue).build()?)
        .build()
}

/// Creates a widget and reads the answer.
pub async fn create_widget(
    client: &api::Client,
    workspace_id: &str,
    name: &str,
    color: Color,
) -> Result<Created, api::Error> {
    let request = CreateWidgetRequest::new()
        .workspace_id(workspace_id)
        .body(widget_body(name, color, 3)?);
    let response: CreateWidgetResponse = client.create_widget(request).await?;
    Ok(Created {
        status: response.status,
        request_id: response.request_id,
        widget: see(&response.body),
        version: response.x_widget_version,
        rate_limit: response
            .headers
            .get("x-rate-limit-remaining")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
    })
}

/// Lists a page of widgets; the setters are called in an order of the user's choosing.
pub async fn list_widgets(
    client: &api::Client,
    workspace_id: &str,
    limit: i32,
) -> Result<(u16, Option<i64>, Vec<Seen>), api::Error> {
    let request = ListWidgetsRequest::new()
        .limit(limit)
        .workspace_id(workspace_id);
    let response = client.list_widgets(request).await?;
    let page: WidgetPage = response.body;
    let widgets = page.widgets.unwrap_or_default();
    Ok((
        response.status,
        page.total,
        widgets.iter().map(see).collect(),
    ))
}
